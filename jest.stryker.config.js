/** Jest configuration used by StrykerJS (see stryker.config.mjs and docs/mutation-testing.md):
 * the `unit` project of jest.config.js, limited to the tests of the code that is mutated
 * (src/domain and src/gateways), so mutants never start the integration server and a static
 * mutant (one that needs every test) costs a run of these suites, not of the whole unit project. */
const base = require("./jest.config.js")

const unit = base.projects.find((project) => project.displayName === "unit")
if (!unit) throw new Error("jest.config.js has no project named unit")

module.exports = {
  ...unit,
  rootDir: __dirname,
  roots: ["<rootDir>/src/domain", "<rootDir>/src/gateways"],
  testTimeout: 30000,
}
