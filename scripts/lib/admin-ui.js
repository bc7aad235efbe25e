/**
 * Builds Medusa's admin dashboard with this plugin's widget (`medusa-admin build`, webpack)
 * into .medusa/admin-build, which medusa-config.js serves at /app when ADMIN_UI=true.
 *
 * The build takes minutes, so it is skipped when the last one was made from the same
 * widget bundle (dist/admin, made by `npm run build`) and the same admin version. Medusa's
 * own build manifest cannot tell: it watches the project's src/admin, not a plugin's.
 */
const { spawn } = require("child_process")
const crypto = require("crypto")
const fs = require("fs")
const path = require("path")
const { repoRoot, ensureProjectDir } = require("./medusa-project")

const BUILD_DIR = path.join(repoRoot, ".medusa", "admin-build")
const STAMP = path.join(BUILD_DIR, ".captures-widget-stamp")

function widgetStamp() {
  const entry = path.join(repoRoot, "dist", "admin", "_virtual_entry.js")
  if (!fs.existsSync(entry)) {
    throw new Error(`${entry} is missing: run \`npm run build\` first (it bundles the admin widget)`)
  }
  const adminVersion = require("@medusajs/admin/package.json").version
  return crypto.createHash("sha256").update(fs.readFileSync(entry)).update(adminVersion).digest("hex")
}

function isUpToDate(stamp) {
  return fs.existsSync(path.join(BUILD_DIR, "index.html")) && fs.existsSync(STAMP) && fs.readFileSync(STAMP, "utf8") === stamp
}

/** Resolves once the admin UI in .medusa/admin-build matches the current widget bundle. */
async function ensureAdminUi({ log = () => {} } = {}) {
  const stamp = widgetStamp()
  if (isUpToDate(stamp)) {
    log("admin dashboard already built with the current widget")
    return BUILD_DIR
  }
  log("building the admin dashboard with the captures widget (webpack: a few minutes the first time)")
  const cwd = ensureProjectDir()
  const bin = require.resolve("@medusajs/admin/bin/medusa-admin.js")
  const started = Date.now()
  await new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, "build"], {
      cwd,
      // ADMIN_UI puts @medusajs/admin into medusa-config.js's plugins, where the build reads its options.
      env: { ...process.env, ADMIN_UI: "true", NODE_ENV: "production" },
      stdio: ["ignore", "pipe", "pipe"],
    })
    let output = ""
    const keep = (d) => (output = (output + d).slice(-20000))
    child.stdout.on("data", keep)
    child.stderr.on("data", keep)
    // webpack prints nothing for minutes in a non-TTY: say we are still at it.
    const ticker = setInterval(() => log(`  still building the admin dashboard (${Math.round((Date.now() - started) / 1000)} s)`), 20000)
    child.on("error", reject)
    child.on("exit", (code, signal) => {
      clearInterval(ticker)
      if (code === 0 && fs.existsSync(path.join(BUILD_DIR, "index.html"))) resolve()
      else reject(new Error(`medusa-admin build failed (${code ?? signal}):\n${output}`))
    })
  })
  fs.writeFileSync(STAMP, stamp)
  log(`admin dashboard built in ${Math.round((Date.now() - started) / 1000)} s`)
  return BUILD_DIR
}

module.exports = { ensureAdminUi, ADMIN_BUILD_DIR: BUILD_DIR }
