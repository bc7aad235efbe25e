import Stripe from "stripe"
import { authorize, control, eventTypes, eventually, useSandbox } from "./helpers"

const { sandbox, stripe } = useSandbox()

const charge = (intent: Stripe.PaymentIntent) => stripe().charges.retrieve(intent.latest_charge as string)

describe("capture without multicapture (docs/gateways/stripe.md#capture)", () => {
  it.each([
    ["multicapture unavailable on the card", "pm_card_credit_disableEnterpriseCardFeatures", { card: { request_multicapture: "if_available" } }],
    ["multicapture not requested", "pm_card_visa", {}],
  ] as const)("%s: one partial capture releases the rest", async (_, pm, options) => {
    const intent = await authorize(stripe(), pm, { payment_method_options: options as Stripe.PaymentIntentCreateParams.PaymentMethodOptions })
    const captured = await stripe().paymentIntents.capture(intent.id, { amount_to_capture: 6_000 })
    expect(captured).toMatchObject({ status: "succeeded", amount_received: 6_000, amount_capturable: 0 })
    expect(await charge(intent)).toMatchObject({ captured: true, amount_captured: 6_000, amount_refunded: 0, refunded: false })
    await expect(stripe().paymentIntents.capture(intent.id, { amount_to_capture: 1_000 })).rejects.toMatchObject({
      statusCode: 400,
      code: "payment_intent_unexpected_state",
    })
    expect(eventTypes(sandbox()).slice(-2)).toEqual(["charge.captured", "payment_intent.succeeded"])
  })

  it("final_capture=false is refused without multicapture; nothing changes", async () => {
    const intent = await authorize(stripe(), "pm_card_credit_disableEnterpriseCardFeatures")
    const err = await stripe().paymentIntents.capture(intent.id, { amount_to_capture: 1_000, final_capture: false }).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError)
    expect(err).toMatchObject({ code: "payment_intent_invalid_parameter", param: "final_capture" })
    expect(await stripe().paymentIntents.retrieve(intent.id)).toMatchObject({ status: "requires_capture", amount_capturable: 10_000 })
  })

  it("captures everything by default; more than amount_capturable is amount_too_large", async () => {
    const intent = await authorize(stripe(), "pm_card_visa", { payment_method_options: {} })
    await expect(stripe().paymentIntents.capture(intent.id, { amount_to_capture: 10_001 })).rejects.toMatchObject({
      statusCode: 400,
      code: "amount_too_large",
      param: "amount_to_capture",
    })
    expect(await stripe().paymentIntents.capture(intent.id)).toMatchObject({ status: "succeeded", amount_received: 10_000 })
  })
})

describe("multicapture (docs/gateways/stripe.md#multicapture)", () => {
  it("several non-final captures keep the rest authorized; a final one releases it", async () => {
    const intent = await authorize(stripe())
    const first = await stripe().paymentIntents.capture(intent.id, { amount_to_capture: 2_000, final_capture: false })
    expect(first).toMatchObject({ status: "requires_capture", amount_capturable: 8_000, amount_received: 2_000 })
    const second = await stripe().paymentIntents.capture(intent.id, { amount_to_capture: 3_000, final_capture: false, expand: ["latest_charge"] })
    expect(second).toMatchObject({ status: "requires_capture", amount_capturable: 5_000, amount_received: 5_000 })
    expect(second.latest_charge).toMatchObject({ amount_captured: 5_000, captured: false })
    await expect(stripe().paymentIntents.capture(intent.id, { amount_to_capture: 5_001, final_capture: false })).rejects.toMatchObject({
      code: "amount_too_large",
    })
    const last = await stripe().paymentIntents.capture(intent.id, { amount_to_capture: 1_000 })
    expect(last).toMatchObject({ status: "succeeded", amount_capturable: 0, amount_received: 6_000 })
    expect(await charge(intent)).toMatchObject({ captured: true, amount_captured: 6_000 })
    expect(eventTypes(sandbox()).slice(3)).toEqual([
      "charge.updated",
      "payment_intent.amount_capturable_updated",
      "charge.updated",
      "payment_intent.amount_capturable_updated",
      "charge.updated",
      "payment_intent.amount_capturable_updated",
      "charge.captured",
      "payment_intent.succeeded",
    ])
  })

  it("each capture's events carry the request's idempotency key and the amounts before it", async () => {
    const intent = await authorize(stripe())
    await stripe().paymentIntents.capture(intent.id, { amount_to_capture: 2_500, final_capture: false }, { idempotencyKey: "capture-shipment-1" })
    const events = await stripe().events.list({ type: "charge.updated" })
    expect(events.data).toHaveLength(1)
    expect(events.data[0].request).toEqual({ id: expect.stringMatching(/^req_/), idempotency_key: "capture-shipment-1" })
    expect(events.data[0].data.previous_attributes).toEqual({ amount_captured: 0 })
    expect((events.data[0].data.object as Stripe.Charge).amount_captured).toBe(2_500)
  })

  it("amount_to_capture=0 with final_capture releases the rest of a partly captured intent", async () => {
    const intent = await authorize(stripe())
    await stripe().paymentIntents.capture(intent.id, { amount_to_capture: 4_000, final_capture: false })
    const released = await stripe().paymentIntents.capture(intent.id, { amount_to_capture: 0, final_capture: true })
    expect(released).toMatchObject({ status: "succeeded", amount_received: 4_000, amount_capturable: 0 })
    // Not on an untouched authorization: that is what cancel is for.
    const fresh = await authorize(stripe())
    await expect(stripe().paymentIntents.capture(fresh.id, { amount_to_capture: 0 })).rejects.toMatchObject({ code: "amount_too_small" })
  })

  it("a partly captured intent is not canceled, and allows at most 50 captures", async () => {
    const intent = await authorize(stripe())
    for (let i = 0; i < 50; i++) await stripe().paymentIntents.capture(intent.id, { amount_to_capture: 10, final_capture: false })
    await expect(stripe().paymentIntents.capture(intent.id, { amount_to_capture: 10, final_capture: false })).rejects.toMatchObject({
      code: "payment_intent_unexpected_state",
    })
    await expect(stripe().paymentIntents.cancel(intent.id)).rejects.toMatchObject({ code: "payment_intent_unexpected_state" })
    expect(await stripe().paymentIntents.capture(intent.id, { amount_to_capture: 0 })).toMatchObject({ status: "succeeded", amount_received: 500 })
  })

  it("capturing exactly the rest with final_capture=false still ends the authorization", async () => {
    const intent = await authorize(stripe())
    const all = await stripe().paymentIntents.capture(intent.id, { amount_to_capture: 10_000, final_capture: false })
    expect(all).toMatchObject({ status: "succeeded", amount_capturable: 0, amount_received: 10_000 })
  })
})

describe("capture controls (docs/gateways/stripe.md#simulator-controls)", () => {
  it("declineNextCaptures: 402 card_error, the intent stays capturable", async () => {
    const intent = await authorize(stripe())
    await control(sandbox(), "POST", "/config", { declineNextCaptures: 1 })
    const err = await stripe().paymentIntents.capture(intent.id, { amount_to_capture: 1_000 }).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(Stripe.errors.StripeCardError)
    expect(err).toMatchObject({ code: "card_declined", payment_intent: { status: "requires_capture", amount_capturable: 10_000 } })
    expect(await stripe().paymentIntents.capture(intent.id, { amount_to_capture: 1_000 })).toMatchObject({ status: "succeeded" })
  })

  it("pendNextCaptures: processing now, applied with its events after the delay", async () => {
    const intent = await authorize(stripe())
    await control(sandbox(), "POST", "/config", { pendNextCaptures: 1 })
    const pending = await stripe().paymentIntents.capture(intent.id, { amount_to_capture: 3_000, final_capture: false })
    expect(pending).toMatchObject({ status: "processing", amount_received: 0, processing: { type: "card" } })
    await expect(stripe().paymentIntents.capture(intent.id)).rejects.toMatchObject({ code: "payment_intent_unexpected_state" })
    const settled = await eventually(async () => {
      const now = await stripe().paymentIntents.retrieve(intent.id)
      return now.status === "requires_capture" ? now : undefined
    })
    expect(settled).toMatchObject({ amount_received: 3_000, amount_capturable: 7_000 })
    expect(eventTypes(sandbox())).toContain("payment_intent.processing")
  })
})
