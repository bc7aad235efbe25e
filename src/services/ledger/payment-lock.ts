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

/**
 * Every ledger transaction starts by locking the payment row. One lock order
 * (payment, then its captures) means concurrent captures and refunds of a
 * payment queue up instead of deadlocking, on one server or many.
 */
export async function lockPayment(manager: EntityManager, paymentId: string): Promise<LockedPayment> {
  const rows: LockedPayment[] = await manager.query(
    `SELECT p.id, p.amount, p.currency_code, p.provider_id, p.swap_id, p.captured_at, p.canceled_at, p.data,
            COALESCE(p.order_id, s.order_id) AS order_id
       FROM payment p
       LEFT JOIN swap s ON s.id = p.swap_id
      WHERE p.id = $1
        FOR UPDATE OF p`,
    [paymentId]
  )
  if (rows.length === 0) throw ledgerErrors.notFound("Payment", paymentId)
  return rows[0]
}
