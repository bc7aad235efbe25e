import { adminApi, sandboxFaults, sandboxPayment } from "../helpers/api"
import { capturesOf, fulfill, lineItemOf } from "../helpers/fulfillment"
import { callIsOver } from "../helpers/db"
import { eventually } from "../helpers/mollie"
import { placeOrder, testContext } from "../helpers/store"

type Json = Record<string, any> // eslint-disable-line @typescript-eslint/no-explicit-any

describe("reconciliation of unclear outcomes", () => {
  const ctx = testContext()
  const api = adminApi(ctx)
  const withRedis = ctx.serverEnv.REDIS_URL !== ""

  afterEach(() => sandboxFaults(ctx, null))

  it("recovers a second auto-capture whose gateway timed out, without capturing twice", async () => {
    const order = await placeOrder(ctx, { quantity: 2 }) // 2 × 100.00 + 10.00
    const item = await lineItemOf(api, order.orderId)
    await fulfill(api, order.orderId, item.id, 1)
    await eventually(() => capturesOf(ctx, order.paymentId), (rows) => rows[0]?.status === "succeeded", 20000)

    // Every attempt of the next capture outlives the client's 1.5 s timeout; the gateway still acts.
    await sandboxFaults(ctx, [{ kind: "delay", delayMs: 2500, match: { method: "POST", path: `/v1/payments/${order.paymentRef}/captures` }, times: 3 }])
    const f2 = await fulfill(api, order.orderId, item.id, 1)
    const [, second] = await eventually(() => capturesOf(ctx, order.paymentId), (rows) => rows.length === 2, 20000)
    expect(second).toMatchObject({ fulfillment_id: f2, amount: 10000 })

    if (!withRedis) {
      // No scheduled jobs without Redis: once the call has given up, reconcile on demand.
      await eventually(() => capturesOf(ctx, order.paymentId), (rows) => !!rows[1].message, 20000)
      const res = await api.post(`/admin/captures/reconcile`, { older_than_seconds: 0 })
      expect(res.status).toBe(200)
    }
    // With Redis the scheduled job (every 2 s here, for rows older than 3 s) settles it.
    const settled = await eventually(
      async () => (await api.get(`/admin/captures/${second.id}?expand=events`)).body.capture,
      (c: Json) => c.status === "succeeded",
      30000
    )
    // The request itself never learned the outcome: the reconciler did.
    const succeeded = settled.events.find((e: Json) => e.type === "capture.succeeded")
    expect(succeeded.actor_type).toBe(withRedis ? "job" : "admin")
    expect(settled.events.find((e: Json) => e.type === "reconciled")).toBeDefined()

    const gateway = await sandboxPayment(ctx, order.paymentRef)
    expect(gateway.amount_captured).toBe(21000)
    expect(gateway.captures).toHaveLength(2)
  })

  it("fails a capture the gateway never received, after which capturing again is allowed", async () => {
    const order = await placeOrder(ctx)
    await sandboxFaults(ctx, [{ kind: "reset_before", match: { method: "POST", path: `/v1/payments/${order.paymentRef}/captures` }, times: 3 }])
    const res = await api.post(`/admin/payments/${order.paymentId}/captures`, { amount: 3000 })
    expect(res.status).toBe(202)
    await sandboxFaults(ctx, null)
    await callIsOver(ctx, "capture", res.body.capture.id)

    const report = await api.post(`/admin/captures/reconcile`, { older_than_seconds: 0, never_received_after_seconds: 0 })
    expect(report.status).toBe(200)
    const entry = report.body.captures.find((c: Json) => c.id === res.body.capture.id)
    expect(entry).toMatchObject({ before: "requested", after: "failed" })
    const failed = (await api.get(`/admin/captures/${res.body.capture.id}`)).body.capture
    expect(failed).toMatchObject({ status: "failed", error_code: "not_received_by_gateway" })
    expect(failed.message).toMatch(/never received/)

    const again = await api.post(`/admin/payments/${order.paymentId}/captures`, { amount: 3000 })
    expect(again.status).toBe(201)
    expect((await sandboxPayment(ctx, order.paymentRef)).amount_captured).toBe(3000)
  })

  it("records money the gateway captured outside the ledger", async () => {
    const order = await placeOrder(ctx)
    await api.post(`/admin/payments/${order.paymentId}/captures`, { amount: 1000 })
    // Someone captures 2000 in the gateway's dashboard.
    await fetch(`${ctx.sandboxUrl}/v1/payments/${order.paymentRef}/captures`, {
      method: "POST",
      headers: { authorization: `Bearer ${ctx.sandboxApiKey}`, "content-type": "application/json", "idempotency-key": `dash-${order.paymentRef}` },
      body: JSON.stringify({ amount: 2000 }),
    })
    // A capture left unclear makes the reconciler look at this payment.
    await sandboxFaults(ctx, [{ kind: "lost_response", match: { method: "POST", path: `/v1/payments/${order.paymentRef}/captures` }, times: 3 }])
    const unclear = await api.post(`/admin/payments/${order.paymentId}/captures`, { amount: 500 })
    expect(unclear.status).toBe(202)
    await sandboxFaults(ctx, null)

    const report = await api.post(`/admin/captures/reconcile`, { older_than_seconds: 0 })
    expect(report.body.recorded).toEqual([expect.objectContaining({ payment_id: order.paymentId, amount: 2000 })])
    const totals = (await api.get(`/admin/payments/${order.paymentId}/captures`)).body.totals
    expect(totals).toMatchObject({ captured: 3500, pending: 0 })
    expect((await sandboxPayment(ctx, order.paymentRef)).amount_captured).toBe(3500)
  })
})
