import Stripe from "stripe"
import { GatewayError, GatewayLookupDiscrepancy } from "../../gateway"
import { startStripeSandbox, type StripeSandboxHandle } from "../../../sandbox/stripe"
import { stripeLongestCallMs } from "../client"
import { StripeGateway } from "../stripe-gateway"

/**
 * The Stripe adapter through the official SDK against the Stripe simulator:
 * what each port call sends and how it reads Stripe's answers, lost answers
 * and refusals.
 */
describe("StripeGateway against the Stripe simulator", () => {
  let sim: StripeSandboxHandle
  let gateway: StripeGateway
  const faults = (body: unknown) =>
    fetch(`${sim.url}/__control/faults`, { method: body ? "POST" : "DELETE", headers: { "content-type": "application/json" }, body: body ? JSON.stringify(body) : undefined })
  const config = (body: unknown) => fetch(`${sim.url}/__control/config`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) })

  beforeAll(async () => {
    sim = await startStripeSandbox({ webhookSecret: "whsec_unit" })
    gateway = new StripeGateway({ apiKey: "sk_test_unit", baseUrl: sim.url, multicapture: true, webhookSecret: "whsec_unit", timeoutMs: 2000, maxRetries: 1 })
  })
  afterAll(() => sim.close())
  afterEach(() => faults(null))

  /** An authorized intent, confirmed as Stripe.js would. */
  async function authorized(paymentMethod = "pm_card_visa", amount = 10_000) {
    const created = await gateway.authorize({ amount, currency: "EUR", idempotencyKey: `create_${Math.random()}`, metadata: { cart_id: "cart_1" }, source: paymentMethod })
    expect(created.status).toBe("authorized")
    return created.paymentRef
  }

  it("creates a manual-capture intent for Stripe.js, with its client secret and the cart", async () => {
    const snapshot = await gateway.authorize({ amount: 2500, currency: "EUR", idempotencyKey: "create_a", metadata: { cart_id: "cart_9", n: 3 } })
    expect(snapshot).toMatchObject({ status: "requires_more", amountAuthorized: 2500, amountCapturable: 0, currency: "eur" })
    expect(snapshot.clientSecret).toMatch(new RegExp(`^${snapshot.paymentRef}_secret_`))
    const again = await gateway.authorize({ amount: 2500, currency: "EUR", idempotencyKey: "create_a", metadata: { cart_id: "cart_9", n: 3 } })
    expect(again.paymentRef).toBe(snapshot.paymentRef)
    const raw = snapshot.raw as { capture_method: string; metadata: Record<string, string>; payment_method_options: { card: { request_multicapture: string } } }
    expect(raw.capture_method).toBe("manual")
    expect(raw.metadata).toEqual({ cart_id: "cart_9", n: "3" })
    expect(raw.payment_method_options.card.request_multicapture).toBe("if_available")
  })

  it("captures in parts while multicapture keeps the rest, and records each capture in the metadata", async () => {
    const ref = await authorized()
    const first = await gateway.capture({ paymentRef: ref, amount: 3000, currency: "eur", idempotencyKey: "cap_one" })
    expect(first).toMatchObject({ status: "succeeded", amount: 3000, currency: "eur", gatewayCaptureId: expect.stringMatching(/^ch_/) })
    expect(await gateway.retrieve(ref)).toMatchObject({ status: "partially_captured", amountCaptured: 3000, amountCapturable: 7000 })
    await gateway.capture({ paymentRef: ref, amount: 7000, currency: "eur", idempotencyKey: "cap_two" })
    expect(await gateway.retrieve(ref)).toMatchObject({ status: "captured", amountCaptured: 10_000, amountCapturable: 0 })
    expect(await gateway.retrieveCapture({ paymentRef: ref, idempotencyKey: "cap_one", amount: 3000 })).toMatchObject({ status: "succeeded", amount: 3000 })
    expect(await gateway.retrieveCapture({ paymentRef: ref, idempotencyKey: "cap_two", amount: 7000 })).toMatchObject({ status: "succeeded", amount: 7000 })
    expect(await gateway.retrieveCapture({ paymentRef: ref, idempotencyKey: "cap_never", amount: 100 })).toBeNull()
    await expect(gateway.retrieveCapture({ paymentRef: ref, idempotencyKey: "cap_one", amount: 3100 })).rejects.toBeInstanceOf(GatewayLookupDiscrepancy)
  })

  it("closes the authorization with the first capture when the card has no multicapture", async () => {
    const ref = await authorized("pm_card_credit_disableEnterpriseCardFeatures")
    await gateway.capture({ paymentRef: ref, amount: 3000, currency: "eur", idempotencyKey: "cap_single" })
    expect(await gateway.retrieve(ref)).toMatchObject({ status: "partially_captured", amountCaptured: 3000, amountCapturable: 0 })
  })

  it("leaves a capture whose answers were all lost unknown, and finds it taken once", async () => {
    const ref = await authorized()
    await faults({ faults: [{ kind: "lost_response", match: { method: "POST", path: `/v1/payment_intents/${ref}/capture` }, times: 10 }] })
    const err = await gateway.capture({ paymentRef: ref, amount: 4000, currency: "eur", idempotencyKey: "cap_lost" }).catch((e) => e)
    expect(err).toBeInstanceOf(GatewayError)
    expect(err).toMatchObject({ type: "api_connection_error", outcomeUnknown: true })
    await faults(null)
    expect(await gateway.retrieveCapture({ paymentRef: ref, idempotencyKey: "cap_lost", amount: 4000 })).toMatchObject({ status: "succeeded", amount: 4000 })
    expect(await gateway.retrieve(ref)).toMatchObject({ amountCaptured: 4000 })
  })

  it("fails a declined or refused capture, never leaving it unknown", async () => {
    const ref = await authorized()
    await config({ declineNextCaptures: 1 })
    await expect(gateway.capture({ paymentRef: ref, amount: 1000, currency: "eur", idempotencyKey: "cap_declined" })).rejects.toMatchObject({
      type: "card_error",
      outcomeUnknown: false,
    })
    await expect(gateway.capture({ paymentRef: ref, amount: 20_000, currency: "eur", idempotencyKey: "cap_too_much" })).rejects.toMatchObject({
      type: "invalid_request_error",
      code: "amount_too_large",
      outcomeUnknown: false,
    })
    expect(await gateway.retrieve(ref)).toMatchObject({ amountCaptured: 0, amountCapturable: 10_000 })
  })

  it("refunds on the intent with the ledger's id, and finds the refund again by listing", async () => {
    const ref = await authorized()
    await gateway.capture({ paymentRef: ref, amount: 6000, currency: "eur", idempotencyKey: "cap_r" })
    const refund = await gateway.refund({ paymentRef: ref, amount: 1500, currency: "eur", idempotencyKey: "capref_1", refundId: "capref_1", reason: "return" })
    expect(refund).toMatchObject({ status: "succeeded", amount: 1500, gatewayRefundId: expect.stringMatching(/^re_/) })
    expect((refund.raw as { reason: string }).reason).toBe("requested_by_customer")
    expect(await gateway.retrieveRefund({ paymentRef: ref, idempotencyKey: "capref_1", amount: 1500 })).toMatchObject({ gatewayRefundId: refund.gatewayRefundId })
    expect(await gateway.retrieveRefund({ paymentRef: ref, idempotencyKey: "capref_none", amount: 1500 })).toBeNull()
    expect(await gateway.retrieveRefund({ paymentRef: ref, gatewayId: refund.gatewayRefundId, idempotencyKey: "capref_1", amount: 1500 })).toMatchObject({ status: "succeeded" })
    expect(await gateway.retrieve(ref)).toMatchObject({ amountRefunded: 1500 })
  })

  it("releases an untouched authorization by canceling, a partly captured one by a final capture of nothing", async () => {
    const untouched = await authorized()
    expect(await gateway.cancel(untouched, "cancel_1")).toMatchObject({ status: "canceled", amountCapturable: 0 })
    // Again: it ended already, answered with its state.
    expect(await gateway.cancel(untouched, "cancel_1b")).toMatchObject({ status: "canceled" })

    const partly = await authorized()
    await gateway.capture({ paymentRef: partly, amount: 2500, currency: "eur", idempotencyKey: "cap_p" })
    expect(await gateway.cancel(partly, "release_1")).toMatchObject({ status: "partially_captured", amountCaptured: 2500, amountCapturable: 0 })
    expect((await gateway.retrieve(partly)).raw).toMatchObject({ status: "succeeded" })
  })

  it("verifies a webhook's signature with the endpoint's secret only", () => {
    const signer = new Stripe("sk_test_signer")
    const payload = JSON.stringify({ id: "evt_1", object: "event", type: "payment_intent.succeeded", data: { object: { id: "pi_1", object: "payment_intent" } } })
    const header = signer.webhooks.generateTestHeaderString({ payload, secret: "whsec_unit" })
    expect(gateway.verifyEvent(payload, header).id).toBe("evt_1")
    const forged = signer.webhooks.generateTestHeaderString({ payload, secret: "whsec_other" })
    expect(() => gateway.verifyEvent(payload, forged)).toThrow()
    expect(() => gateway.verifyEvent(payload, undefined)).toThrow(/missing/)
    const unconfigured = new StripeGateway({ apiKey: "sk_test_unit", baseUrl: sim.url })
    expect(() => unconfigured.verifyEvent(payload, header)).toThrow(/no webhookSecret/)
  })

  it("refuses a key of the wrong shape without repeating it, and counts the SDK's resend in a call's longest time", () => {
    expect(() => new StripeGateway({ apiKey: "pk_test_secretish" })).toThrow(/must start with sk_test_/)
    expect(() => new StripeGateway({ apiKey: "pk_test_secretish" })).not.toThrow(/secretish/)
    // 2 attempts, each possibly sent twice, and one wait of at most 30 s between them.
    expect(stripeLongestCallMs({ timeoutMs: 1000, maxRetries: 1 })).toBe(2 * 2 * 1000 + 30_000)
  })
})
