import { adminApi } from "../helpers/api"
import { capturesOf, fulfill, lineItemOf } from "../helpers/fulfillment"
import { eventually } from "../helpers/mollie"
import { placeOrder, testContext } from "../helpers/store"

/**
 * A fulfillment captures its part of what the payment has to collect, not of
 * the goods: with a gift card paying most of the order, the first of two
 * fulfillments does not take the whole payment; the one that completes the
 * order takes what the ledger has left.
 */
describe("capture on fulfillment: shares of what the payment collects", () => {
  const ctx = testContext()
  const api = adminApi(ctx)

  it("two mugs (100.00 each) and shipping 10.00, a 150.00 gift card, 60.00 authorized: 31.42 then 28.58", async () => {
    const card = await api.post(`/admin/gift-cards`, { value: 15000, region_id: ctx.regionId })
    expect(card.status).toBe(200)
    const order = await placeOrder(ctx, { quantity: 2, giftCardCode: card.body.gift_card.code })
    expect(order.total).toBe(6000)
    const item = await lineItemOf(api, order.orderId)

    const f1 = await fulfill(api, order.orderId, item.id, 1)
    const [first] = await eventually(() => capturesOf(ctx, order.paymentId), (rows) => rows.length === 1 && rows[0].status === "succeeded", 20000)
    // (100.00 + 10.00 shipping) × 60/210, rounded down.
    expect(first).toMatchObject({ fulfillment_id: f1, amount: 3142 })

    const f2 = await fulfill(api, order.orderId, item.id, 1)
    const rows = await eventually(() => capturesOf(ctx, order.paymentId), (r) => r.length === 2 && r.every((c) => c.status === "succeeded"), 20000)
    expect(rows[1]).toMatchObject({ fulfillment_id: f2, amount: 6000 - 3142 })
    expect((await api.get(`/admin/payments/${order.paymentId}/captures`)).body.totals).toMatchObject({ captured: 6000, capturable: 0 })
  })
})
