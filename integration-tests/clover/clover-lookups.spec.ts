import { adminApi } from "../helpers/api"
import { cloverApi, cloverCharge, cloverControl, cloverToken } from "../helpers/clover"
import { query } from "../helpers/db"
import { placeOrder, testContext } from "../helpers/store"

type Json = Record<string, any> // eslint-disable-line @typescript-eslint/no-explicit-any

/**
 * Reconciliation of Clover rows whose answer was lost, when Clover shows more than our own call:
 * a capture made elsewhere at another amount must not settle ours (the row stays requested and is
 * reported), and our refund must be found under more than a page of newer refunds (else it is
 * declared never received and refunded again).
 */
describe.each(["documented", "strictest"] as const)("Clover (%s contract): reconciliation settles only what is ours", (contract) => {
  const ctx = testContext()
  const api = adminApi(ctx)
  beforeAll(() => cloverControl(ctx, "POST", "config", { contract }))
  afterAll(() => cloverControl(ctx, "POST", "config", { contract: "documented" }))
  const reconcileAll = () => api.post(`/admin/captures/reconcile`, { older_than_seconds: 0, never_received_after_seconds: 0, limit: 1000 })
  const discrepancyEvents = async (captureId: string) =>
    (await query(ctx, `SELECT data FROM capture_event WHERE capture_id = $1 AND refund_id IS NULL AND type = 'reconciled'`, [captureId])).filter(
      (e: Json) => e.data?.discrepancy
    )

  afterEach(() => cloverControl(ctx, "DELETE", "faults"))

  it("a capture of 3 000 made in Clover does not settle our 5 000: left requested, reported under discrepancies, 409 on the capture's route", async () => {
    const order = await placeOrder(ctx, { provider: "clover", currency: "usd", source: cloverToken() })
    // Every attempt is cut before Clover acts: our capture's outcome is unknown.
    await cloverControl(ctx, "POST", "faults", { faults: [{ kind: "reset_before", match: { method: "POST", path: `/v1/charges/${order.paymentRef}/capture` }, times: 3 }] })
    const res = await api.post(`/admin/payments/${order.paymentId}/captures`, { amount: 5000 })
    expect(res.status).toBe(202)
    const id = res.body.capture.id
    await cloverControl(ctx, "DELETE", "faults")
    // Meanwhile someone captures 3 000 of the charge in Clover's dashboard.
    expect((await cloverApi(ctx, "POST", `/v1/charges/${order.paymentRef}/capture`, { amount: 3000 })).status).toBe(200)

    const report = await reconcileAll()
    expect(report.status).toBe(200)
    // Not settled with what does not match: still requested, at our amount.
    const [row] = await query(ctx, `SELECT status, amount FROM capture WHERE id = $1`, [id])
    expect(row).toEqual({ status: "requested", amount: 5000 })
    // Strictest: Clover shows the charge captured but not for how much; either way, not ours.
    const finding = contract === "documented" ? { reason: "mismatch", says: /captured for 3000, but this capture asked for 5000/ } : { reason: "amount_unknown", says: /not for how much/ }
    expect(report.body.discrepancies).toContainEqual({
      id,
      kind: "capture",
      payment_id: order.paymentId,
      reason: finding.reason,
      message: expect.stringMatching(finding.says),
    })
    expect(report.body.captures.map((c: Json) => c.id)).not.toContain(id)
    expect(report.body.errors.map((e: Json) => e.id)).not.toContain(id)
    const [event] = await discrepancyEvents(id)
    expect(event.data).toMatchObject({ found_at_gateway: true, gateway_status: null, discrepancy: { reason: finding.reason } })

    // The next run reports it again; the trail keeps one event for the same finding.
    expect((await reconcileAll()).body.discrepancies.map((d: Json) => d.id)).toContain(id)
    expect(await discrepancyEvents(id)).toHaveLength(1)

    // The capture's own reconcile route: 409, nothing changed.
    const one = await api.post(`/admin/captures/${id}/reconcile`)
    expect(one.status).toBe(409)
    expect(one.body).toMatchObject({ type: "gateway_error", code: "lookup_discrepancy", message: expect.stringMatching(/^gateway: /) })
    expect((await api.get(`/admin/captures/${id}`)).body.capture.status).toBe("requested")
    expect((await cloverCharge(ctx, order.paymentRef)).amount_captured).toBe(3000)
  })

  it("finds our refund under more than a page of newer refunds of the charge: settled succeeded, not refunded again", async () => {
    const order = await placeOrder(ctx, { provider: "clover", currency: "usd", source: cloverToken() })
    const captured = await api.post(`/admin/payments/${order.paymentId}/captures`, { amount: order.total })
    expect(captured.status).toBe(201)
    // Clover refunds, its answer is lost, and the list the plugin then reads at once fails too.
    await cloverControl(ctx, "POST", "faults", {
      faults: [
        { kind: "lost_response", match: { method: "POST", path: "/v1/refunds" } },
        // Only this charge's list: a background reconciliation elsewhere must not take these faults.
        { kind: "status_503", match: { method: "GET", path: `/v1/refunds?charge=${order.paymentRef}` }, times: 5 },
      ],
    })
    const lost = await api.post(`/admin/captures/${captured.body.capture.id}/refunds`, { amount: 500 })
    expect(lost.status).toBe(202)
    const refundId = lost.body.refund.id
    await cloverControl(ctx, "DELETE", "faults")
    // 120 newer refunds made elsewhere: Clover lists newest first, at most 100 a page.
    for (let i = 0; i < 120; i++) {
      expect((await cloverApi(ctx, "POST", "/v1/refunds", { charge: order.paymentRef, amount: 1 })).status).toBe(200)
    }

    const report = await reconcileAll()
    expect(report.status).toBe(200)
    expect(report.body.refunds).toContainEqual({ id: refundId, before: "requested", after: "succeeded" })
    const [row] = await query(ctx, `SELECT status, gateway_refund_id FROM capture_refund WHERE id = $1`, [refundId])
    expect(row.status).toBe("succeeded")
    expect(row.gateway_refund_id).toBeTruthy()
    const charge = await cloverCharge(ctx, order.paymentRef)
    expect(charge.counts.refunds).toBe(121)
    expect(charge.amount_refunded).toBe(500 + 120)
  })
})
