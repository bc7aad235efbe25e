import { adminApi, sandboxPayment } from "../helpers/api"
import { query } from "../helpers/db"
import { placeOrder, testContext } from "../helpers/store"

/**
 * Medusa's order cancel cancels its payments through the plugin's processor.
 * A payment that still holds captured money must not be reported canceled
 * (Medusa would show a canceled order with the shopper's money taken); once
 * nothing is captured, the cancel releases the whole authorization and
 * nothing more can be captured.
 */
describe("Medusa's cancel route and captured money", () => {
  const ctx = testContext()
  const api = adminApi(ctx)

  it("refuses to cancel an order whose payment holds captured money, naming the amount", async () => {
    const order = await placeOrder(ctx)
    const capture = await api.post(`/admin/payments/${order.paymentId}/captures`, { amount: 3000 })
    expect(capture.status).toBe(201)

    const refused = await api.post(`/admin/orders/${order.orderId}/cancel`)
    expect(refused.status).toBe(400)
    expect(refused.body.message).toContain("€30.00 captured and not refunded")
    expect((await api.get(`/admin/orders/${order.orderId}`)).body.order.status).not.toBe("canceled")
    const [payment] = await query(ctx, `SELECT canceled_at FROM payment WHERE id = $1`, [order.paymentId])
    expect(payment.canceled_at).toBeNull()
    // Nothing was released: more can still be captured.
    expect((await api.get(`/admin/payments/${order.paymentId}/captures`)).body.totals).toMatchObject({ captured: 3000, capturable: order.total - 3000 })

    // Refunded, the order still cannot be canceled: Medusa v1 itself refuses to cancel an order
    // with refunds. The rest of the authorization is released with the plugin's release route.
    expect((await api.post(`/admin/captures/${capture.body.capture.id}/refunds`, {})).status).toBe(201)
    const afterRefund = await api.post(`/admin/orders/${order.orderId}/cancel`)
    expect(`${afterRefund.status} ${afterRefund.body.message}`).toBe("400 Order with refund(s) cannot be canceled")
    expect((await api.post(`/admin/payments/${order.paymentId}/release`)).status).toBe(200)
    expect((await sandboxPayment(ctx, order.paymentRef)).amount_capturable).toBe(0)
    expect((await api.get(`/admin/payments/${order.paymentId}/captures`)).body.totals).toMatchObject({ captured: 3000, refunded: 3000, capturable: 0 })
  })

  it("cancels an order with nothing captured: the whole authorization is released", async () => {
    const order = await placeOrder(ctx)
    const res = await api.post(`/admin/orders/${order.orderId}/cancel`)
    expect(res.status).toBe(200)
    expect((await sandboxPayment(ctx, order.paymentRef)).amount_capturable).toBe(0)
    const events = await query(ctx, `SELECT type FROM capture_event WHERE payment_id = $1 ORDER BY created_at`, [order.paymentId])
    expect(events.map((e) => e.type)).toEqual(["authorization.release_requested", "authorization.released"])
  })
})
