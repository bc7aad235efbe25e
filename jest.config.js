/** Two projects: pure unit tests next to the code, and integration tests that boot a
 * real Medusa server (see integration-tests/setup). */
const tsJest = ["ts-jest", { tsconfig: "tsconfig.spec.json" }]

module.exports = {
  testTimeout: 120000,
  projects: [
    {
      displayName: "unit",
      testEnvironment: "node",
      roots: ["<rootDir>/src"],
      testMatch: ["**/__tests__/**/*.spec.ts"],
      transform: { "^.+\\.ts$": tsJest },
      modulePathIgnorePatterns: ["<rootDir>/dist"],
    },
    {
      displayName: "integration",
      testEnvironment: "node",
      roots: ["<rootDir>/integration-tests"],
      testMatch: ["**/*.spec.ts"],
      transform: { "^.+\\.ts$": tsJest },
      modulePathIgnorePatterns: ["<rootDir>/dist"],
      globalSetup: "<rootDir>/integration-tests/setup/global-setup.ts",
      globalTeardown: "<rootDir>/integration-tests/setup/global-teardown.ts",
    },
  ],
}
