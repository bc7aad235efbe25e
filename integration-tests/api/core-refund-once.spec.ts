import { adminApi, gatewayOperations, sandboxFaults } from "../helpers/api"
import { callIsOver, query } from "../helpers/db"
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
  const coreOrder = async (id: string): Promise<Json> => (await api.get(`/admin/orders/${id}`)).body.order
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
    // Medusa had given up on it: the ledger records it on the order, once.
    expect(await coreOrder(order.orderId)).toMatchObject({ refunded_total: 5000, refundable_amount: order.total - 5000 })
    const coreRefunds = await query(ctx, `SELECT amount, metadata FROM refund WHERE order_id = $1`, [order.orderId])
    expect(coreRefunds).toEqual([expect.objectContaining({ amount: 5000, metadata: { capture_refund_operation: expect.stringMatching(/^medusa_refund_5000_after_0$/) } })])

    // The operator's retry of it (as the first answer suggested) moves no money and records nothing more.
    const retried = await api.post(`/admin/orders/${order.orderId}/refund`, { amount: 5000, reason: "return" })
    expect(retried.status).toBe(400)
    expect(retried.body.message).toMatch(/This refund of 5000 went through at the gateway after Medusa had given up on it, and was recorded on the order/)
    expect((await gatewayOperations(ctx, order.paymentRef)).refunds.map((r: Json) => r.amount)).toEqual([5000])
    const totals = (await api.get(`/admin/payments/${order.paymentId}/captures`)).body.totals
    expect(totals).toMatchObject({ refunded: 5000, refund_pending: 0 })
    expect(await coreOrder(order.orderId)).toMatchObject({ refunded_total: 5000 })

    // A new refund of the same amount afterwards is a new refund.
    const second = await api.post(`/admin/orders/${order.orderId}/refund`, { amount: 5000, reason: "return" })
    expect(second.status).toBe(200)
    expect(second.body.order).toMatchObject({ refunded_total: 10000 })
    expect((await gatewayOperations(ctx, order.paymentRef)).refunds.map((r: Json) => r.amount)).toEqual([5000, 5000])
  })

  it("a refund Medusa gave up on and nobody retried: once it goes through, Medusa shows it (Refund row, amounts, status)", async () => {
    const order = await placeOrder(ctx)
    expect((await api.post(`/admin/payments/${order.paymentId}/captures`, {})).status).toBe(201)
    await sandboxFaults(ctx, [{ kind: "lost_response", match: { method: "POST", path: `/v1/payments/${order.paymentRef}/refunds` }, times: 3 }])
    const first = await api.post(`/admin/orders/${order.orderId}/refund`, { amount: 3000, reason: "return" })
    expect(first.status).toBe(400)
    expect(first.body.message).toMatch(/recorded on the order by itself/)
    await sandboxFaults(ctx, null)
    expect(await coreOrder(order.orderId)).toMatchObject({ refunded_total: 0 })

    const [part] = await query(ctx, `SELECT id FROM capture_refund WHERE payment_id = $1`, [order.paymentId])
    await callIsOver(ctx, "capture_refund", part.id)
    expect((await api.post(`/admin/captures/reconcile`, { older_than_seconds: 0 })).status).toBe(200)

    expect(await coreOrder(order.orderId)).toMatchObject({
      refunded_total: 3000,
      refundable_amount: order.total - 3000,
      payment_status: "partially_refunded",
    })
    const [payment] = await query(ctx, `SELECT amount_refunded FROM payment WHERE id = $1`, [order.paymentId])
    expect(payment.amount_refunded).toBe(3000)
    const [ledgerPart] = await query(ctx, `SELECT status, medusa_refund_id FROM capture_refund WHERE id = $1`, [part.id])
    const [coreRefund] = await query(ctx, `SELECT id, amount, reason FROM refund WHERE order_id = $1`, [order.orderId])
    expect(coreRefund).toMatchObject({ amount: 3000, reason: "other" })
    expect(ledgerPart).toEqual({ status: "succeeded", medusa_refund_id: coreRefund.id })
    const events = await query(ctx, `SELECT type, data FROM capture_event WHERE payment_id = $1 AND type = 'medusa_refund.recorded'`, [order.paymentId])
    expect(events).toEqual([{ type: "medusa_refund.recorded", data: expect.objectContaining({ amount: 3000, medusa_refund_id: coreRefund.id }) }])

    // Another reconcile or a webhook later records nothing more.
    expect((await api.post(`/admin/captures/reconcile`, { older_than_seconds: 0 })).status).toBe(200)
    expect((await query(ctx, `SELECT id FROM refund WHERE order_id = $1`, [order.orderId])).length).toBe(1)
  })

  it("a part declined over two captures: what went through is recorded on the order, a retry refunds nothing, the rest is a new refund", async () => {
    const order = await placeOrder(ctx) // 11000
    expect((await api.post(`/admin/payments/${order.paymentId}/captures`, { amount: 10000 })).status).toBe(201)
    expect((await api.post(`/admin/payments/${order.paymentId}/captures`, { amount: 1000 })).status).toBe(201)
    // Newest capture first: its 10.00 goes through; the gateway then answers 429 until the client gives up on the 40.00.
    const path = `/v1/payments/${order.paymentRef}/refunds`
    await sandboxFaults(ctx, [
      { kind: "delay", delayMs: 1, match: { method: "POST", path }, times: 1 },
      { kind: "status_429", retryAfterSeconds: 0, match: { method: "POST", path }, times: 3 },
    ])
    const first = await api.post(`/admin/orders/${order.orderId}/refund`, { amount: 5000, reason: "return" })
    expect(first.status).toBe(400)
    expect(first.body.message).toMatch(/declined 4000 of this refund of 5000; the 1000 that went through is recorded on the order/)
    await sandboxFaults(ctx, null)
    expect((await gatewayOperations(ctx, order.paymentRef)).refunds.map((r: Json) => r.amount)).toEqual([1000])
    expect(await coreOrder(order.orderId)).toMatchObject({ refunded_total: 1000, refundable_amount: 10000 })
    expect((await query(ctx, `SELECT amount FROM refund WHERE order_id = $1`, [order.orderId])).map((r: Json) => r.amount)).toEqual([1000])

    // The same refund again: nothing is sent, nothing more recorded (before, 50.00 more would have gone out).
    const retried = await api.post(`/admin/orders/${order.orderId}/refund`, { amount: 5000, reason: "return" })
    expect(retried.status).toBe(400)
    expect(retried.body.message).toMatch(/1000 of this refund of 5000 went through .* nothing was refunded now/)
    expect((await gatewayOperations(ctx, order.paymentRef)).refunds.map((r: Json) => r.amount)).toEqual([1000])

    // The rest, as the first answer said.
    const rest = await api.post(`/admin/orders/${order.orderId}/refund`, { amount: 4000, reason: "return" })
    expect(rest.status).toBe(200)
    expect(rest.body.order).toMatchObject({ refunded_total: 5000, refundable_amount: 6000 })
    expect((await gatewayOperations(ctx, order.paymentRef)).refunds.map((r: Json) => r.amount)).toEqual([1000, 4000])
    expect((await api.get(`/admin/payments/${order.paymentId}/captures`)).body.totals).toMatchObject({ refunded: 5000, refundable: 6000 })
  })

  it("a refund the hook completes itself is recorded by Medusa only (no second Refund row from the ledger)", async () => {
    const order = await placeOrder(ctx)
    expect((await api.post(`/admin/payments/${order.paymentId}/captures`, {})).status).toBe(201)
    const res = await api.post(`/admin/orders/${order.orderId}/refund`, { amount: 2000, reason: "return" })
    expect(res.status).toBe(200)
    expect((await api.post(`/admin/captures/reconcile`, { older_than_seconds: 0 })).status).toBe(200)
    expect((await query(ctx, `SELECT amount FROM refund WHERE order_id = $1`, [order.orderId])).map((r: Json) => r.amount)).toEqual([2000])
    expect(await coreOrder(order.orderId)).toMatchObject({ refunded_total: 2000 })
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
