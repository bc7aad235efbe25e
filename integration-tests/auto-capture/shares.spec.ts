import { adminApi, gatewayOperations } from "../helpers/api"
import { query } from "../helpers/db"
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

  it("a fulfillment canceled after its capture and made again is not paid twice; the trail says it was canceled", async () => {
    const order = await placeOrder(ctx, { quantity: 3 }) // 3 × 100.00 + 10.00 shipping
    const item = await lineItemOf(api, order.orderId)
    const settled = (n: number) =>
      eventually(() => capturesOf(ctx, order.paymentId), (rows) => rows.length === n && rows.every((c) => c.status === "succeeded"), 20000)

    const f1 = await fulfill(api, order.orderId, item.id, 2)
    const [first] = await settled(1)
    expect(first).toMatchObject({ fulfillment_id: f1, amount: 21000 })

    const canceled = await api.post(`/admin/orders/${order.orderId}/fulfillments/${f1}/cancel`)
    expect(canceled.status).toBe(200)
    const noted = await eventually(
      () => query(ctx, `SELECT type, data FROM capture_event WHERE capture_id = $1 AND type = 'capture.fulfillment_canceled'`, [first.id]),
      (rows) => rows.length === 1,
      15000
    )
    expect(noted[0].data).toMatchObject({ fulfillment_id: f1, amount: 21000 })

    // The same two mugs again: already paid for.
    const f2 = await fulfill(api, order.orderId, item.id, 2)
    await new Promise((r) => setTimeout(r, 4000)) // the event's delivery (Medusa's enqueuer polls every 3 s)
    expect(await capturesOf(ctx, order.paymentId)).toHaveLength(1)
    expect((await gatewayOperations(ctx, order.paymentRef)).captures).toHaveLength(1)

    // The last mug completes the order: the rest.
    const f3 = await fulfill(api, order.orderId, item.id, 1)
    const rows = await settled(2)
    expect(rows[1]).toMatchObject({ fulfillment_id: f3, amount: 31000 - 21000 })
    expect(f2).not.toBe(f1)
  })
})
