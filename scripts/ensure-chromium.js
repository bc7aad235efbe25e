#!/usr/bin/env node
/**
 * The admin widget's browser test drives Debian's Chromium (/usr/bin/chromium) with
 * playwright-core: Playwright's own browser downloads are not reachable from CI machines,
 * Debian's package mirror is. Installs the package when it is missing and we may (root
 * with apt-get); otherwise says what to install and fails, so `npm test` never skips it.
 */
const { execFileSync } = require("child_process")
const fs = require("fs")

const CHROMIUM = "/usr/bin/chromium"

function run(cmd, args) {
  execFileSync(cmd, args, { stdio: ["ignore", "inherit", "inherit"], env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" } })
}

if (fs.existsSync(CHROMIUM)) process.exit(0)

const canInstall = process.getuid && process.getuid() === 0 && fs.existsSync("/usr/bin/apt-get")
if (!canInstall) {
  console.error(`${CHROMIUM} is missing. Install Debian's Chromium (sudo apt-get install chromium) and run the tests again.`)
  process.exit(1)
}
console.log(`${CHROMIUM} is missing: installing Debian's chromium package for the admin widget's browser test`)
try {
  run("apt-get", ["install", "-y", "-q", "chromium"])
} catch {
  // A fresh machine's package lists may be empty or stale.
  run("apt-get", ["update", "-q"])
  run("apt-get", ["install", "-y", "-q", "chromium"])
}
if (!fs.existsSync(CHROMIUM)) {
  console.error(`apt-get finished but ${CHROMIUM} is still missing`)
  process.exit(1)
}
