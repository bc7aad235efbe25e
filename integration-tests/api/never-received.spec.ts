import { adminApi, gatewayOperations, sandboxFaults } from "../helpers/api"
import { callIsOver, query } from "../helpers/db"
import { eventually } from "../helpers/mollie"
import { placeOrder, testContext } from "../helpers/store"

/**
 * "Never received" (failed, safe to capture again) may be declared only once
 * the row's own gateway call cannot be running any more — recorded on the row
 * from the provider's options when it was sent — whatever a reconcile request
 * asks for. Declaring it earlier invites a second capture while the first is
 * still on its way.
 */
describe("never received: only after the row's own call is over", () => {
  const ctx = testContext()
  const api = adminApi(ctx)
  afterEach(() => sandboxFaults(ctx, null))

  it("keeps a capture the gateway has not seen yet requested even when asked for 0 s, and fails it once its call is over", async () => {
    const order = await placeOrder(ctx)
    // Every attempt of the client dies before the gateway acts: no answer, nothing at the gateway.
    await sandboxFaults(ctx, [{ kind: "reset_before", match: { method: "POST", path: `/v1/payments/${order.paymentRef}/captures` }, times: 3 }])
    const res = await api.post(`/admin/payments/${order.paymentId}/captures`, { amount: 2000 })
    expect(res.status).toBe(202)
    const id = res.body.capture.id
    await sandboxFaults(ctx, null)

    // The test server's sandbox provider: 1,500 ms per attempt, 2 retries, waits of up to 30 s
    // between attempts (a Retry-After), and a 30 s margin.
    const [row] = await query(ctx, `SELECT extract(epoch FROM in_flight_until - created_at) * 1000 AS ms FROM capture WHERE id = $1`, [id])
    expect(Number(row.ms)).toBeGreaterThan(3 * 1500 + 2 * 30_000 + 30_000 - 1000)
    expect(Number(row.ms)).toBeLessThanOrEqual(3 * 1500 + 2 * 30_000 + 30_000)

    const eager = await api.post(`/admin/captures/reconcile`, { older_than_seconds: 0, never_received_after_seconds: 0 })
    expect(eager.status).toBe(200)
    expect((await api.get(`/admin/captures/${id}`)).body.capture.status).toBe("requested")
    const single = await api.post(`/admin/captures/${id}/reconcile`)
    expect(single.body.capture.status).toBe("requested")

    // Once the call cannot be running any more (its time moved into the past), it was never received.
    await query(ctx, `UPDATE capture SET created_at = created_at - interval '95 seconds', in_flight_until = in_flight_until - interval '95 seconds' WHERE id = $1`, [id])
    const late = await api.post(`/admin/captures/reconcile`, { older_than_seconds: 0, never_received_after_seconds: 0 })
    expect(late.body.captures).toEqual(expect.arrayContaining([{ id, before: "requested", after: "failed" }]))
    expect((await api.get(`/admin/captures/${id}`)).body.capture).toMatchObject({ status: "failed", error_code: "not_received_by_gateway" })
  })

  it("records a capture the gateway took after it was declared never received (its call arrived late), in the ledger, the trail and the report", async () => {
    const order = await placeOrder(ctx)
    // Every attempt is held at the gateway longer than the client waits: the client gives up
    // (about 5 s), the gateway acts at 10 s.
    await sandboxFaults(ctx, [{ kind: "delay", delayMs: 10_000, match: { method: "POST", path: `/v1/payments/${order.paymentRef}/captures` }, times: 3 }])
    const started = Date.now()
    const res = await api.post(`/admin/payments/${order.paymentId}/captures`, { amount: 2500 })
    expect(res.status).toBe(202)
    const id = res.body.capture.id
    await sandboxFaults(ctx, null)

    // Before the gateway acts, the row is declared never received (its call is over, as far as the ledger can tell).
    await callIsOver(ctx, "capture", id)
    await query(ctx, `UPDATE capture SET created_at = created_at - interval '200 seconds' WHERE id = $1`, [id])
    const early = await api.post(`/admin/captures/reconcile`, { older_than_seconds: 0, never_received_after_seconds: 0 })
    expect(early.body.captures).toEqual(expect.arrayContaining([{ id, before: "requested", after: "failed" }]))
    expect(Date.now() - started).toBeLessThan(10_000)

    // The gateway takes it after all.
    const gatewayCaptured = async () => (await gatewayOperations(ctx, order.paymentRef)).captures.length
    await eventually(gatewayCaptured, (n) => n === 1, 20_000)

    // With Redis the scheduled reconciliation (every 2 s here) may get there first; either way the
    // run that found it lists it in its report (checked when it is this request's).
    const late = await api.post(`/admin/captures/reconcile`, { older_than_seconds: 0 })
    const byJob = (await api.get(`/admin/captures/${id}?expand=events`)).body.capture.events.some(
      (e: { type: string; actor_type: string }) => e.type === "capture.succeeded" && e.actor_type === "job"
    )
    if (!byJob) expect(late.body.captures).toEqual(expect.arrayContaining([{ id, before: "failed", after: "succeeded" }]))
    const capture = (await api.get(`/admin/captures/${id}?expand=events`)).body.capture
    expect(capture).toMatchObject({ status: "succeeded", amount: 2500 })
    expect(capture.events.map((e: { type: string }) => e.type)).toEqual(
      expect.arrayContaining(["capture.failed", "capture.succeeded", "reconciled"])
    )
    expect(capture.events.find((e: { data: { late?: boolean } | null }) => e.data?.late)).toBeDefined()
    expect((await api.get(`/admin/payments/${order.paymentId}/captures`)).body.totals).toMatchObject({ captured: 2500 })
  })
})
