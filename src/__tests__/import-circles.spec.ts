import { spawnSync } from "node:child_process"
import path from "node:path"

/**
 * No module of the plugin imports itself through others — type imports
 * included, since a circle of types is still two files that can only be
 * understood together. A circle is broken where it reads naturally (the
 * error of a transition lives with the transitions; a refund or an event is
 * read through its capture, never the other way round).
 */
describe("the plugin's import graph", () => {
  it("has no circles", () => {
    const root = path.resolve(__dirname, "../..")
    // dpdm's CLI: its library is an ES module that jest's CommonJS runtime cannot load.
    const cli = require.resolve("dpdm/lib/bin/dpdm.js", { paths: [root] })
    const run = spawnSync(
      process.execPath,
      [cli, "--no-tree", "--no-warning", "--no-progress", "-T", "false", "--exclude", "node_modules|__tests__", "src/**/*.ts", "src/**/*.tsx"],
      { cwd: root, encoding: "utf8", env: { ...process.env, FORCE_COLOR: "0", NO_COLOR: "1" } }
    )
    const out = `${run.stdout}${run.stderr}`
    expect(run.status).toBe(0)
    const analyzed = /\[(\d+)\/\1\] Analyze done/.exec(out)
    expect(Number(analyzed?.[1] ?? 0)).toBeGreaterThan(150)
    const circular = out.slice(out.indexOf("Circular Dependencies"))
    expect(circular).toMatch(/no circular dependency was found/)
  })
})
