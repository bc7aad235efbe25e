import { adminApi } from "../helpers/api"
import { withDb } from "../helpers/db"
import { placeOrder, testContext } from "../helpers/store"

/**
 * The money rules hold in the database itself, for any writer that bypasses
 * CaptureService (a bug, a script, another server instance).
 */
describe("ledger invariants enforced by PostgreSQL", () => {
  const ctx = testContext()

  const insertCapture = (paymentId: string, id: string, amount: number, extra = "") =>
    `INSERT INTO capture (id, payment_id, provider_id, mode, status, amount, currency_code, idempotency_key, request_hash, initiated_by${extra ? ", fulfillment_id" : ""})
     VALUES ('${id}', '${paymentId}', 'captures-sandbox', 'test', 'requested', ${amount}, 'eur', '${id}', 'h', 'system'${extra ? `, '${extra}'` : ""})`

  it("refuses captures beyond the authorization, non-positive amounts and duplicate keys", async () => {
    const order = await placeOrder(ctx) // 11000
    await withDb(ctx, async (db) => {
      await expect(db.query(insertCapture(order.paymentId, "cap_t1", 11001))).rejects.toMatchObject({
        code: "23514",
        constraint: "CHK_capture_within_authorization",
      })
      await expect(db.query(insertCapture(order.paymentId, "cap_t2", 0))).rejects.toMatchObject({
        code: "23514",
        constraint: "CHK_capture_amount_positive",
      })
      await db.query(insertCapture(order.paymentId, "cap_t3", 6000, "ful_1"))
      await expect(db.query(insertCapture(order.paymentId, "cap_t4", 6000))).rejects.toMatchObject({
        constraint: "CHK_capture_within_authorization",
      })
      // One live capture per fulfillment.
      await expect(db.query(insertCapture(order.paymentId, "cap_t6", 10, "ful_1"))).rejects.toMatchObject({
        code: "23505",
        constraint: "UQ_capture_payment_fulfillment",
      })
      // A failed capture frees its amount and its fulfillment again.
      await db.query(`UPDATE capture SET status = 'failed' WHERE id = 'cap_t3'`)
      await db.query(insertCapture(order.paymentId, "cap_t5", 6000))
      await db.query(insertCapture(order.paymentId, "cap_t7", 10, "ful_1"))
      await expect(
        db.query(`UPDATE capture SET refunded_amount = 6001 WHERE id = 'cap_t5'`)
      ).rejects.toMatchObject({ constraint: "CHK_capture_refunded_within_amount" })
    })
  })

  it("refuses refunds beyond the capture and of captures that have not succeeded", async () => {
    const order = await placeOrder(ctx)
    const { body } = await adminApi(ctx).post(`/admin/payments/${order.paymentId}/captures`, { amount: 3000 })
    const captureId = body.capture.id
    const insertRefund = (id: string, amount: number, capture = captureId) =>
      `INSERT INTO capture_refund (id, capture_id, payment_id, status, amount, currency_code, idempotency_key, request_hash, initiated_by)
       VALUES ('${id}', '${capture}', '${order.paymentId}', 'requested', ${amount}, 'eur', '${id}', 'h', 'system')`
    await withDb(ctx, async (db) => {
      await db.query(insertRefund("capref_t1", 2000))
      await expect(db.query(insertRefund("capref_t2", 1001))).rejects.toMatchObject({
        code: "23514",
        constraint: "CHK_capture_refund_within_capture",
      })
      await db.query(insertCapture(order.paymentId, "cap_pending", 100))
      await expect(db.query(insertRefund("capref_t3", 50, "cap_pending"))).rejects.toMatchObject({
        constraint: "CHK_capture_refund_of_succeeded_capture",
      })
    })
  })

  it("keeps capture_event append-only", async () => {
    const order = await placeOrder(ctx)
    const { body } = await adminApi(ctx).post(`/admin/payments/${order.paymentId}/captures`, { amount: 100 })
    await withDb(ctx, async (db) => {
      await expect(db.query(`UPDATE capture_event SET type = 'x' WHERE capture_id = $1`, [body.capture.id])).rejects.toThrow(
        /append-only/
      )
      await expect(db.query(`DELETE FROM capture_event WHERE capture_id = $1`, [body.capture.id])).rejects.toThrow(/append-only/)
    })
  })
})
