import { GatewayError } from "../../gateway"
import { SandboxClient } from "../client"

/**
 * Once an attempt may have reached the gateway, a later failure does not prove
 * that it did not act. The transport is replaced by a scripted fetch so the
 * exact sequence (timeout, then a 4xx) can be produced.
 */
function scripted(...steps: Array<() => Response>): typeof fetch {
  let i = 0
  return (async () => {
    const step = steps[Math.min(i++, steps.length - 1)]
    return step()
  }) as unknown as typeof fetch
}

const timeout = () => {
  throw Object.assign(new Error("The operation was aborted due to timeout"), { name: "TimeoutError" })
}
const json = (status: number, body: unknown) => () =>
  new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } })

const capture = (client: SandboxClient) =>
  client.createCapture("sbx_pay_1", { amount: 100 }, "cap_key_1")

describe("SandboxClient keeps an unclear outcome unclear", () => {
  it.each([
    ["a 409 idempotency error", json(409, { error: { type: "idempotency_error", code: "request_in_progress", message: "in progress" } })],
    ["a 400 invalid request", json(400, { error: { type: "invalid_request_error", code: "amount_too_large", message: "too large", param: "amount" } })],
    ["a 404", json(404, { error: { type: "invalid_request_error", code: "resource_missing", message: "missing" } })],
  ])("timeout, then %s → outcomeUnknown", async (_name, second) => {
    const client = new SandboxClient({ baseUrl: "http://127.0.0.1:9", apiKey: "sk_test_x", maxRetries: 1, initialBackoffMs: 1, fetch: scripted(timeout, second) })
    const err = await capture(client).catch((e) => e)
    expect(err).toBeInstanceOf(GatewayError)
    expect(err.outcomeUnknown).toBe(true)
  })

  it("timeout, then a replayed decline → the decline is final", async () => {
    const decline = json(402, { error: { type: "card_error", code: "card_declined", decline_code: "do_not_honor", message: "declined" } })
    const client = new SandboxClient({ baseUrl: "http://127.0.0.1:9", apiKey: "sk_test_x", maxRetries: 1, initialBackoffMs: 1, fetch: scripted(timeout, decline) })
    const err = await capture(client).catch((e) => e)
    expect(err).toMatchObject({ type: "card_error", outcomeUnknown: false })
  })

  it("a 400 on the first attempt is final", async () => {
    const client = new SandboxClient({
      baseUrl: "http://127.0.0.1:9",
      apiKey: "sk_test_x",
      maxRetries: 1,
      initialBackoffMs: 1,
      fetch: scripted(json(400, { error: { type: "invalid_request_error", code: "amount_too_large", message: "too large" } })),
    })
    const err = await capture(client).catch((e) => e)
    expect(err).toMatchObject({ type: "invalid_request_error", outcomeUnknown: false })
  })
})
