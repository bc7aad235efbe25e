/**
 * Every fault kind of the shared queue, seen through the official SDK: what it throws, and whether
 * the simulator acted. The SDK retries a closed connection once even with maxNetworkRetries: 0,
 * with the same automatic Idempotency-Key, so one reset is invisible to its caller.
 */
import Stripe from "stripe"
import { control, eventually, sdk, useSandbox } from "./helpers"

const { sandbox, stripe } = useSandbox()

const queue = (faults: unknown[]) => control(sandbox(), "POST", "/faults", { faults })
const create = (client = stripe()) => client.paymentIntents.create({ amount: 2_000, currency: "eur" })
const failure = (promise: Promise<unknown>) => promise.then(() => undefined, (e: unknown) => e as Stripe.errors.StripeError)

describe("faults through the SDK (docs/gateways/stripe.md#simulator-controls)", () => {
  it.each([
    ["status_500", 500, "StripeAPIError", "api_error"],
    ["status_503", 503, "StripeAPIError", "api_error"],
    ["status_429", 429, "StripeRateLimitError", "invalid_request_error"],
  ] as const)("%s answers %i, the SDK throws %s, nothing is done", async (kind, status, type, rawType) => {
    await queue([{ kind, match: { method: "POST", path: "/v1/payment_intents" } }])
    const err = await failure(create())
    expect(err).toBeInstanceOf(Stripe.errors[type])
    expect(err).toMatchObject({ statusCode: status, rawType })
    if (kind === "status_429") expect(err).toMatchObject({ code: "rate_limit" })
    expect(sandbox().state.counts()).toMatchObject({ intents: 0, requests: 1 })
  })

  it("delay waits, then acts and answers normally", async () => {
    await queue([{ kind: "delay", delayMs: 80 }])
    const started = Date.now()
    expect((await create()).status).toBe("requires_payment_method")
    expect(Date.now() - started).toBeGreaterThanOrEqual(75)
  })

  it("timeout: the SDK gives up (StripeConnectionError), the simulator acts afterwards", async () => {
    await queue([{ kind: "timeout", delayMs: 250 }])
    const err = await failure(create(sdk(sandbox(), undefined, { timeout: 100 })))
    expect(err).toBeInstanceOf(Stripe.errors.StripeConnectionError)
    expect(err!.message).toMatch(/timeout/)
    await eventually(() => (sandbox().state.counts().intents === 1 ? true : undefined))
  })

  it("reset_before once: the SDK's automatic retry succeeds; twice: StripeConnectionError, nothing done", async () => {
    await queue([{ kind: "reset_before" }])
    expect((await create()).object).toBe("payment_intent")
    expect(sandbox().state.counts()).toMatchObject({ intents: 1, requests: 2 })
    await queue([{ kind: "reset_before", times: 2 }])
    expect(await failure(create())).toBeInstanceOf(Stripe.errors.StripeConnectionError)
    expect(sandbox().state.counts().intents).toBe(1)
  })

  it.each(["reset_after", "lost_response"])("%s once: acted, and the SDK's retry gets the stored answer replayed", async (kind) => {
    await queue([{ kind }])
    const intent = await create()
    expect(intent.lastResponse.headers["idempotent-replayed"]).toBe("true")
    expect(intent.lastResponse.idempotencyKey).toMatch(/^stripe-node-retry-/)
    expect(sandbox().state.counts().intents).toBe(1)
  })

  it("reset_after twice: StripeConnectionError although the intent was created", async () => {
    await queue([{ kind: "reset_after", times: 2 }])
    expect(await failure(create())).toBeInstanceOf(Stripe.errors.StripeConnectionError)
    expect(sandbox().state.counts().intents).toBe(1)
  })

  it("malformed: acted, the SDK throws StripeAPIError for the unreadable body", async () => {
    await queue([{ kind: "malformed" }])
    const err = await failure(create())
    expect(err).toBeInstanceOf(Stripe.errors.StripeAPIError)
    expect(err!.message).toMatch(/Invalid JSON/)
    expect(sandbox().state.counts().intents).toBe(1)
  })

  it("faults match method and path, are listed and cleared; unknown kinds refused", async () => {
    await queue([{ kind: "status_500", match: { method: "GET" } }])
    expect((await create()).object).toBe("payment_intent")
    expect((await control(sandbox(), "GET", "/faults")).body.faults).toHaveLength(1)
    expect((await control(sandbox(), "DELETE", "/faults")).body).toEqual({ cleared: 1 })
    expect((await queue([{ kind: "explode" }])).status).toBe(400)
  })
})
