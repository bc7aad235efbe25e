import Stripe from "stripe"
import { authorize, call, control, eventTypes, useSandbox } from "./helpers"

const { sandbox, stripe } = useSandbox()
const DAY = 24 * 60 * 60

describe("create and confirm with each test payment method (docs/gateways/stripe.md#test-payment-methods)", () => {
  it.each([
    ["pm_card_visa", "visa", "4242", "available"],
    ["pm_card_mastercard", "mastercard", "4444", "available"],
    ["pm_card_amex", "amex", "8431", "available"],
    ["pm_card_credit_disableEnterpriseCardFeatures", "visa", "0076", "unavailable"],
  ])("%s authorizes: requires_capture, an uncaptured charge with capture_before", async (pm, brand, last4, multicapture) => {
    const intent = await authorize(stripe(), pm, { expand: ["latest_charge"] })
    expect(intent).toMatchObject({
      object: "payment_intent",
      status: "requires_capture",
      amount: 10_000,
      amount_capturable: 10_000,
      amount_received: 0,
      capture_method: "manual",
      currency: "eur",
      livemode: false,
      payment_method: pm,
      payment_method_options: { card: { request_multicapture: "if_available" } },
    })
    expect(intent.id).toMatch(/^pi_/)
    expect(intent.client_secret).toMatch(new RegExp(`^${intent.id}_secret_`))
    const charge = intent.latest_charge as Stripe.Charge
    expect(charge).toMatchObject({ object: "charge", status: "succeeded", paid: true, captured: false, amount_captured: 0, payment_intent: intent.id })
    const card = charge.payment_method_details!.card!
    expect(card).toMatchObject({ brand, last4, multicapture: { status: multicapture } })
    expect(card.capture_before).toBe(charge.created + 7 * DAY)
    expect((await stripe().charges.retrieve(charge.id)).payment_method_details!.card!.capture_before).toBe(card.capture_before)
    expect(eventTypes(sandbox())).toEqual(["payment_intent.created", "charge.succeeded", "payment_intent.amount_capturable_updated"])
  })

  it.each([
    ["pm_card_chargeDeclined", "generic_decline", "Your card was declined."],
    ["pm_card_chargeDeclinedInsufficientFunds", "insufficient_funds", "Your card has insufficient funds."],
  ])("%s is declined: 402 StripeCardError carrying the intent and the failed charge", async (pm, declineCode, message) => {
    const err = (await authorize(stripe(), pm).catch((e: unknown) => e)) as Stripe.errors.StripeCardError
    expect(err).toBeInstanceOf(Stripe.errors.StripeCardError)
    expect(err).toMatchObject({ statusCode: 402, type: "StripeCardError", code: "card_declined", decline_code: declineCode, message })
    const intent = err.payment_intent!
    expect(intent).toMatchObject({ status: "requires_payment_method", payment_method: null, amount_capturable: 0 })
    expect(intent.last_payment_error).toMatchObject({ type: "card_error", code: "card_declined", decline_code: declineCode, charge: err.charge })
    const charge = await stripe().charges.retrieve(err.charge!)
    expect(charge).toMatchObject({ status: "failed", paid: false, failure_code: "card_declined", outcome: { type: "issuer_declined" } })
    expect(eventTypes(sandbox())).toEqual(["payment_intent.created", "charge.failed", "payment_intent.payment_failed"])
    // A new payment method and a new attempt.
    const retried = await stripe().paymentIntents.confirm(intent.id, { payment_method: "pm_card_visa" })
    expect(retried).toMatchObject({ status: "requires_capture", last_payment_error: null, amount_capturable: 10_000 })
    expect(retried.latest_charge).not.toBe(err.charge)
  })

  it("3D Secure: requires_action with a redirect, completed on the simulator's own URL", async () => {
    const intent = await authorize(stripe(), "pm_card_authenticationRequired", { return_url: "https://shop.example/return" })
    expect(intent).toMatchObject({ status: "requires_action", latest_charge: null, next_action: { type: "redirect_to_url" } })
    const url = new URL(intent.next_action!.redirect_to_url!.url!)
    expect(intent.next_action!.redirect_to_url!.return_url).toBe("https://shop.example/return")
    expect(url.pathname).toBe("/__control/authenticate")
    // The customer's browser follows the redirect and comes back to return_url.
    const done = await fetch(`${sandbox().url}${url.pathname}${url.search}`, { redirect: "manual" })
    expect(done.status).toBe(302)
    const back = new URL(done.headers.get("location")!)
    expect(`${back.origin}${back.pathname}`).toBe("https://shop.example/return")
    expect(["payment_intent", "payment_intent_client_secret", "redirect_status"].map((k) => back.searchParams.get(k))).toEqual([
      intent.id,
      intent.client_secret,
      "succeeded",
    ])
    const after = await stripe().paymentIntents.retrieve(intent.id, { expand: ["latest_charge"] })
    expect(after).toMatchObject({ status: "requires_capture", next_action: null, amount_capturable: 10_000 })
    expect((after.latest_charge as Stripe.Charge).payment_method_details!.card!.three_d_secure).toMatchObject({ result: "authenticated" })
  })

  it("3D Secure failure sends the intent back to requires_payment_method", async () => {
    const intent = await authorize(stripe(), "pm_card_threeDSecure2Required")
    expect(intent.next_action).toMatchObject({ type: "use_stripe_sdk" })
    expect((await control(sandbox(), "POST", "/authenticate", { payment_intent: intent.id, outcome: "fail" })).status).toBe(200)
    const after = await stripe().paymentIntents.retrieve(intent.id)
    expect(after).toMatchObject({ status: "requires_payment_method", payment_method: null, last_payment_error: { code: "payment_intent_authentication_failure" } })
  })

  it("automatic capture: succeeded at once, charge captured", async () => {
    const intent = await authorize(stripe(), "pm_card_visa", { capture_method: "automatic" })
    expect(intent).toMatchObject({ status: "succeeded", amount_received: 10_000, amount_capturable: 0 })
    expect(await stripe().charges.retrieve(intent.latest_charge as string)).toMatchObject({ captured: true, amount_captured: 10_000 })
  })
})

describe("create, update, confirm (docs/gateways/stripe.md#paymentintents)", () => {
  it("creates without confirming; defaults: automatic_async, automatic payment methods", async () => {
    const intent = await stripe().paymentIntents.create({ amount: 2_000, currency: "USD", metadata: { cart_id: "cart_1" }, description: "Order 1" })
    expect(intent).toMatchObject({
      status: "requires_payment_method",
      currency: "usd",
      capture_method: "automatic_async",
      automatic_payment_methods: { enabled: true, allow_redirects: "always" },
      metadata: { cart_id: "cart_1" },
      description: "Order 1",
      latest_charge: null,
    })
  })

  it("confirming with automatic payment methods needs a return_url (or allow_redirects=never)", async () => {
    const err = await stripe()
      .paymentIntents.create({ amount: 2_000, currency: "usd", payment_method: "pm_card_visa", confirm: true })
      .catch((e: unknown) => e)
    expect(err).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError)
    expect((err as Stripe.errors.StripeError).message).toMatch(/return_url/)
    expect(sandbox().state.counts().intents).toBe(0)
    const ok = await stripe().paymentIntents.create({
      amount: 2_000,
      currency: "usd",
      payment_method: "pm_card_visa",
      confirm: true,
      capture_method: "manual",
      automatic_payment_methods: { enabled: true, allow_redirects: "never" },
    })
    expect(ok.status).toBe("requires_capture")
  })

  it("updates amount before confirmation, metadata any time, amount not after authorization", async () => {
    const created = await stripe().paymentIntents.create({ amount: 2_000, currency: "eur", capture_method: "manual", allowed_payment_method_types: ["card"] })
    const updated = await stripe().paymentIntents.update(created.id, { amount: 3_000, payment_method: "pm_card_visa", metadata: { a: "1", b: "2" } })
    expect(updated).toMatchObject({ amount: 3_000, status: "requires_confirmation", metadata: { a: "1", b: "2" } })
    const confirmed = await stripe().paymentIntents.confirm(created.id)
    expect(confirmed).toMatchObject({ status: "requires_capture", amount_capturable: 3_000 })
    const meta = await stripe().paymentIntents.update(created.id, { metadata: { a: "", c: "3" } })
    expect(meta.metadata).toEqual({ b: "2", c: "3" })
    const err = await stripe().paymentIntents.update(created.id, { amount: 4_000 }).catch((e: unknown) => e)
    expect(err).toMatchObject({ statusCode: 400, code: "payment_intent_unexpected_state" })
  })

  it("enforces Stripe's metadata limits: 50 keys, 40-character keys, 500-character values", async () => {
    const base = { amount: 2_000, currency: "eur" }
    const tooMany = Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, "v"]))
    await expect(stripe().paymentIntents.create({ ...base, metadata: tooMany })).rejects.toMatchObject({ statusCode: 400, param: "metadata" })
    await expect(stripe().paymentIntents.create({ ...base, metadata: { ["k".repeat(41)]: "v" } })).rejects.toMatchObject({ statusCode: 400 })
    await expect(stripe().paymentIntents.create({ ...base, metadata: { k: "v".repeat(501) } })).rejects.toMatchObject({ statusCode: 400 })
    const ok = await stripe().paymentIntents.create({ ...base, metadata: { ["k".repeat(40)]: "v".repeat(500) } })
    expect(Object.keys(ok.metadata)).toEqual(["k".repeat(40)])
  })

  it("refuses amounts outside Stripe's limits and unknown payment methods", async () => {
    await expect(stripe().paymentIntents.create({ amount: 49, currency: "eur" })).rejects.toMatchObject({ code: "amount_too_small", param: "amount" })
    await expect(stripe().paymentIntents.create({ amount: 100_000_000, currency: "eur" })).rejects.toMatchObject({ code: "amount_too_large" })
    await expect(authorize(stripe(), "pm_card_unknown")).rejects.toMatchObject({ statusCode: 404, code: "resource_missing", param: "payment_method" })
    expect((await call(sandbox(), "POST", "/v1/payment_intents", { form: "currency=eur" })).body.error).toMatchObject({
      code: "parameter_missing",
      param: "amount",
    })
  })
})

describe("cancel (docs/gateways/stripe.md#cancel)", () => {
  it("releases an authorization: canceled, no refund on the charge, payment_intent.canceled", async () => {
    const intent = await authorize(stripe())
    const canceled = await stripe().paymentIntents.cancel(intent.id, { cancellation_reason: "requested_by_customer" })
    expect(canceled).toMatchObject({ status: "canceled", cancellation_reason: "requested_by_customer", amount_capturable: 0 })
    expect(canceled.canceled_at).toEqual(expect.any(Number))
    const charge = await stripe().charges.retrieve(intent.latest_charge as string)
    expect(charge).toMatchObject({ captured: false, refunded: false, amount_refunded: 0, amount_captured: 0 })
    expect((await stripe().refunds.list({ payment_intent: intent.id })).data).toEqual([])
    expect(eventTypes(sandbox()).slice(-2)).toEqual(["payment_intent.amount_capturable_updated", "payment_intent.canceled"])
    await expect(stripe().refunds.create({ payment_intent: intent.id })).rejects.toMatchObject({ statusCode: 400, message: expect.stringMatching(/canceled/) })
    await expect(stripe().paymentIntents.cancel(intent.id)).rejects.toMatchObject({ statusCode: 400, code: "payment_intent_unexpected_state" })
    await expect(stripe().paymentIntents.capture(intent.id)).rejects.toMatchObject({ code: "payment_intent_unexpected_state" })
  })

  it("refuses to cancel a succeeded intent and an unknown cancellation_reason", async () => {
    const intent = await authorize(stripe(), "pm_card_visa", { capture_method: "automatic" })
    await expect(stripe().paymentIntents.cancel(intent.id)).rejects.toMatchObject({ code: "payment_intent_unexpected_state" })
    const open = await stripe().paymentIntents.create({ amount: 2_000, currency: "eur" })
    await expect(stripe().paymentIntents.cancel(open.id, { cancellation_reason: "bored" as "abandoned" })).rejects.toMatchObject({ param: "cancellation_reason" })
    expect((await stripe().paymentIntents.cancel(open.id)).status).toBe("canceled")
  })
})
