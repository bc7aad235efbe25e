import { adminApi, gatewayOperations } from "../helpers/api"
import { ledgerFingerprint, query } from "../helpers/db"
import { placeOrder, testContext } from "../helpers/store"

describe("Idempotency-Key on capture and refund routes", () => {
  const ctx = testContext()
  const api = adminApi(ctx)

  it("replays the same capture for the same key and body, and refuses the key with another body", async () => {
    const order = await placeOrder(ctx)
    const key = { "Idempotency-Key": `cap-${order.paymentId}-1` }
    const first = await api.post(`/admin/payments/${order.paymentId}/captures`, { amount: 3000 }, key)
    expect(first.status).toBe(201)
    expect(first.body.capture.idempotency_key).toBe(key["Idempotency-Key"])

    const again = await api.post(`/admin/payments/${order.paymentId}/captures`, { amount: 3000 }, key)
    expect(again.status).toBe(201)
    expect(again.headers["idempotent-replayed"]).toBe("true")
    expect(again.body.capture).toEqual(first.body.capture)

    const before = await ledgerFingerprint(ctx, order.paymentId)
    const other = await api.post(`/admin/payments/${order.paymentId}/captures`, { amount: 3001 }, key)
    expect(other.status).toBe(422)
    expect(other.body.message).toMatch(/^Idempotency-Key: .* already used with a different request/)
    expect(await ledgerFingerprint(ctx, order.paymentId)).toBe(before)

    const rows = await query(ctx, `SELECT count(*)::int AS n FROM capture WHERE payment_id = $1`, [order.paymentId])
    expect(rows[0].n).toBe(1)
    expect((await gatewayOperations(ctx, order.paymentRef)).captures).toHaveLength(1)
  })

  it("treats concurrent requests with one key as one capture", async () => {
    const order = await placeOrder(ctx)
    const key = { "Idempotency-Key": `race-${order.paymentId}` }
    const answers = await Promise.all(
      Array.from({ length: 8 }, () => api.post(`/admin/payments/${order.paymentId}/captures`, { amount: 1234 }, key))
    )
    // One request captures; the others either replay it (201) or, while its
    // gateway call is in flight, are told to retry with the same key (409).
    expect(answers.every((a) => a.status === 201 || a.status === 409)).toBe(true)
    const created = answers.filter((a) => a.status === 201)
    expect(created.length).toBeGreaterThanOrEqual(1)
    expect(new Set(created.map((a) => a.body.capture.id)).size).toBe(1)
    for (const conflict of answers.filter((a) => a.status === 409)) {
      expect(conflict.body.message).toMatch(/retry the request with the provided Idempotency-Key/)
    }
    expect((await gatewayOperations(ctx, order.paymentRef)).captures).toHaveLength(1)

    const retried = await api.post(`/admin/payments/${order.paymentId}/captures`, { amount: 1234 }, key)
    expect(retried.status).toBe(201)
    expect(retried.body.capture.id).toBe(created[0].body.capture.id)
  })

  it("replays a refund for the same key and body", async () => {
    const order = await placeOrder(ctx)
    const { body } = await api.post(`/admin/payments/${order.paymentId}/captures`, { amount: 5000 })
    const key = { "Idempotency-Key": `refund-${body.capture.id}` }
    const first = await api.post(`/admin/captures/${body.capture.id}/refunds`, { amount: 700 }, key)
    const again = await api.post(`/admin/captures/${body.capture.id}/refunds`, { amount: 700 }, key)
    expect(first.status).toBe(201)
    expect(again.status).toBe(201)
    expect(again.headers["idempotent-replayed"]).toBe("true")
    expect(again.body.refund.id).toBe(first.body.refund.id)
    expect(again.body.capture.refunded_amount).toBe(700)

    const other = await api.post(`/admin/captures/${body.capture.id}/refunds`, { amount: 701 }, key)
    expect(other.status).toBe(422)
    expect((await gatewayOperations(ctx, order.paymentRef)).refunds).toHaveLength(1)
  })

  it("refuses a malformed key", async () => {
    const order = await placeOrder(ctx)
    const res = await api.post(`/admin/payments/${order.paymentId}/captures`, { amount: 10 }, { "Idempotency-Key": "x".repeat(256) })
    expect(res.status).toBe(400)
    expect(res.body.message).toMatch(/^Idempotency-Key:/)
  })
})
