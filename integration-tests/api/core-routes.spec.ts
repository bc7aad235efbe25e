import { adminApi, gatewayOperations, sandboxPayment } from "../helpers/api"
import { query } from "../helpers/db"
import { placeOrder, testContext } from "../helpers/store"

/**
 * Medusa's own routes reach the gateway through our payment processor, so what
 * an operator does in the stock admin lands in the ledger as well.
 */
describe("core capture and refund routes go through the ledger", () => {
  const ctx = testContext()
  const api = adminApi(ctx)

  it("POST /admin/orders/:id/capture captures the rest after a partial capture", async () => {
    const order = await placeOrder(ctx)
    const partial = await api.post(`/admin/payments/${order.paymentId}/captures`, { amount: 3000 })
    expect(partial.status).toBe(201)

    const core = await api.post(`/admin/orders/${order.orderId}/capture`)
    expect(core.status).toBe(200)
    expect(core.body.order.payment_status).toBe("captured")

    const ledger = await api.get(`/admin/payments/${order.paymentId}/captures`)
    expect(ledger.body.captures.map((c: { amount: number; status: string }) => [c.amount, c.status])).toEqual([
      [8000, "succeeded"],
      [3000, "succeeded"],
    ])
    // Medusa counts the partly captured payment as captured already, so core's own capture would skip it:
    // the plugin's route in core's place captures the rest, as the admin who asked.
    const rest = ledger.body.captures[0]
    expect(rest.initiated_by).toBe("admin")
    const trail = await api.get(`/admin/captures/${rest.id}?expand=events`)
    expect(trail.body.capture.events[0]).toMatchObject({ type: "capture.requested", actor_type: "admin" })
    expect(ledger.body.totals).toMatchObject({ captured: 11000, capturable: 0 })

    const [payment] = await query(ctx, `SELECT captured_at, data FROM payment WHERE id = $1`, [order.paymentId])
    expect(payment.captured_at).not.toBeNull()
    expect(payment.data.payment_ref).toBe(order.paymentRef) // core replaced data with what we returned
    expect((await sandboxPayment(ctx, order.paymentRef)).amount_captured).toBe(11000)

    // Capturing again through core is a no-op, not a second capture.
    await api.post(`/admin/orders/${order.orderId}/capture`)
    expect((await gatewayOperations(ctx, order.paymentRef)).captures).toHaveLength(2)
  })

  it("POST /admin/orders/:id/refund spreads the refund over captures, newest first", async () => {
    const order = await placeOrder(ctx)
    await api.post(`/admin/payments/${order.paymentId}/captures`, { amount: 6000 })
    await api.post(`/admin/payments/${order.paymentId}/captures`, {}) // 5000 more, fully captured

    const refund = await api.post(`/admin/orders/${order.orderId}/refund`, { amount: 7000, reason: "return" })
    expect(refund.status).toBe(200)
    expect(refund.body.order).toMatchObject({ refunded_total: 7000, payment_status: "partially_refunded" })

    const ledger = await api.get(`/admin/payments/${order.paymentId}/captures`)
    const [newest, oldest] = ledger.body.captures
    expect([newest.amount, newest.refunded_amount]).toEqual([5000, 5000])
    expect([oldest.amount, oldest.refunded_amount]).toEqual([6000, 2000])
    expect(ledger.body.totals).toMatchObject({ captured: 11000, refunded: 7000, refundable: 4000 })

    const gateway = await sandboxPayment(ctx, order.paymentRef)
    expect(gateway.amount_refunded).toBe(7000)
    // Core keeps its own Refund row and amount_refunded; the ledger did not add a second one.
    const refunds = await query(ctx, `SELECT amount FROM refund WHERE order_id = $1`, [order.orderId])
    expect(refunds).toEqual([{ amount: 7000 }])
    const [payment] = await query(ctx, `SELECT amount_refunded FROM payment WHERE id = $1`, [order.paymentId])
    expect(payment.amount_refunded).toBe(7000)
  })
})
