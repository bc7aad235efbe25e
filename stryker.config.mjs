// @ts-check
/**
 * Mutation testing with StrykerJS; see docs/mutation-testing.md.
 * Not part of `npm test` nor of CI: run `npm run test:mutation` (everything) or
 * `npm run test:mutation:domain` (src/domain only).
 *
 * @type {import('@stryker-mutator/api/core').PartialStrykerOptions}
 */
const config = {
  packageManager: "npm",
  testRunner: "jest",
  jest: {
    projectType: "custom",
    configFile: "jest.stryker.config.js",
    enableFindRelatedTests: false,
  },
  // The TypeScript checker (installed) would drop mutants that do not compile, but it needs a
  // core of its own on this 2-core machine; opt in with `--checkers typescript`.
  checkers: [],
  tsconfigFile: "tsconfig.json",
  typescriptChecker: { prioritizePerformanceOverAccuracy: true },
  coverageAnalysis: "perTest",
  mutate: [
    "src/domain/**/*.ts",
    "src/gateways/*/mapper.ts",
    "src/gateways/mollie/failures.ts",
    "src/gateways/mollie/wire-shapes.ts",
    "src/gateways/clover/level2.ts",
    "src/gateways/clover/lookup.ts",
    "!src/**/__tests__/**",
  ],
  incremental: true,
  incrementalFile: "reports/stryker-incremental.json",
  // A 2-core machine: one test runner (plus the checker) leaves a core for everything else.
  concurrency: 1,
  timeoutMS: 10000,
  reporters: ["clear-text", "progress-append-only", "html", "json"],
  htmlReporter: { fileName: "reports/mutation/mutation.html" },
  jsonReporter: { fileName: "reports/mutation/mutation.json" },
  clearTextReporter: { allowEmojis: false, logTests: false, reportScoreTable: true },
  tempDirName: ".stryker-tmp",
  cleanTempDir: true,
}

export default config
