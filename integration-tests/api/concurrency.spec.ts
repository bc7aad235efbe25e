import { adminApi, gatewayOperations, sandboxPayment } from "../helpers/api"
import { query } from "../helpers/db"
import { placeOrder, testContext } from "../helpers/store"

/**
 * 20 partial captures race on one payment whose authorization covers fewer of
 * them than are asked for. The payment row lock (and the database trigger
 * behind it) must let exactly as many through as fit, and answer the rest clearly.
 */
describe("20 concurrent partial captures on one payment", () => {
  it("never captures more than was authorized, and answers every request", async () => {
    const ctx = testContext()
    const api = adminApi(ctx)
    const order = await placeOrder(ctx) // 11000
    const amount = 700 // 20 × 700 = 14000 > 11000: 15 fit (10500), 5 must be refused

    const answers = await Promise.all(
      Array.from({ length: 20 }, () => api.post(`/admin/payments/${order.paymentId}/captures`, { amount }))
    )

    const created = answers.filter((a) => a.status === 201)
    const refused = answers.filter((a) => a.status !== 201)
    expect(created).toHaveLength(15)
    expect(refused).toHaveLength(5)
    for (const r of refused) {
      expect(r.status).toBe(400)
      expect(r.body.type).toBe("invalid_data")
      expect(r.body.message).toMatch(/^amount: 700 exceeds what can still be captured on payment .*: 500/)
    }
    expect(created.every((a) => a.body.capture.status === "succeeded")).toBe(true)

    const [{ total }] = await query(ctx, `SELECT COALESCE(SUM(amount), 0)::int AS total FROM capture WHERE payment_id = $1 AND status <> 'failed'`, [order.paymentId])
    expect(total).toBe(10500)
    expect(total).toBeLessThanOrEqual(order.total)

    const gateway = await sandboxPayment(ctx, order.paymentRef)
    expect(gateway.amount_captured).toBe(10500)
    expect((await gatewayOperations(ctx, order.paymentRef)).captures).toHaveLength(15)

    const totals = (await api.get(`/admin/payments/${order.paymentId}/captures`)).body.totals
    expect(totals).toMatchObject({ authorized: 11000, captured: 10500, pending: 0, capturable: 500 })
  })
})
