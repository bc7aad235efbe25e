import { withDb } from "../helpers/db"
import { placeOrder, testContext } from "../helpers/store"

/**
 * The database functions of the capture hot path (migration 1795518000000),
 * called the way CaptureService calls them, with the interleavings a test
 * over HTTP cannot force.
 */
describe("capture hot-path functions", () => {
  const ctx = testContext()

  const row = (paymentId: string, id: string, amount: number) =>
    JSON.stringify({
      id,
      payment_id: paymentId,
      order_id: null,
      provider_id: "captures-sandbox",
      mode: "test",
      status: "requested",
      amount,
      currency_code: "eur",
      refunded_amount: 0,
      description: null,
      reference: null,
      reference_origin: null,
      metadata: { note: "ünïcode" },
      fulfillment_id: null,
      idempotency_key: id,
      request_hash: "h",
      initiated_by: "admin",
    })
  const insert = (token: string | null, paymentId: string, id: string, amount: number) =>
    `SELECT id, number, amount, status, metadata, created_at FROM capture_insert_requested(${token === null ? "NULL" : `'${token}'`}, '${row(paymentId, id, amount)}'::jsonb, 'capevt_${id}', 'admin', 'usr_t', '{"amount": ${amount}}'::jsonb)`

  it("inserts a decided capture only while the ledger is as it was read", async () => {
    const order = await placeOrder(ctx) // 11000
    await withDb(ctx, async (db) => {
      const read = async () => (await db.query(`SELECT * FROM capture_ledger_read($1, false)`, [order.paymentId])).rows[0]
      const first = await read()
      expect(first).toMatchObject({ id: order.paymentId, amount: 11000, captures: [] })

      // Nothing changed: the insert goes through, with its event and the defaults.
      const inserted = await db.query(insert(first.token, order.paymentId, "cap_h1", 4000))
      expect(inserted.rows).toEqual([
        expect.objectContaining({ id: "cap_h1", amount: 4000, status: "requested", metadata: { note: "ünïcode" } }),
      ])
      expect(inserted.rows[0].number).toEqual(expect.any(Number))
      const events = await db.query(`SELECT type, actor_type, actor_id, data FROM capture_event WHERE capture_id = 'cap_h1'`)
      expect(events.rows).toEqual([{ type: "capture.requested", actor_type: "admin", actor_id: "usr_t", data: { amount: 4000 } }])

      // A decision made from the first read is stale now: refused, nothing written.
      expect((await db.query(insert(first.token, order.paymentId, "cap_h2", 4000))).rows).toEqual([])
      expect((await db.query(`SELECT count(*)::int AS n FROM capture WHERE id = 'cap_h2'`)).rows[0].n).toBe(0)

      // So is one made before a capture's status moved on.
      const second = await read()
      expect(second.captures.map((c: { id: string }) => c.id)).toEqual(["cap_h1"])
      await db.query(`UPDATE capture SET status = 'failed' WHERE id = 'cap_h1'`)
      expect((await db.query(insert(second.token, order.paymentId, "cap_h2", 4000))).rows).toEqual([])

      // A fresh read's token, or none (the caller holds the lock), inserts.
      expect((await db.query(insert((await read()).token, order.paymentId, "cap_h2", 4000))).rows).toHaveLength(1)
      expect((await db.query(insert(null, order.paymentId, "cap_h3", 7000))).rows).toHaveLength(1)
      // The trigger still has the last word on the amount.
      await expect(db.query(insert(null, order.paymentId, "cap_h4", 1))).rejects.toMatchObject({ constraint: "CHK_capture_within_authorization" })
    })
  })

  it("applies an outcome only from the allowed statuses, with its event, and marks Medusa's payment captured when covered", async () => {
    const order = await placeOrder(ctx) // 11000
    await withDb(ctx, async (db) => {
      const token = (await db.query(`SELECT token FROM capture_ledger_read($1, false)`, [order.paymentId])).rows[0].token
      await db.query(insert(token, order.paymentId, "cap_o1", 11000))
      const outcome = (status: string, from: string[], message: string | null, eventId: string) =>
        db.query(
          `SELECT id, status, gateway_capture_id, message, captured_at FROM capture_apply_outcome($1, $2::varchar[], $3, $4, NULL, NULL, $5, NULL, NULL, NULL, $6, 'system', NULL, '{}'::jsonb)`,
          ["cap_o1", from, status, "gw_1", message, eventId]
        )

      // An unclear outcome: the message only, the row stays requested.
      const unresolved = await outcome("requested", ["requested"], "outcome unknown", "capevt_o1")
      expect(unresolved.rows[0]).toMatchObject({ status: "requested", message: "outcome unknown", gateway_capture_id: null })
      // Not allowed from requested: nothing written, no event.
      expect((await outcome("succeeded", ["pending"], null, "capevt_o2")).rows).toEqual([])
      const succeeded = await outcome("succeeded", ["requested", "pending"], null, "capevt_o3")
      expect(succeeded.rows[0]).toMatchObject({ status: "succeeded", gateway_capture_id: "gw_1", message: null })
      expect(succeeded.rows[0].captured_at).toBeInstanceOf(Date)
      // Settled rows do not move again.
      expect((await outcome("failed", ["requested", "pending"], "late", "capevt_o4")).rows).toEqual([])

      const events = await db.query(`SELECT id, type, data FROM capture_event WHERE capture_id = 'cap_o1' ORDER BY created_at, id`)
      expect(events.rows.map((e) => [e.id, e.type])).toEqual([
        ["capevt_cap_o1", "capture.requested"],
        ["capevt_o1", "capture.unresolved"],
        ["capevt_o3", "capture.succeeded"],
      ])
      expect(events.rows[2].data).toEqual({ gateway_capture_id: "gw_1" })
      const payment = await db.query(`SELECT captured_at FROM payment WHERE id = $1`, [order.paymentId])
      expect(payment.rows[0].captured_at).toBeInstanceOf(Date)
      const o = await db.query(`SELECT payment_status FROM "order" WHERE id = $1`, [order.orderId])
      expect(o.rows[0].payment_status).toBe("captured")
      // An unknown capture: no row, no error.
      expect((await db.query(`SELECT * FROM capture_apply_outcome('cap_none', '{requested}', 'failed', NULL, NULL, NULL, NULL, NULL, NULL, NULL, 'capevt_x', 'system', NULL, '{}'::jsonb)`)).rows).toEqual([])
    })
  })
})
