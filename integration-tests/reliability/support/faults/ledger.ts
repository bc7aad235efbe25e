/** The ledger's rows for a set of payments, read straight from PostgreSQL. */
import type { Pool } from "pg"

export type LedgerCapture = {
  id: string
  payment_id: string
  status: string
  amount: number
  refunded_amount: number
  gateway_capture_id: string | null
  idempotency_key: string
  message: string | null
  error_code: string | null
}

export type LedgerRefund = {
  id: string
  capture_id: string
  payment_id: string
  status: string
  amount: number
  gateway_refund_id: string | null
  idempotency_key: string
  error_code: string | null
}

export type LedgerPayment = { id: string; ref: string; authorized: number; amount_refunded: number }

export type LedgerView = { captures: LedgerCapture[]; refunds: LedgerRefund[]; payments: Map<string, LedgerPayment> }

export const UNSETTLED = new Set(["requested", "pending"])

export async function readLedger(db: Pool, paymentIds: readonly string[]): Promise<LedgerView> {
  const ids = [...paymentIds]
  const [captures, refunds, payments] = await Promise.all([
    db.query<LedgerCapture>(
      `SELECT id, payment_id, status, amount, refunded_amount, gateway_capture_id, idempotency_key, message, error_code
         FROM capture WHERE payment_id = ANY($1) ORDER BY created_at, id`,
      [ids]
    ),
    db.query<LedgerRefund>(
      `SELECT id, capture_id, payment_id, status, amount, gateway_refund_id, idempotency_key, error_code
         FROM capture_refund WHERE payment_id = ANY($1) ORDER BY created_at, id`,
      [ids]
    ),
    db.query<LedgerPayment>(
      // The authorization is the ledger's record of it once it has one (Medusa's payment.amount is
      // brought down to what was captured when the authorization closes).
      `SELECT p.id, p.data->>'payment_ref' AS ref, COALESCE(a.authorized_amount, p.amount) AS authorized, p.amount_refunded
         FROM payment p LEFT JOIN capture_authorization a ON a.payment_id = p.id WHERE p.id = ANY($1)`,
      [ids]
    ),
  ])
  return {
    captures: captures.rows,
    refunds: refunds.rows,
    payments: new Map(payments.rows.map((p) => [p.id, p])),
  }
}

/** Rows of these payments still waiting for an outcome. */
export async function unsettledCount(db: Pool, paymentIds: readonly string[]): Promise<number> {
  const { rows } = await db.query<{ n: number }>(
    `SELECT (SELECT count(*) FROM capture WHERE payment_id = ANY($1) AND status IN ('requested', 'pending'))::int +
            (SELECT count(*) FROM capture_refund WHERE payment_id = ANY($1) AND status IN ('requested', 'pending'))::int AS n`,
    [[...paymentIds]]
  )
  return rows[0].n
}

/**
 * The suites reconcile once every gateway call they made is over (they wait for
 * them). A row records how long its call might run with the provider's options
 * (retry waits of up to 30 s included); these calls are known to be over, so
 * that time is moved to now, as if the clock had run on — reconciliation may
 * then declare a row the gateway never saw never received.
 */
export async function callsAreOver(db: Pool, paymentIds: readonly string[]): Promise<void> {
  for (const table of ["capture", "capture_refund"]) {
    await db.query(`UPDATE ${table} SET in_flight_until = now() WHERE payment_id = ANY($1) AND status = 'requested'`, [[...paymentIds]])
  }
}
