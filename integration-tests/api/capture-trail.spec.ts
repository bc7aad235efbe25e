import { adminApi } from "../helpers/api"
import { query } from "../helpers/db"
import { placeOrder, testContext } from "../helpers/store"

type EventRow = { type: string; payment_id: string; capture_id: string; actor_type: string; actor_id: string | null; data: unknown }

/**
 * Each capture row write carries its audit event in the same statement: what
 * is stored — row and trail — for a capture that succeeded and for one the
 * gateway declined, read straight from the database.
 */
describe("a capture's row and its event trail as stored", () => {
  const ctx = testContext()
  const api = adminApi(ctx)

  const eventsOf = (captureId: string) =>
    query<EventRow>(
      ctx,
      `SELECT type, payment_id, capture_id, actor_type, actor_id, data FROM capture_event WHERE capture_id = $1 ORDER BY created_at, id`,
      [captureId]
    )

  it("records requested and succeeded, with the amounts, the key and the gateway's id", async () => {
    const order = await placeOrder(ctx)
    const res = await api.post(`/admin/payments/${order.paymentId}/captures`, { amount: 4000 }, { "Idempotency-Key": "trail-1" })
    expect(res.status).toBe(201)
    const capture = res.body.capture
    expect(capture).toMatchObject({ status: "succeeded", amount: 4000, idempotency_key: "trail-1", number: expect.stringMatching(/^\d+$/) })

    const [row] = await query(ctx, `SELECT status, captured_at, created_at, updated_at, gateway_capture_id FROM capture WHERE id = $1`, [capture.id])
    expect(row.status).toBe("succeeded")
    expect(row.gateway_capture_id).toBe(capture.gateway_capture_id)
    expect(row.captured_at).not.toBeNull()
    expect(row.updated_at.getTime()).toBeGreaterThanOrEqual(row.created_at.getTime())
    expect(new Date(capture.updated_at).getTime()).toBe(row.updated_at.getTime())

    const events = await eventsOf(capture.id)
    expect(events).toEqual([
      {
        type: "capture.requested",
        payment_id: order.paymentId,
        capture_id: capture.id,
        actor_type: "admin",
        actor_id: expect.stringMatching(/^usr_/),
        data: { amount: 4000, currency_code: "eur", idempotency_key: "trail-1" },
      },
      {
        type: "capture.succeeded",
        payment_id: order.paymentId,
        capture_id: capture.id,
        actor_type: "admin",
        actor_id: expect.stringMatching(/^usr_/),
        data: { gateway_capture_id: capture.gateway_capture_id },
      },
    ])

    // A part was captured: Medusa's payment and order show that money as captured.
    const [payment] = await query(ctx, `SELECT amount, captured_at FROM payment WHERE id = $1`, [order.paymentId])
    expect(payment).toMatchObject({ amount: 4000, captured_at: expect.any(Date) })
    const [o] = await query(ctx, `SELECT payment_status FROM "order" WHERE id = $1`, [order.orderId])
    expect(o.payment_status).toBe("captured")

    // The replay answers the same row and writes nothing more.
    const replay = await api.post(`/admin/payments/${order.paymentId}/captures`, { amount: 4000 }, { "Idempotency-Key": "trail-1" })
    expect(replay.status).toBe(201)
    expect(replay.body.capture.id).toBe(capture.id)
    expect(await eventsOf(capture.id)).toHaveLength(2)
  })

  it("records requested and failed, with the gateway's error, and leaves Medusa's payment alone", async () => {
    const order = await placeOrder(ctx, { source: "tok_capture_decline_do_not_honor" })
    const res = await api.post(`/admin/payments/${order.paymentId}/captures`, {})
    expect(res.status).toBe(422)
    const [row] = await query(
      ctx,
      `SELECT id, status, amount, captured_at, error_code, decline_code, message FROM capture WHERE payment_id = $1`,
      [order.paymentId]
    )
    expect(row).toMatchObject({ status: "failed", amount: 11000, captured_at: null, decline_code: "do_not_honor" })
    expect(row.error_code).toBeTruthy()
    expect(row.message).toBeTruthy()

    const events = await eventsOf(row.id)
    expect(events.map((e) => e.type)).toEqual(["capture.requested", "capture.failed"])
    expect(events[1].data).toEqual({
      gateway_capture_id: null,
      error_code: row.error_code,
      decline_code: "do_not_honor",
      message: row.message,
    })
    const [payment] = await query(ctx, `SELECT captured_at FROM payment WHERE id = $1`, [order.paymentId])
    expect(payment.captured_at).toBeNull()
  })

  it("marks Medusa's payment and order captured once the captures cover the authorization", async () => {
    const order = await placeOrder(ctx)
    for (const amount of [6000, 5000]) {
      expect((await api.post(`/admin/payments/${order.paymentId}/captures`, { amount })).status).toBe(201)
    }
    const [payment] = await query(ctx, `SELECT captured_at FROM payment WHERE id = $1`, [order.paymentId])
    expect(payment.captured_at).not.toBeNull()
    const [o] = await query(ctx, `SELECT payment_status FROM "order" WHERE id = $1`, [order.orderId])
    expect(o.payment_status).toBe("captured")
  })
})
