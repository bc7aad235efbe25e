/**
 * Medusa loads the folder it runs in as a "project" and also loads that folder's
 * `dist/`. This repository's `dist/` is the plugin itself, so the server runs
 * from `.medusa/`, a folder that holds only a medusa-config.js re-exporting the
 * root one (which lists the plugin by path). Nothing is loaded twice.
 */
const fs = require("fs")
const path = require("path")

const repoRoot = path.resolve(__dirname, "..", "..")
const projectDir = path.join(repoRoot, ".medusa")

function ensureProjectDir() {
  fs.mkdirSync(projectDir, { recursive: true })
  const config = path.join(projectDir, "medusa-config.js")
  const body = 'module.exports = require("../medusa-config.js")\n'
  if (!fs.existsSync(config) || fs.readFileSync(config, "utf8") !== body) {
    fs.writeFileSync(config, body)
  }
  // `medusa-admin build` records the project's dependencies in its build manifest and
  // fails without a package.json; the dev server needs none of its own.
  const pkg = path.join(projectDir, "package.json")
  if (!fs.existsSync(pkg)) {
    fs.writeFileSync(pkg, JSON.stringify({ name: "captures-dev-server", private: true, dependencies: {} }, null, 2) + "\n")
  }
  return projectDir
}

module.exports = { repoRoot, projectDir, ensureProjectDir }
