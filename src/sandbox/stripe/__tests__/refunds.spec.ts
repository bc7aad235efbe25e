import Stripe from "stripe"
import { authorize, call, control, eventTypes, eventually, useSandbox } from "./helpers"

const { sandbox, stripe } = useSandbox()

async function captured(amount: number, pm = "pm_card_visa"): Promise<Stripe.PaymentIntent> {
  const intent = await authorize(stripe(), pm)
  return stripe().paymentIntents.capture(intent.id, { amount_to_capture: amount })
}

const refundStatus = async (id: string) => (await stripe().refunds.retrieve(id)).status

describe("refunds (docs/gateways/stripe.md#refunds)", () => {
  it("refunds up to the captured amount, by payment_intent or charge; then charge_already_refunded", async () => {
    const intent = await captured(6_000)
    const first = await stripe().refunds.create({ payment_intent: intent.id, amount: 2_500, reason: "requested_by_customer", metadata: { line: "1" } })
    expect(first).toMatchObject({
      object: "refund",
      amount: 2_500,
      status: "succeeded",
      payment_intent: intent.id,
      charge: intent.latest_charge,
      reason: "requested_by_customer",
      metadata: { line: "1" },
      destination_details: { card: { type: "refund" } },
    })
    await expect(stripe().refunds.create({ payment_intent: intent.id, amount: 3_501 })).rejects.toMatchObject({
      statusCode: 400,
      code: "amount_too_large",
      param: "amount",
    })
    const rest = await stripe().refunds.create({ charge: intent.latest_charge as string })
    expect(rest.amount).toBe(3_500)
    expect(await stripe().charges.retrieve(intent.latest_charge as string)).toMatchObject({ amount_refunded: 6_000, refunded: true, amount_captured: 6_000 })
    await expect(stripe().refunds.create({ payment_intent: intent.id, amount: 1 })).rejects.toMatchObject({ code: "charge_already_refunded" })
    expect(eventTypes(sandbox()).slice(-2)).toEqual(["refund.created", "charge.refunded"])
  })

  it("refunds what a multicapture intent captured so far, while the rest stays authorized", async () => {
    const intent = await authorize(stripe())
    await stripe().paymentIntents.capture(intent.id, { amount_to_capture: 3_000, final_capture: false })
    await stripe().refunds.create({ payment_intent: intent.id, amount: 3_000 })
    // "refunded transitions to true only when the final capture has been performed".
    expect(await stripe().charges.retrieve(intent.latest_charge as string)).toMatchObject({ amount_refunded: 3_000, refunded: false })
    await expect(stripe().refunds.create({ payment_intent: intent.id, amount: 1 })).rejects.toMatchObject({ code: "charge_already_refunded" })
    expect(await stripe().paymentIntents.capture(intent.id, { amount_to_capture: 2_000 })).toMatchObject({ status: "succeeded", amount_received: 5_000 })
    expect((await stripe().refunds.create({ payment_intent: intent.id })).amount).toBe(2_000)
  })

  it("refuses a refund before any capture: the authorization is canceled, not refunded", async () => {
    const intent = await authorize(stripe())
    const err = await stripe().refunds.create({ payment_intent: intent.id }).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError)
    expect((err as Stripe.errors.StripeError).message).toMatch(/You must cancel the PaymentIntent/)
    const open = await stripe().paymentIntents.create({ amount: 2_000, currency: "eur" })
    await expect(stripe().refunds.create({ payment_intent: open.id })).rejects.toMatchObject({ statusCode: 400 })
    await expect(stripe().refunds.create({ payment_intent: "pi_missing" })).rejects.toMatchObject({ statusCode: 404, code: "resource_missing" })
    await expect(stripe().refunds.create({})).rejects.toMatchObject({ code: "parameter_missing" })
  })

  it("lists newest first with has_more and starting_after / ending_before cursors", async () => {
    const intent = await captured(5_000)
    const other = await captured(1_000)
    const ids: string[] = []
    for (let i = 1; i <= 5; i++) ids.push((await stripe().refunds.create({ payment_intent: intent.id, amount: i * 100 })).id)
    await stripe().refunds.create({ payment_intent: other.id, amount: 100 })
    const page1 = await stripe().refunds.list({ payment_intent: intent.id, limit: 2 })
    expect(page1).toMatchObject({ object: "list", has_more: true, url: "/v1/refunds" })
    expect(page1.data.map((r) => r.id)).toEqual([ids[4], ids[3]])
    const page3 = await stripe().refunds.list({ payment_intent: intent.id, limit: 2, starting_after: ids[2] })
    expect(page3.data.map((r) => r.id)).toEqual([ids[1], ids[0]])
    expect(page3.has_more).toBe(false)
    const before = await stripe().refunds.list({ payment_intent: intent.id, limit: 2, ending_before: ids[2] })
    expect(before.data.map((r) => r.id)).toEqual([ids[4], ids[3]])
    const all = await stripe().refunds.list({ payment_intent: intent.id, limit: 2 }).autoPagingToArray({ limit: 100 })
    expect(all.map((r) => r.amount)).toEqual([500, 400, 300, 200, 100])
    expect((await stripe().refunds.list({ limit: 100 })).data).toHaveLength(6)
    expect((await call(sandbox(), "GET", "/v1/refunds?limit=101")).body.error).toMatchObject({ param: "limit" })
  })
})

describe("refund outcomes (docs/gateways/stripe.md#refund-statuses)", () => {
  it("pm_card_pendingRefund: pending, then succeeded with charge.refund.updated", async () => {
    const intent = await captured(3_000, "pm_card_pendingRefund")
    const refund = await stripe().refunds.create({ payment_intent: intent.id, amount: 1_000 })
    expect(refund).toMatchObject({ status: "pending", pending_reason: "processing" })
    expect(await eventually(async () => ((await refundStatus(refund.id)) === "succeeded" ? true : undefined))).toBe(true)
    expect(eventTypes(sandbox()).slice(-2)).toEqual(["refund.updated", "charge.refund.updated"])
  })

  it("pm_card_refundFail: succeeded, then failed with a failure_reason; the amount is refundable again", async () => {
    const intent = await captured(3_000, "pm_card_refundFail")
    const refund = await stripe().refunds.create({ payment_intent: intent.id })
    expect(refund.status).toBe("succeeded")
    await eventually(async () => ((await refundStatus(refund.id)) === "failed" ? true : undefined))
    expect(await stripe().refunds.retrieve(refund.id)).toMatchObject({ failure_reason: "expired_or_canceled_card" })
    expect(await stripe().charges.retrieve(intent.latest_charge as string)).toMatchObject({ amount_refunded: 0, refunded: false })
    expect(eventTypes(sandbox())).toContain("refund.failed")
  })

  it("controls: failNextRefunds fails after the delay; pendNextRefunds waits for refunds/settle", async () => {
    const intent = await captured(5_000)
    await control(sandbox(), "POST", "/config", { failNextRefunds: 1, pendNextRefunds: 1 })
    const waiting = await stripe().refunds.create({ payment_intent: intent.id, amount: 1_000 })
    const failing = await stripe().refunds.create({ payment_intent: intent.id, amount: 1_000 })
    expect([waiting.status, failing.status]).toEqual(["pending", "pending"])
    await eventually(async () => ((await refundStatus(failing.id)) === "failed" ? true : undefined))
    expect((await stripe().refunds.retrieve(failing.id)).failure_reason).toBe("declined")
    expect(await refundStatus(waiting.id)).toBe("pending")
    const settled = await control(sandbox(), "POST", "/refunds/settle", { refund: waiting.id, status: "succeeded" })
    expect(settled.body).toMatchObject({ id: waiting.id, status: "succeeded" })
    expect((await control(sandbox(), "POST", "/refunds/settle", { refund: waiting.id, status: "failed" })).status).toBe(400)
    expect((await stripe().charges.retrieve(intent.latest_charge as string)).amount_refunded).toBe(1_000)
  })
})
