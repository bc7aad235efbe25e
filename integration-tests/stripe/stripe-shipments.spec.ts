import { adminApi } from "../helpers/api"
import { query } from "../helpers/db"
import { capturesOf, fulfill, lineItemOf, ship } from "../helpers/fulfillment"
import { eventually } from "../helpers/mollie"
import { testContext } from "../helpers/store"
import { placeStripeOrder, stripeIntent } from "../helpers/stripe"

/**
 * Stripe captures on shipment in the test server (global-setup): each
 * shipment captures its share of the order, non-final while the card's
 * multicapture keeps the rest, and the last one closes the authorization.
 */
describe("Stripe: capture per shipment", () => {
  const ctx = testContext()
  const api = adminApi(ctx)
  const settled = (paymentId: string, count: number) =>
    eventually(() => capturesOf(ctx, paymentId), (rows) => rows.length >= count && rows.every((r) => r.status === "succeeded"), 20000)

  it("captures each shipment's share on a multicapture card, the last one final", async () => {
    const order = await placeStripeOrder(ctx, "pm_card_visa", 3) // 3 × 100.00 + 10.00 shipping
    expect(order.total).toBe(31000)
    const item = await lineItemOf(api, order.orderId)

    const f1 = await fulfill(api, order.orderId, item.id, 1)
    await new Promise((r) => setTimeout(r, 3000)) // fulfilled, not shipped: nothing yet
    expect(await capturesOf(ctx, order.paymentId)).toHaveLength(0)
    await ship(api, order.orderId, f1)
    const [first] = await settled(order.paymentId, 1)
    expect(first).toMatchObject({ amount: 11000, fulfillment_id: f1, initiated_by: "subscriber" })
    expect(await stripeIntent(ctx, order.paymentRef)).toMatchObject({ status: "requires_capture", amount_received: 11000, amount_capturable: 20000 })

    const f2 = await fulfill(api, order.orderId, item.id, 2)
    await ship(api, order.orderId, f2)
    const rows = await settled(order.paymentId, 2)
    expect(rows[1]).toMatchObject({ amount: 20000, fulfillment_id: f2 })
    expect(await stripeIntent(ctx, order.paymentRef)).toMatchObject({ status: "succeeded", amount_received: 31000, amount_capturable: 0 })
    const [o] = await query(ctx, `SELECT payment_status FROM "order" WHERE id = $1`, [order.orderId])
    expect(o.payment_status).toBe("captured")
  })

  it("captures the whole authorization on the first shipment when the card has no multicapture", async () => {
    const order = await placeStripeOrder(ctx, "pm_card_credit_disableEnterpriseCardFeatures", 3)
    const item = await lineItemOf(api, order.orderId)
    const f1 = await fulfill(api, order.orderId, item.id, 1)
    await ship(api, order.orderId, f1)
    const [only] = await settled(order.paymentId, 1)
    expect(only).toMatchObject({ amount: 31000, fulfillment_id: f1 })
    expect(await stripeIntent(ctx, order.paymentRef)).toMatchObject({ status: "succeeded", amount_received: 31000 })
  })
})
