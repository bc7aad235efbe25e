import Stripe from "stripe"
import { authorize, control, eventTypes, useSandbox } from "./helpers"

const { sandbox, stripe } = useSandbox()
const DAY = 24 * 60 * 60

const advance = async (seconds: number) => (await control(sandbox(), "POST", "/clock", { advanceSeconds: seconds })).body

describe("the authorization window on the simulated clock (docs/gateways/stripe.md#authorization-window)", () => {
  it("an uncaptured authorization expires at capture_before: canceled (expired), charge.expired, no refund", async () => {
    const intent = await authorize(stripe())
    const charge = await stripe().charges.retrieve(intent.latest_charge as string)
    const captureBefore = charge.payment_method_details!.card!.capture_before!
    const start = (await control(sandbox(), "GET", "/clock")).body.now

    expect((await advance(captureBefore - start - 5)).expired).toEqual([])
    expect((await stripe().paymentIntents.retrieve(intent.id)).status).toBe("requires_capture")
    const moved = await advance(10)
    expect(moved.expired).toEqual([intent.id])
    expect(moved.offsetSeconds).toBe(captureBefore - start + 5)

    const expired = await stripe().paymentIntents.retrieve(intent.id)
    expect(expired).toMatchObject({ status: "canceled", cancellation_reason: "expired", amount_capturable: 0, amount_received: 0 })
    expect(expired.canceled_at).toBeGreaterThanOrEqual(captureBefore)
    // Since 2025-03-31.basil a released authorization creates no Refund.
    expect(await stripe().charges.retrieve(charge.id)).toMatchObject({ captured: false, refunded: false, amount_refunded: 0, amount_captured: 0 })
    expect((await stripe().refunds.list({ charge: charge.id })).data).toEqual([])
    expect(eventTypes(sandbox()).slice(-2)).toEqual(["charge.expired", "payment_intent.canceled"])
    const canceledEvent = (await stripe().events.list({ type: "payment_intent.canceled" })).data[0]
    expect(canceledEvent.request).toEqual({ id: null, idempotency_key: null })

    const late = await stripe().paymentIntents.capture(intent.id).catch((e: unknown) => e)
    expect(late).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError)
    expect(late).toMatchObject({ code: "charge_expired_for_capture" })
  })

  it("a partly captured multicapture intent succeeds at the end of the window; charge.captured", async () => {
    const intent = await authorize(stripe())
    await stripe().paymentIntents.capture(intent.id, { amount_to_capture: 3_000, final_capture: false })
    await advance(8 * DAY)
    expect(await stripe().paymentIntents.retrieve(intent.id)).toMatchObject({ status: "succeeded", amount_received: 3_000, amount_capturable: 0 })
    expect(await stripe().charges.retrieve(intent.latest_charge as string)).toMatchObject({ captured: true, amount_captured: 3_000, refunded: false })
    expect(eventTypes(sandbox()).slice(-3)).toEqual(["charge.captured", "payment_intent.amount_capturable_updated", "payment_intent.succeeded"])
  })

  it("expiry also happens on the next API request; the window is configurable; timestamps follow the clock", async () => {
    await control(sandbox(), "POST", "/config", { authorizationWindowSeconds: 60 })
    const intent = await authorize(stripe())
    const charge = await stripe().charges.retrieve(intent.latest_charge as string)
    expect(charge.payment_method_details!.card!.capture_before).toBe(charge.created + 60)
    sandbox().state.clock.advance(61)
    expect((await stripe().paymentIntents.retrieve(intent.id)).status).toBe("canceled")
    const later = await stripe().paymentIntents.create({ amount: 1_000, currency: "eur" })
    expect(later.created).toBeGreaterThanOrEqual(charge.created + 61)
    expect((await control(sandbox(), "POST", "/clock", { advanceSeconds: -1 })).status).toBe(400)
  })
})

describe("control API", () => {
  it("reports state, validates config, resets to the start options", async () => {
    await authorize(stripe())
    const state = (await control(sandbox(), "GET", "/state")).body
    expect(state.counts).toMatchObject({ intents: 1, charges: 1, refunds: 0, events: 3 })
    expect(state.payment_intents[0]).toMatchObject({ status: "requires_capture" })
    expect(JSON.stringify(state)).not.toContain("sk_test_")
    expect((await control(sandbox(), "POST", "/config", { webhookSecret: "nope" })).status).toBe(400)
    expect((await control(sandbox(), "POST", "/config", { unknownKey: 1 })).body.error).toMatchObject({ param: "unknownKey" })
    await control(sandbox(), "POST", "/config", { declineNextCaptures: 2 })
    expect((await control(sandbox(), "POST", "/reset")).body).toEqual({ reset: true })
    const after = (await control(sandbox(), "GET", "/state")).body
    expect(after.counts).toMatchObject({ intents: 0, events: 0 })
    expect(after.config.declineNextCaptures).toBe(0)
    expect((await control(sandbox(), "GET", "/nothing")).status).toBe(404)
  })
})
