import Stripe from "stripe"
import { authorize, call, control, sleep, useSandbox } from "./helpers"

const { sandbox, stripe } = useSandbox()

const FORM = "amount=2000&currency=eur&metadata[cart_id]=cart_1"

describe("idempotent requests (docs/gateways/stripe.md#idempotency)", () => {
  it("replays the first answer with Idempotent-Replayed: true and does nothing again", async () => {
    const first = await call(sandbox(), "POST", "/v1/payment_intents", { form: FORM, key: "idem-1" })
    expect(first.status).toBe(200)
    expect(first.headers.get("idempotency-key")).toBe("idem-1")
    expect(first.headers.get("idempotent-replayed")).toBeNull()
    // The same parameters in another order are the same request.
    const replay = await call(sandbox(), "POST", "/v1/payment_intents", { form: "metadata[cart_id]=cart_1&currency=eur&amount=2000", key: "idem-1" })
    expect(replay.status).toBe(200)
    expect(replay.headers.get("idempotent-replayed")).toBe("true")
    expect(replay.headers.get("original-request")).toBe(first.headers.get("request-id"))
    expect(replay.headers.get("request-id")).not.toBe(first.headers.get("request-id"))
    expect(replay.text).toBe(first.text)
    expect(sandbox().state.counts().intents).toBe(1)
  })

  it("through the SDK: the same key gives the same capture once", async () => {
    const intent = await authorize(stripe())
    const params = { amount_to_capture: 1_000, final_capture: false }
    const a = await stripe().paymentIntents.capture(intent.id, params, { idempotencyKey: "capture-1" })
    const b = await stripe().paymentIntents.capture(intent.id, params, { idempotencyKey: "capture-1" })
    expect(b).toEqual(a)
    expect(b.amount_received).toBe(1_000)
    expect((await stripe().paymentIntents.retrieve(intent.id)).amount_received).toBe(1_000)
  })

  it("400 idempotency_error for the same key with other parameters or another endpoint", async () => {
    const intent = await authorize(stripe())
    await stripe().paymentIntents.capture(intent.id, { amount_to_capture: 1_000, final_capture: false }, { idempotencyKey: "capture-2" })
    const other = await stripe()
      .paymentIntents.capture(intent.id, { amount_to_capture: 2_000, final_capture: false }, { idempotencyKey: "capture-2" })
      .catch((e: unknown) => e)
    expect(other).toBeInstanceOf(Stripe.errors.StripeIdempotencyError)
    expect(other).toMatchObject({ statusCode: 400, type: "StripeIdempotencyError", message: expect.stringMatching(/same parameters/) })
    const elsewhere = await stripe().refunds.create({ payment_intent: intent.id }, { idempotencyKey: "capture-2" }).catch((e: unknown) => e)
    expect(elsewhere).toBeInstanceOf(Stripe.errors.StripeIdempotencyError)
    expect((elsewhere as Error).message).toMatch(/same endpoint/)
    expect((await stripe().paymentIntents.retrieve(intent.id)).amount_received).toBe(1_000)
  })

  it("409 idempotency_key_in_use while the first request with the key is still executing", async () => {
    await control(sandbox(), "POST", "/faults", { faults: [{ kind: "delay", delayMs: 300, match: { method: "POST" } }] })
    const params = { amount: 2_000, currency: "eur" }
    const first = stripe().paymentIntents.create(params, { idempotencyKey: "idem-3" })
    await sleep(50)
    const second = await stripe().paymentIntents.create(params, { idempotencyKey: "idem-3" }).catch((e: unknown) => e)
    // The SDK maps a 409 to StripeAPIError (it retries 409s only when retries are on).
    expect(second).toBeInstanceOf(Stripe.errors.StripeAPIError)
    expect(second).toMatchObject({ statusCode: 409, code: "idempotency_key_in_use", rawType: "idempotency_error" })
    const created = await first
    expect(await stripe().paymentIntents.create(params, { idempotencyKey: "idem-3" })).toEqual(created)
    expect(sandbox().state.counts().intents).toBe(1)
  })

  it("stores answers of an executing endpoint, errors included; not parameter errors", async () => {
    const declined = await call(sandbox(), "POST", "/v1/payment_intents", {
      form: "amount=2000&currency=eur&payment_method=pm_card_chargeDeclined&confirm=true&allowed_payment_method_types[]=card",
      key: "idem-4",
    })
    expect(declined.status).toBe(402)
    const again = await call(sandbox(), "POST", "/v1/payment_intents", {
      form: "amount=2000&currency=eur&payment_method=pm_card_chargeDeclined&confirm=true&allowed_payment_method_types[]=card",
      key: "idem-4",
    })
    expect([again.status, again.headers.get("idempotent-replayed"), again.text]).toEqual([402, "true", declined.text])
    expect(sandbox().state.counts().intents).toBe(1)

    const invalid = await call(sandbox(), "POST", "/v1/payment_intents", { form: "amount=abc&currency=eur", key: "idem-5" })
    expect(invalid.body.error).toMatchObject({ code: "parameter_invalid_integer", param: "amount" })
    const corrected = await call(sandbox(), "POST", "/v1/payment_intents", { form: "amount=2000&currency=eur", key: "idem-5" })
    expect([corrected.status, corrected.headers.get("idempotent-replayed")]).toEqual([200, null])
  })

  it("keys expire after 24 hours, are per mode, ignored on GET, at most 255 characters", async () => {
    await call(sandbox(), "POST", "/v1/payment_intents", { form: FORM, key: "idem-6" })
    const live = await call(sandbox(), "POST", "/v1/payment_intents", { form: FORM, key: "idem-6", apiKey: "sk_live_otherkey00001" })
    expect(live.headers.get("idempotent-replayed")).toBeNull()
    await control(sandbox(), "POST", "/clock", { advanceSeconds: 24 * 60 * 60 + 1 })
    const later = await call(sandbox(), "POST", "/v1/payment_intents", { form: FORM, key: "idem-6" })
    expect(later.headers.get("idempotent-replayed")).toBeNull()
    expect(sandbox().state.counts().intents).toBe(3)
    const get = await call(sandbox(), "GET", `/v1/payment_intents/${later.body.id}`, { key: "idem-6" })
    expect([get.status, get.headers.get("idempotent-replayed")]).toEqual([200, null])
    const long = await call(sandbox(), "POST", "/v1/payment_intents", { form: FORM, key: "k".repeat(256) })
    expect(long.status).toBe(400)
  })
})
