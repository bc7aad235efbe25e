/** Jest configuration used by StrykerJS (see stryker.config.mjs and docs/mutation-testing.md):
 * the `unit` project of jest.config.js on its own, so mutants are only ever tested by the
 * fast unit suites and never start the integration server. */
const base = require("./jest.config.js")

const unit = base.projects.find((project) => project.displayName === "unit")
if (!unit) throw new Error("jest.config.js has no project named unit")

module.exports = {
  ...unit,
  rootDir: __dirname,
  testTimeout: 30000,
}
