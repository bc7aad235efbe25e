import { adminApi } from "../helpers/api"
import { withDb } from "../helpers/db"
import { placeOrder, testContext } from "../helpers/store"

/**
 * One lock order everywhere: payment, then capture, then refund. A metadata
 * update of a capture (POST /admin/captures/:id) used to lock the capture
 * first; racing an outcome being written (capture_apply_outcome holds the
 * payment and then updates the capture) that was a deadlock, with the outcome
 * as a possible victim — a capture the gateway took left `requested`.
 * The interleaving is forced: this test holds the payment as an outcome does,
 * lets the update start and wait, then writes the capture as the outcome does.
 */
describe("lock order: a metadata update racing a capture outcome", () => {
  const ctx = testContext()
  const api = adminApi(ctx)

  it("waits for the payment, so the outcome's write of the capture goes through and both succeed", async () => {
    const order = await placeOrder(ctx)
    const created = await api.post(`/admin/payments/${order.paymentId}/captures`, { amount: 1000, metadata: { a: 1 } })
    expect(created.status).toBe(201)
    const captureId = created.body.capture.id

    await withDb(ctx, async (db) => {
      // Fail fast instead of waiting for deadlock detection if the update took the capture first.
      await db.query(`SET lock_timeout = '3s'`)
      await db.query("BEGIN")
      await db.query(`SELECT id FROM payment WHERE id = $1 FOR UPDATE`, [order.paymentId])

      const update = api.post(`/admin/captures/${captureId}`, { metadata: { b: 2 } }).then((r) => r)
      // Until the update's transaction waits for this one (for the payment, with the fix).
      const holder = (await db.query(`SELECT pg_backend_pid() AS pid`)).rows[0].pid
      const deadline = Date.now() + 5000
      for (;;) {
        const waiting = await withDb(ctx, async (probe) =>
          (await probe.query(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE $1 = ANY(pg_blocking_pids(pid))`, [holder])).rows[0].n
        )
        if (waiting > 0) break
        if (Date.now() > deadline) throw new Error("the update never waited for a lock")
        await new Promise((r) => setTimeout(r, 20))
      }

      // What capture_apply_outcome does next under the payment's lock.
      await db.query(`UPDATE capture SET message = 'outcome written', updated_at = now() WHERE id = $1`, [captureId])
      await db.query("COMMIT")

      const res = await update
      expect(res.status).toBe(200)
      expect(res.body.capture.metadata).toEqual({ a: 1, b: 2 })
    })
    const after = (await api.get(`/admin/captures/${captureId}`)).body.capture
    expect(after).toMatchObject({ status: "succeeded", message: "outcome written", metadata: { a: 1, b: 2 } })
  })
})
