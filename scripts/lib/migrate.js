/** Runs `medusa migrations <run|revert>` (core + this plugin's migrations) the way a store does. */
const { spawn } = require("child_process")
const path = require("path")
const { repoRoot, ensureProjectDir } = require("./medusa-project")

function medusaCli(args, { env = {}, quiet = true } = {}) {
  const cwd = ensureProjectDir()
  const bin = path.join(repoRoot, "node_modules", "@medusajs", "medusa-cli", "cli.js")
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, ...args], {
      cwd,
      env: { ...process.env, MEDUSA_DISABLE_TELEMETRY: "true", ...env },
      stdio: quiet ? ["ignore", "pipe", "pipe"] : "inherit",
    })
    let output = ""
    if (quiet) {
      child.stdout.on("data", (d) => (output += d))
      child.stderr.on("data", (d) => (output += d))
    }
    child.on("error", reject)
    child.on("exit", (code) => {
      if (code === 0) resolve(output)
      else reject(new Error(`medusa ${args.join(" ")} exited with ${code}\n${output.slice(-4000)}`))
    })
  })
}

const runMigrations = (databaseUrl, opts = {}) =>
  medusaCli(["migrations", "run"], { ...opts, env: { DATABASE_URL: databaseUrl } })

const revertMigrations = (databaseUrl, opts = {}) =>
  medusaCli(["migrations", "revert"], { ...opts, env: { DATABASE_URL: databaseUrl } })

module.exports = { medusaCli, runMigrations, revertMigrations }
