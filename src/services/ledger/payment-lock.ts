import type { EntityManager } from "typeorm"
import { Capture } from "../../models/capture"
import { ledgerErrors } from "./errors"
import { withDates } from "./json-rows"

/** The core payment row as the ledger needs it, read under `FOR UPDATE`. */
export type LockedPayment = {
  id: string
  /**
   * The authorized amount: the ledger's own record of it (capture_authorization)
   * once it has one, else Medusa's payment.amount, which the ledger has not
   * changed then. Medusa's payment.amount itself is the money captured from
   * the first capture on (docs/medusa-view.md).
   */
  amount: number
  currency_code: string
  provider_id: string
  /** The payment's order, or its swap's order. */
  order_id: string | null
  swap_id: string | null
  captured_at: Date | null
  canceled_at: Date | null
  /** When nothing more could be captured (released, single capture used, fully captured); null while open. */
  closed_at: Date | null
  /**
   * The payment's own order (not a swap's) has a confirmed order edit: only
   * then can the order owe less than its payments authorize (order-limit.ts).
   */
  order_edited: boolean
  data: Record<string, unknown>
}

/** The payment as the ledger sees it; callers add the WHERE (and the lock). */
export const SELECT_LEDGER_PAYMENT = `
  SELECT p.id, COALESCE(a.authorized_amount, p.amount) AS amount, p.currency_code, p.provider_id, p.swap_id,
         p.captured_at, p.canceled_at, a.closed_at, p.data,
         COALESCE(p.order_id, s.order_id) AS order_id,
         p.order_id IS NOT NULL AND EXISTS (SELECT 1 FROM order_edit e
                                             WHERE e.order_id = p.order_id AND e.confirmed_at IS NOT NULL) AS order_edited
    FROM payment p
    LEFT JOIN swap s ON s.id = p.swap_id
    LEFT JOIN capture_authorization a ON a.payment_id = p.id`

/**
 * Every ledger transaction starts by locking the payment row. One lock order
 * (payment, then its captures) means concurrent captures and refunds of a
 * payment queue up instead of deadlocking, on one server or many.
 */
export async function lockPayment(manager: EntityManager, paymentId: string): Promise<LockedPayment> {
  const rows: LockedPayment[] = await manager.query(`${SELECT_LEDGER_PAYMENT} WHERE p.id = $1 FOR UPDATE OF p`, [paymentId])
  if (rows.length === 0) throw ledgerErrors.notFound("Payment", paymentId)
  return rows[0]
}

/** A payment with its captures (without their refunds), and the fingerprint of both. */
export type LedgerState = { payment: LockedPayment; captures: Capture[]; token: string }

/**
 * The payment, its captures and their fingerprint in one round trip
 * (capture_ledger_read, migration 1795518000000). With `lock` the payment row
 * is locked first and the captures are read after the lock is granted, so
 * they include everything committed by whoever held it before; without, it is
 * one consistent snapshot, to be checked against the fingerprint when written
 * (capture_insert_requested).
 */
export async function readLedger(manager: EntityManager, paymentId: string, lock: boolean): Promise<LedgerState> {
  const rows: Array<LockedPayment & { captures: Array<Record<string, unknown>>; token: string }> = await manager.query(
    `SELECT * FROM capture_ledger_read($1, $2)`,
    [paymentId, lock]
  )
  if (rows.length === 0) throw ledgerErrors.notFound("Payment", paymentId)
  const { captures, token, ...payment } = rows[0]
  const repo = manager.getRepository(Capture)
  return { payment, captures: captures.map((row) => repo.create(withDates<Capture>(row))), token }
}
