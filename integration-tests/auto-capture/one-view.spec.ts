import { adminApi, sandboxPayment } from "../helpers/api"
import { query } from "../helpers/db"
import { capturesOf, fulfill, lineItemOf, ship } from "../helpers/fulfillment"
import { eventually, molliePayment, placeMollieOrder } from "../helpers/mollie"
import { placeOrder, testContext, type PlacedOrder } from "../helpers/store"

type Json = Record<string, any> // eslint-disable-line @typescript-eslint/no-explicit-any

/**
 * After any mix of the plugin's routes, Medusa's core routes, automatic
 * captures and webhooks, every view of the money agrees: the ledger's totals,
 * Medusa's Payment (captured_at, amount_refunded), the order (payment_status,
 * paid_total, refunded_total), its Refund records and the gateway's amounts.
 */
describe("one view of the money", () => {
  const ctx = testContext()
  const api = adminApi(ctx)

  async function expectOneView(order: PlacedOrder, gateway: { captured: number; refunded: number }) {
    const ledger = await eventually(
      async () => (await api.get(`/admin/orders/${order.orderId}/captures`)).body.totals,
      (t: Json) => t.pending === 0 && t.refund_pending === 0,
      20000
    )
    const medusa = (await api.get(`/admin/orders/${order.orderId}`)).body.order
    const [payment] = await query(ctx, `SELECT amount, captured_at, amount_refunded FROM payment WHERE id = $1`, [order.paymentId])
    const [{ refunds }] = await query(ctx, `SELECT COALESCE(SUM(amount), 0)::int AS refunds FROM refund WHERE order_id = $1`, [order.orderId])

    expect(ledger.captured).toBe(gateway.captured)
    expect(ledger.refunded).toBe(gateway.refunded)
    expect(payment.amount_refunded).toBe(ledger.refunded)
    expect(refunds).toBe(ledger.refunded)
    expect(medusa.refunded_total).toBe(ledger.refunded)
    expect(medusa.paid_total).toBe(payment.amount)
    // Medusa counts the money captured so far, from the first partial capture on.
    const anyCaptured = ledger.captured > 0
    expect(payment.captured_at !== null).toBe(anyCaptured)
    if (anyCaptured) expect(payment.amount).toBe(ledger.captured)
    const status = ledger.refunded === 0 ? (anyCaptured ? "captured" : "awaiting") : ledger.refunded >= ledger.captured ? "refunded" : "partially_refunded"
    expect(medusa.payment_status).toBe(status)
    return ledger
  }

  it("agrees after an auto-capture, a plugin capture, core's payment capture, a plugin refund and core's order refund", async () => {
    const order = await placeOrder(ctx, { quantity: 3 }) // 31000; captures-sandbox captures on fulfillment
    const item = await lineItemOf(api, order.orderId)
    await fulfill(api, order.orderId, item.id, 1) // auto-capture 11000
    const [auto] = await eventually(() => capturesOf(ctx, order.paymentId), (rows) => rows[0]?.status === "succeeded", 20000)
    expect(auto.amount).toBe(11000)
    await expectOneView(order, { captured: 11000, refunded: 0 })

    expect((await api.post(`/admin/payments/${order.paymentId}/captures`, { amount: 5000 })).status).toBe(201)
    await expectOneView(order, { captured: 16000, refunded: 0 })

    // Medusa's payment capture route, for a payment partly captured: the rest, through the ledger.
    const core = await api.post(`/admin/payments/${order.paymentId}/capture`)
    expect(core.status).toBe(200)
    expect(core.body.payment.captured_at).toBeTruthy()
    await eventually(
      async () => (await query(ctx, `SELECT payment_status FROM "order" WHERE id = $1`, [order.orderId]))[0].payment_status,
      (s) => s === "captured",
      20000
    )
    await expectOneView(order, { captured: 31000, refunded: 0 })

    expect((await api.post(`/admin/captures/${auto.id}/refunds`, { amount: 3000 })).status).toBe(201)
    await expectOneView(order, { captured: 31000, refunded: 3000 })

    expect((await api.post(`/admin/orders/${order.orderId}/refund`, { amount: 4000, reason: "other" })).status).toBe(200)
    const ledger = await expectOneView(order, { captured: 31000, refunded: 7000 })
    expect(ledger.refundable).toBe(24000)

    const gateway = await sandboxPayment(ctx, order.paymentRef)
    expect(gateway).toMatchObject({ amount_captured: 31000, amount_refunded: 7000 })
  })

  it("agrees for Mollie after a plugin capture, an auto-capture on shipment, webhooks and refunds", async () => {
    const order = await placeMollieOrder(ctx) // 11000; Mollie captures on shipment
    expect((await api.post(`/admin/payments/${order.paymentId}/captures`, { amount: 4000 })).status).toBe(201)
    const item = await lineItemOf(api, order.orderId)
    const f1 = await fulfill(api, order.orderId, item.id, 1)
    await ship(api, order.orderId, f1) // captures the rest (7000) — the only fulfillment is the last
    const rows = await eventually(
      () => capturesOf(ctx, order.paymentId),
      (r) => r.length === 2 && r.every((c) => c.status === "succeeded"),
      20000
    )
    expect(rows.map((r) => r.amount)).toEqual([4000, 7000])
    await expectOneView(order, { captured: 11000, refunded: 0 })

    expect((await api.post(`/admin/captures/${rows[0].id}/refunds`, { amount: 1500 })).status).toBe(201)
    await expectOneView(order, { captured: 11000, refunded: 1500 })
    expect((await api.post(`/admin/orders/${order.orderId}/refund`, { amount: 2500, reason: "return" })).status).toBe(200)
    await expectOneView(order, { captured: 11000, refunded: 4000 })

    const mollie = await molliePayment(ctx, order.paymentRef)
    expect(mollie.amountCaptured.value).toBe("110.00")
    expect(mollie.amountRefunded.value).toBe("40.00")
  })
})
