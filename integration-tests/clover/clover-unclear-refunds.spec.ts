import { adminApi } from "../helpers/api"
import { cloverCharge, cloverControl, cloverToken } from "../helpers/clover"
import { query } from "../helpers/db"
import { placeOrder, testContext, type PlacedOrder } from "../helpers/store"

type Json = Record<string, any> // eslint-disable-line @typescript-eslint/no-explicit-any

/**
 * Clover documents its idempotency key for creating charges only. Under its strictest reading (a
 * refund request sent twice refunds twice) a refund whose answer was lost must be found, never
 * sent again: in both contracts every test ends with exactly one refund at Clover. Also Clover's
 * documented 429 advice and expiring pre-authorizations, end to end.
 */
describe.each(["documented", "strictest"] as const)("Clover (%s contract): refunds with unclear answers, 429s, expired authorizations", (contract) => {
  const ctx = testContext()
  const api = adminApi(ctx)
  beforeAll(() => cloverControl(ctx, "POST", "config", { contract }))
  afterAll(() => cloverControl(ctx, "POST", "config", { contract: "documented" }))
  afterEach(() => cloverControl(ctx, "DELETE", "faults"))

  const capturedOrder = async (): Promise<{ order: PlacedOrder; captureId: string }> => {
    const order = await placeOrder(ctx, { provider: "clover", currency: "usd", source: cloverToken() })
    const res = await api.post(`/admin/payments/${order.paymentId}/captures`, { amount: 8000 })
    expect(res.status).toBe(201)
    return { order, captureId: res.body.capture.id }
  }
  const refundsAtClover = async (ref: string) => (await cloverControl(ctx, "GET", "state")).refunds.filter((r: Json) => r.charge === ref)

  it("a refund made but answered with a lost connection is found at once: 201, one refund at Clover", async () => {
    const { order, captureId } = await capturedOrder()
    await cloverControl(ctx, "POST", "faults", { faults: [{ kind: "lost_response", match: { method: "POST", path: "/v1/refunds" }, times: 3 }] })
    const res = await api.post(`/admin/captures/${captureId}/refunds`, { amount: 1200 })
    expect(res.status).toBe(201)
    expect(res.body.refund).toMatchObject({ status: "succeeded", amount: 1200 })
    const atClover = await refundsAtClover(order.paymentRef)
    expect(atClover).toHaveLength(1)
    expect(res.body.refund.gateway_refund_id).toBe(atClover[0].id)
    expect((await cloverCharge(ctx, order.paymentRef)).amount_refunded).toBe(1200)
  })

  it("a refund still on its way when the client gives up is not sent again: 202, settled by reconciliation once it lands, one refund", async () => {
    const { order, captureId } = await capturedOrder()
    // Held at Clover past the client's 1.5 s timeout, then made.
    await cloverControl(ctx, "POST", "faults", { faults: [{ kind: "delay", delayMs: 2200, match: { method: "POST", path: "/v1/refunds" } }] })
    const res = await api.post(`/admin/captures/${captureId}/refunds`, { amount: 900 })
    expect(res.status).toBe(202)
    const refundId = res.body.refund.id
    await new Promise((r) => setTimeout(r, 1200))
    expect(await refundsAtClover(order.paymentRef)).toHaveLength(1)

    const reconciled = await api.post(`/admin/captures/reconcile`, { older_than_seconds: 0, limit: 1000 })
    expect(reconciled.status).toBe(200)
    const [row] = await query(ctx, `SELECT status, amount FROM capture_refund WHERE id = $1`, [refundId])
    expect(row).toEqual({ status: "succeeded", amount: 900 })
    expect(await refundsAtClover(order.paymentRef)).toHaveLength(1)
    expect((await cloverCharge(ctx, order.paymentRef)).amount_refunded).toBe(900)
  })

  it("a refund that never reached Clover is not sent again either: left for reconciliation, which declares it never received once it cannot be on its way", async () => {
    const { order, captureId } = await capturedOrder()
    await cloverControl(ctx, "POST", "faults", { faults: [{ kind: "reset_before", match: { method: "POST", path: "/v1/refunds" } }] })
    const res = await api.post(`/admin/captures/${captureId}/refunds`, { amount: 700 })
    expect(res.status).toBe(202)
    const refundId = res.body.refund.id
    const reconcile = () => api.post(`/admin/captures/reconcile`, { older_than_seconds: 0, never_received_after_seconds: 0, limit: 1000 })
    // While the request could still be on its way (the client's longest call), nothing is concluded.
    expect((await reconcile()).status).toBe(200)
    expect((await query(ctx, `SELECT status FROM capture_refund WHERE id = $1`, [refundId]))[0].status).toBe("requested")
    expect(await refundsAtClover(order.paymentRef)).toHaveLength(0)
    // Ten minutes later (the row's clock moved back): not at Clover, so never received.
    await query(ctx, `UPDATE capture_refund SET created_at = created_at - interval '10 minutes', updated_at = updated_at - interval '10 minutes', in_flight_until = in_flight_until - interval '10 minutes' WHERE id = $1`, [refundId])
    expect((await reconcile()).status).toBe(200)
    expect((await query(ctx, `SELECT status FROM capture_refund WHERE id = $1`, [refundId]))[0].status).toBe("failed")
    expect(await refundsAtClover(order.paymentRef)).toHaveLength(0)
  })

  it("a 429 without Retry-After: the capture waits Clover's one second and goes through", async () => {
    const order = await placeOrder(ctx, { provider: "clover", currency: "usd", source: cloverToken() })
    await cloverControl(ctx, "POST", "faults", { faults: [{ kind: "status_429", match: { method: "POST", path: `/v1/charges/${order.paymentRef}/capture` } }] })
    const started = Date.now()
    const res = await api.post(`/admin/payments/${order.paymentId}/captures`, { amount: 3000 })
    expect(res.status).toBe(201)
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000)
    expect((await cloverCharge(ctx, order.paymentRef)).counts.captures).toBe(1)
  })

  it("an authorization past its validity (Visa: 7 days) is not captured, and Clover's answer says why", async () => {
    const order = await placeOrder(ctx, { provider: "clover", currency: "usd", source: cloverToken() })
    await cloverControl(ctx, "POST", "clock", { advanceSeconds: 8 * 86_400 })
    try {
      const res = await api.post(`/admin/payments/${order.paymentId}/captures`, { amount: 3000 })
      expect(res.status).toBeGreaterThanOrEqual(400)
      expect(JSON.stringify(res.body)).toMatch(/expired/)
      const charge = await cloverCharge(ctx, order.paymentRef)
      expect(charge).toMatchObject({ captured: false, amount_captured: 0 })
      const totals = (await api.get(`/admin/payments/${order.paymentId}/captures`)).body.totals
      expect(totals.captured).toBe(0)
    } finally {
      // The clock is the simulator's, shared by the suite: put it back.
      await cloverControl(ctx, "POST", "clock", { offsetSeconds: 0 })
    }
  })
})
