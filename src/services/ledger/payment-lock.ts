import type { EntityManager } from "typeorm"
import { ledgerErrors } from "./errors"

/** The core payment row as the ledger needs it, read under `FOR UPDATE`. */
export type LockedPayment = {
  id: string
  amount: number
  currency_code: string
  provider_id: string
  /** The payment's order, or its swap's order. */
  order_id: string | null
  swap_id: string | null
  captured_at: Date | null
  canceled_at: Date | null
  data: Record<string, unknown>
}

const LOCK_PAYMENT = `
  SELECT p.id, p.amount, p.currency_code, p.provider_id, p.swap_id, p.captured_at, p.canceled_at, p.data,
         COALESCE(p.order_id, s.order_id) AS order_id
    FROM payment p
    LEFT JOIN swap s ON s.id = p.swap_id`

/**
 * Every ledger transaction starts by locking the payment row. One lock order
 * (payment, then its captures) means concurrent captures and refunds of a
 * payment queue up instead of deadlocking, on one server or many.
 */
export async function lockPayment(manager: EntityManager, paymentId: string): Promise<LockedPayment> {
  const rows: LockedPayment[] = await manager.query(`${LOCK_PAYMENT} WHERE p.id = $1 FOR UPDATE OF p`, [paymentId])
  if (rows.length === 0) throw ledgerErrors.notFound("Payment", paymentId)
  return rows[0]
}

/**
 * As lockPayment, for a transaction that starts from a capture id. A capture's
 * payment_id never changes, so it is read without a lock inside the same
 * statement; that spares a round trip to look it up first.
 */
export async function lockPaymentOfCapture(manager: EntityManager, captureId: string): Promise<LockedPayment> {
  const rows: LockedPayment[] = await manager.query(
    `${LOCK_PAYMENT} WHERE p.id = (SELECT c.payment_id FROM capture c WHERE c.id = $1) FOR UPDATE OF p`,
    [captureId]
  )
  if (rows.length === 0) throw ledgerErrors.notFound("Capture", captureId)
  return rows[0]
}
