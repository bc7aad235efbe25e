import { Client } from "pg"
import type { TestContext } from "./store"

/** Direct SQL on the test database, to check what the API says against what is stored. */
export async function withDb<T>(ctx: TestContext, work: (db: Client) => Promise<T>): Promise<T> {
  const db = new Client({ connectionString: ctx.databaseUrl })
  await db.connect()
  try {
    return await work(db)
  } finally {
    await db.end()
  }
}

export async function query<T = Record<string, any>>(ctx: TestContext, sql: string, params: unknown[] = []): Promise<T[]> { // eslint-disable-line @typescript-eslint/no-explicit-any
  return withDb(ctx, async (db) => (await db.query(sql, params)).rows as T[])
}

/** Everything the ledger holds for a payment, to prove a rejected request changed nothing. */
export async function ledgerFingerprint(ctx: TestContext, paymentId: string): Promise<string> {
  const rows = await query(
    ctx,
    `SELECT (SELECT json_agg(c ORDER BY c.id) FROM capture c WHERE c.payment_id = $1) AS captures,
            (SELECT json_agg(r ORDER BY r.id) FROM capture_refund r WHERE r.payment_id = $1) AS refunds,
            (SELECT count(*) FROM capture_event e JOIN capture c ON c.id = e.capture_id WHERE c.payment_id = $1) AS events,
            (SELECT row_to_json(p) FROM payment p WHERE p.id = $1) AS payment`,
    [paymentId]
  )
  return JSON.stringify(rows[0])
}

/**
 * A row records until when its gateway call may still run (with retry waits of
 * up to 30 s); a test whose call is known to be over moves that to now, as if
 * the clock had run on, so reconciliation may declare it never received.
 */
export async function callIsOver(ctx: TestContext, table: "capture" | "capture_refund", id: string): Promise<void> {
  await query(ctx, `UPDATE ${table} SET in_flight_until = now() WHERE id = $1`, [id])
}
