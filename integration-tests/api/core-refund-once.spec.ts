import { adminApi, gatewayOperations, sandboxFaults } from "../helpers/api"
import { query } from "../helpers/db"
import { placeOrder, testContext } from "../helpers/store"

type Json = Record<string, any> // eslint-disable-line @typescript-eslint/no-explicit-any

/**
 * Medusa's refund route (the admin's Refund button) refunds through the
 * plugin's processor. When the gateway's answer is lost, Medusa rolls its side
 * back and the operator tries again: that retry must complete the same refund,
 * never send a second one; Medusa's refund rows then equal the ledger's.
 */
describe("Medusa's refund route: a retry never refunds twice", () => {
  const ctx = testContext()
  const api = adminApi(ctx)
  afterEach(() => sandboxFaults(ctx, null))

  it("a lost answer, the operator's retry, reconciliation, and the retry that completes it: 50.00 refunded once", async () => {
    const order = await placeOrder(ctx)
    // Captured in full: Medusa's payment is captured and its refund route may refund.
    expect((await api.post(`/admin/payments/${order.paymentId}/captures`, {})).status).toBe(201)

    await sandboxFaults(ctx, [{ kind: "lost_response", match: { method: "POST", path: `/v1/payments/${order.paymentRef}/refunds` }, times: 3 }])
    const first = await api.post(`/admin/orders/${order.orderId}/refund`, { amount: 5000, reason: "return" })
    expect(first.status).toBe(400)
    expect(first.body.message).toMatch(/refund was not completed/)
    await sandboxFaults(ctx, null)
    expect((await gatewayOperations(ctx, order.paymentRef)).refunds.map((r: Json) => r.amount)).toEqual([5000])

    // The operator tries again while the first answer is still unknown: nothing new is sent.
    const retry = await api.post(`/admin/orders/${order.orderId}/refund`, { amount: 5000, reason: "return" })
    expect(retry.status).toBe(400)
    expect(retry.body.message).toMatch(/without a clear answer/)
    expect((await gatewayOperations(ctx, order.paymentRef)).refunds).toHaveLength(1)

    const reconciled = await api.post(`/admin/captures/reconcile`, { older_than_seconds: 0 })
    expect(reconciled.status).toBe(200)
    expect(reconciled.body.refunds).toEqual(expect.arrayContaining([expect.objectContaining({ after: "succeeded" })]))

    // Now the same refund completes without moving money again, and Medusa records it once.
    const completed = await api.post(`/admin/orders/${order.orderId}/refund`, { amount: 5000, reason: "return" })
    expect(completed.status).toBe(200)
    expect(completed.body.order).toMatchObject({ refunded_total: 5000, refundable_amount: order.total - 5000 })
    expect((await gatewayOperations(ctx, order.paymentRef)).refunds.map((r: Json) => r.amount)).toEqual([5000])
    const totals = (await api.get(`/admin/payments/${order.paymentId}/captures`)).body.totals
    expect(totals).toMatchObject({ refunded: 5000, refund_pending: 0 })
    const coreRefunds = await query(ctx, `SELECT amount FROM refund WHERE order_id = $1`, [order.orderId])
    expect(coreRefunds.map((r: Json) => r.amount)).toEqual([5000])

    // A new refund of the same amount afterwards is a new refund.
    const second = await api.post(`/admin/orders/${order.orderId}/refund`, { amount: 5000, reason: "return" })
    expect(second.status).toBe(200)
    expect((await gatewayOperations(ctx, order.paymentRef)).refunds.map((r: Json) => r.amount)).toEqual([5000, 5000])
  })

  it("refuses beyond what the captures can still refund, saying how much that is", async () => {
    const order = await placeOrder(ctx)
    const capture = await api.post(`/admin/payments/${order.paymentId}/captures`, {})
    expect(capture.status).toBe(201)
    // A refund through the plugin whose answer is lost: 10.00 in flight, which Medusa does not know of.
    await sandboxFaults(ctx, [{ kind: "lost_response", match: { method: "POST", path: `/v1/payments/${order.paymentRef}/refunds` }, times: 3 }])
    expect((await api.post(`/admin/captures/${capture.body.capture.id}/refunds`, { amount: 1000 })).status).toBe(202)
    await sandboxFaults(ctx, null)

    const over = await api.post(`/admin/orders/${order.orderId}/refund`, { amount: order.total - 500, reason: "return" })
    expect(over.status).toBe(400)
    expect(over.body.message).toContain(`Only ${order.total - 1000} more can be refunded`)
    expect((await gatewayOperations(ctx, order.paymentRef)).refunds.map((r: Json) => r.amount)).toEqual([1000])
  })
})
