import Stripe from "stripe"
import { startStripeSandbox, type StripeSandboxHandle } from "../server"
import { authorize, control, sdk, startWebhookReceiver, type WebhookReceiver } from "./helpers"

const SECRET = "whsec_webhookspecsecret"
let sandbox: StripeSandboxHandle
let stripe: Stripe
let hooks: WebhookReceiver

beforeAll(async () => {
  hooks = await startWebhookReceiver()
  sandbox = await startStripeSandbox({ webhookUrl: hooks.url, webhookSecret: SECRET, webhookRetryDelayMs: 10 })
  stripe = sdk(sandbox)
})
afterAll(async () => {
  await sandbox.close()
  await hooks.close()
})
beforeEach(async () => {
  await sandbox.webhooks.idle()
  sandbox.state.reset()
  sandbox.webhooks.reset()
  hooks.clear()
})

const verify = (i: number, secret = SECRET) => stripe.webhooks.constructEvent(hooks.received[i].body, hooks.received[i].signature!, secret)
const AUTHORIZATION_EVENTS = ["payment_intent.created", "charge.succeeded", "payment_intent.amount_capturable_updated"]

describe("signed webhooks (docs/gateways/stripe.md#webhooks)", () => {
  it("delivers every event signed so that stripe.webhooks.constructEvent verifies it", async () => {
    const intent = await authorize(stripe)
    await hooks.waitFor(3)
    await sandbox.webhooks.idle()
    const events = hooks.received.map((_, i) => verify(i))
    expect(events.map((e) => e.type).sort()).toEqual([...AUTHORIZATION_EVENTS].sort())
    const capturable = events.find((e) => e.type === "payment_intent.amount_capturable_updated")!
    expect(capturable).toMatchObject({ object: "event", api_version: "2026-10-28.endive", livemode: false, data: { object: { id: intent.id, amount_capturable: 10_000 } } })
    expect(hooks.received[0]).toMatchObject({ contentType: "application/json; charset=utf-8", userAgent: "Stripe/1.0 (+https://stripe.com/docs/webhooks)" })
    expect(hooks.received[0].signature).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/)
    // Delivered: nothing pending any more.
    expect((await stripe.events.retrieve(capturable.id)).pending_webhooks).toBe(0)
  })

  it.each([
    ["wrong_secret", /No signatures found matching the expected signature/],
    ["stale", /Timestamp outside the tolerance zone/],
  ])("webhookSignature=%s: the SDK refuses the delivery", async (signature, message) => {
    await control(sandbox, "POST", "/config", { webhookSignature: signature })
    await stripe.paymentIntents.create({ amount: 1_000, currency: "eur" })
    await hooks.waitFor(1)
    expect(() => verify(0)).toThrow(Stripe.errors.StripeSignatureVerificationError)
    expect(() => verify(0)).toThrow(message)
  })

  it("replays an event (a duplicate with the same id), optionally signed stale", async () => {
    const created = await stripe.paymentIntents.create({ amount: 1_000, currency: "eur" })
    await hooks.waitFor(1)
    const eventId = verify(0).id
    const replay = await control(sandbox, "POST", "/webhooks/replay", { event: eventId })
    expect(replay.body.deliveries[0]).toMatchObject({ eventId, state: "delivered", replayOf: expect.stringMatching(/^whd_/) })
    expect(verify(1)).toMatchObject({ id: eventId, data: { object: { id: created.id } } })
    await control(sandbox, "POST", "/webhooks/replay", { signature: "stale" })
    expect(() => verify(2)).toThrow(/tolerance/)
    expect((await control(sandbox, "POST", "/webhooks/replay", { event: "evt_unknown" })).status).toBe(404)
  })

  it("holds deliveries and flushes them in reverse (out-of-order delivery)", async () => {
    await control(sandbox, "POST", "/config", { holdWebhooks: true })
    await authorize(stripe)
    expect(hooks.received).toHaveLength(0)
    expect((await control(sandbox, "GET", "/state")).body.counts).toMatchObject({ heldWebhooks: 3, events: 3 })
    const flushed = await control(sandbox, "POST", "/webhooks/flush", { order: "reverse" })
    expect(flushed.body.delivered).toHaveLength(3)
    expect(hooks.received.map((_, i) => verify(i).type)).toEqual([...AUTHORIZATION_EVENTS].reverse())
  })

  it("retries a non-2xx answer; pending_webhooks counts the endpoints not yet served", async () => {
    hooks.failNext(500, 503)
    const intent = await stripe.paymentIntents.create({ amount: 1_000, currency: "eur" })
    await hooks.waitFor(3)
    await sandbox.webhooks.idle()
    const [delivery] = (await control(sandbox, "GET", "/webhooks")).body.webhooks
    expect(delivery).toMatchObject({ type: "payment_intent.created", state: "delivered" })
    expect(delivery.attempts.map((a: { status: number }) => a.status)).toEqual([500, 503, 200])
    await control(sandbox, "POST", "/config", { webhookAttempts: 1 })
    hooks.failNext(500)
    await stripe.paymentIntents.update(intent.id, { metadata: { a: "1" } })
    await stripe.paymentIntents.cancel(intent.id)
    await sandbox.webhooks.idle()
    const canceled = (await stripe.events.list({ type: "payment_intent.canceled" })).data[0]
    expect(canceled.pending_webhooks).toBe(1)
  })

  it("delivers to every configured endpoint", async () => {
    const second = await startWebhookReceiver()
    try {
      await control(sandbox, "POST", "/config", { webhookUrl: [hooks.url, second.url] })
      await stripe.paymentIntents.create({ amount: 1_000, currency: "eur" })
      await hooks.waitFor(1)
      await second.waitFor(1)
      expect(JSON.parse(second.received[0].body).id).toBe(JSON.parse(hooks.received[0].body).id)
    } finally {
      await second.close()
    }
  })
})

describe("events API (docs/gateways/stripe.md#events)", () => {
  it("retrieves events and lists them newest first, by exact type or prefix", async () => {
    const intent = await authorize(stripe, "pm_card_visa", { payment_method_options: {} })
    await stripe.paymentIntents.capture(intent.id, { amount_to_capture: 4_000 })
    const all = await stripe.events.list({ limit: 100 })
    expect(all.data.map((e) => e.type)).toEqual([...AUTHORIZATION_EVENTS, "charge.captured", "payment_intent.succeeded"].reverse())
    const charges = await stripe.events.list({ type: "charge.*" })
    expect(charges.data.map((e) => e.type)).toEqual(["charge.captured", "charge.succeeded"])
    const captured = await stripe.events.retrieve(charges.data[0].id)
    expect(captured.data).toMatchObject({ object: { id: intent.latest_charge, captured: true, amount_captured: 4_000 }, previous_attributes: { captured: false } })
    expect(captured.request).toEqual({ id: expect.stringMatching(/^req_/), idempotency_key: expect.stringMatching(/^stripe-node-retry-/) })
  })
})
