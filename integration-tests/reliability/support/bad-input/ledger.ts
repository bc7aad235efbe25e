/**
 * The database side of the bad-input properties, on one persistent connection
 * (a few milliseconds per look):
 * - a fingerprint of the ledger (`capture`, `capture_refund`, `capture_event`:
 *   count and md5 of every row) and of this suite's payments, orders and core
 *   refunds, to prove a rejected request changed nothing;
 * - the money invariants of this suite's payments, checked after every
 *   accepted request.
 *
 * Payments that already had captures or refunds in flight when the suite
 * started (left by other suites in the same run) are left out of the
 * fingerprint: the scheduled reconciler may settle them at any moment.
 */
import { Client } from "pg"

export type Fingerprint = Record<string, string>

export class LedgerProbe {
  private constructor(
    private readonly db: Client,
    private readonly payments: string[],
    private readonly orders: string[],
    readonly foreignInFlight: string[]
  ) {}

  static async open(databaseUrl: string, mine: { payments: string[]; orders: string[] }): Promise<LedgerProbe> {
    const db = new Client({ connectionString: databaseUrl })
    await db.connect()
    const { rows } = await db.query(
      `SELECT payment_id FROM capture WHERE status IN ('requested', 'pending')
        UNION SELECT payment_id FROM capture_refund WHERE status IN ('requested', 'pending')`
    )
    const foreign = rows.map((r) => r.payment_id as string).filter((id) => !mine.payments.includes(id))
    return new LedgerProbe(db, mine.payments, mine.orders, foreign)
  }

  async close(): Promise<void> {
    await this.db.end()
  }

  async fingerprint(): Promise<Fingerprint> {
    const rowsOf = (table: string, where: string) =>
      `(SELECT count(*) || ':' || coalesce(md5(string_agg(t::text, '|' ORDER BY t.id)), '-') FROM ${table} t WHERE ${where})`
    const { rows } = await this.db.query(
      `SELECT ${rowsOf("capture", "t.payment_id <> ALL($1::text[])")} AS capture,
              ${rowsOf("capture_refund", "t.payment_id <> ALL($1::text[])")} AS capture_refund,
              ${rowsOf("capture_event", "t.payment_id <> ALL($1::text[])")} AS capture_event,
              ${rowsOf("payment", "t.id = ANY($2::text[])")} AS payment,
              ${rowsOf("refund", "t.payment_id = ANY($2::text[])")} AS core_refund,
              (SELECT md5(string_agg(t.id || ':' || t.status || ':' || t.payment_status, '|' ORDER BY t.id))
                 FROM "order" t WHERE t.id = ANY($3::text[])) AS "order"`,
      [this.foreignInFlight, this.payments, this.orders]
    )
    return rows[0]
  }

  /** Rows of this suite's payments still waiting for their gateway (e.g. a Mollie capture before its webhook). */
  async unsettled(): Promise<number> {
    const { rows } = await this.db.query(
      `SELECT (SELECT count(*) FROM capture WHERE payment_id = ANY($1) AND status IN ('requested', 'pending'))
            + (SELECT count(*) FROM capture_refund WHERE payment_id = ANY($1) AND status IN ('requested', 'pending')) AS n`,
      [this.payments]
    )
    return Number(rows[0].n)
  }

  /**
   * Waits until this suite's payments have nothing in flight and the
   * fingerprint holds still (webhooks and their follow-ups are done).
   */
  async settle(timeoutMs = 15000): Promise<Fingerprint> {
    const deadline = Date.now() + timeoutMs
    let last = await this.fingerprint()
    for (;;) {
      await new Promise((r) => setTimeout(r, 80))
      // In flight first, then the fingerprint: a settlement that commits between the two reads
      // is then in `now` (which differs from `last`), never missing from the baseline returned.
      const inFlight = await this.unsettled()
      const now = await this.fingerprint()
      if (inFlight === 0 && sameFingerprint(now, last)) return now
      if (Date.now() > deadline) throw new Error(`the ledger did not settle within ${timeoutMs} ms`)
      last = now
    }
  }

  /**
   * The ledger's money rules for this suite's payments, from the rows:
   * captured + in flight ≤ authorized, refunded + refunds in flight ≤ captured
   * (per payment and per capture), refunds only of succeeded captures, each
   * capture's refunded_amount = its succeeded refunds, and Medusa's
   * payment.amount_refunded = the ledger's succeeded refunds.
   */
  async invariantViolations(): Promise<string[]> {
    const { rows: perPayment } = await this.db.query(
      `WITH caps AS (
         SELECT p.id AS payment_id, p.amount AS authorized, p.amount_refunded AS core_refunded,
                coalesce(sum(c.amount) FILTER (WHERE c.status = 'succeeded'), 0)::bigint AS captured,
                coalesce(sum(c.amount) FILTER (WHERE c.status <> 'failed'), 0)::bigint AS committed
           FROM payment p LEFT JOIN capture c ON c.payment_id = p.id
          WHERE p.id = ANY($1) GROUP BY p.id),
       refs AS (
         SELECT r.payment_id,
                coalesce(sum(r.amount) FILTER (WHERE r.status = 'succeeded'), 0)::bigint AS refunded,
                coalesce(sum(r.amount) FILTER (WHERE r.status <> 'failed'), 0)::bigint AS refund_committed
           FROM capture_refund r WHERE r.payment_id = ANY($1) GROUP BY r.payment_id)
       SELECT caps.*, coalesce(refs.refunded, 0)::bigint AS refunded, coalesce(refs.refund_committed, 0)::bigint AS refund_committed
         FROM caps LEFT JOIN refs USING (payment_id)`,
      [this.payments]
    )
    const { rows: perCapture } = await this.db.query(
      `SELECT c.id, c.payment_id, c.status, c.amount, c.refunded_amount,
              coalesce(sum(r.amount) FILTER (WHERE r.status = 'succeeded'), 0)::bigint AS refunded,
              coalesce(sum(r.amount) FILTER (WHERE r.status <> 'failed'), 0)::bigint AS refund_committed
         FROM capture c LEFT JOIN capture_refund r ON r.capture_id = c.id
        WHERE c.payment_id = ANY($1) GROUP BY c.id`,
      [this.payments]
    )
    const out: string[] = []
    for (const p of perPayment) {
      const [authorized, captured, committed, refunded, refundCommitted, core] = [
        p.authorized, p.captured, p.committed, p.refunded, p.refund_committed, p.core_refunded,
      ].map(Number)
      const where = `payment ${p.payment_id}`
      if (captured > authorized) out.push(`${where}: captured ${captured} > authorized ${authorized}`)
      if (committed > authorized) out.push(`${where}: captured + in flight ${committed} > authorized ${authorized}`)
      if (refunded > captured) out.push(`${where}: refunded ${refunded} > captured ${captured}`)
      if (refundCommitted > captured) out.push(`${where}: refunded + in flight ${refundCommitted} > captured ${captured}`)
      if (core !== refunded) out.push(`${where}: payment.amount_refunded ${core} ≠ the ledger's succeeded refunds ${refunded}`)
    }
    for (const c of perCapture) {
      const [amount, refundedAmount, refunded, refundCommitted] = [c.amount, c.refunded_amount, c.refunded, c.refund_committed].map(Number)
      const where = `capture ${c.id} (${c.status})`
      if (refundedAmount !== refunded) out.push(`${where}: refunded_amount ${refundedAmount} ≠ its succeeded refunds ${refunded}`)
      if (refundCommitted > amount) out.push(`${where}: refunds ${refundCommitted} > amount ${amount}`)
      if (c.status !== "succeeded" && refundCommitted > 0) out.push(`${where}: has refunds but did not succeed`)
    }
    return out
  }
}

export function sameFingerprint(a: Fingerprint, b: Fingerprint): boolean {
  return Object.keys(a).every((k) => a[k] === b[k])
}

export function fingerprintDiff(before: Fingerprint, after: Fingerprint): string {
  return Object.keys(before)
    .filter((k) => before[k] !== after[k])
    .map((k) => `${k} ${before[k]} → ${after[k]}`)
    .join("; ")
}
