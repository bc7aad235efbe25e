import { testContext } from "../helpers/store"

// eslint-disable-next-line @typescript-eslint/no-var-requires
const { startServer } = require("../../scripts/lib/start-server")

/** A wrong plugin option stops Medusa while it boots, with one line per problem. */
describe("plugin options are validated at start", () => {
  it("refuses to start with a bad sandbox URL and key, naming both", async () => {
    const ctx = testContext()
    const failed = await startServer({
      env: { ...ctx.serverEnv, CAPTURES_SANDBOX_URL: "ftp://gateway.test", CAPTURES_SANDBOX_API_KEY: "pk_live_oops" },
      timeoutMs: 60000,
    }).then(
      async (server: { stop(): Promise<void> }) => {
        await server.stop()
        return null
      },
      (err: Error) => err
    )
    expect(failed).toBeInstanceOf(Error)
    expect(failed!.message).toMatch(/exited .* before it was ready/)
    expect(failed!.message).toContain("medusa-plugin-captures: invalid options:")
    expect(failed!.message).toContain("sandbox.baseUrl: must be an http(s) URL")
    expect(failed!.message).toContain("sandbox.apiKey: must be sk_test_… or sk_live_… (no spaces)")
    // The key itself is not echoed back.
    expect(failed!.message).not.toContain("pk_live_oops")
  })
})
