import type { EntityManager } from "typeorm"
import { Capture } from "../../models/capture"
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
 * As lockPayment, and then the payment's captures (without their refunds), in
 * one round trip: the database function capture_ledger_lock reads them after
 * the lock is granted, so it sees every capture committed by whoever held the
 * lock before (migration 1795518000000).
 */
export async function lockPaymentLedger(
  manager: EntityManager,
  paymentId: string
): Promise<{ payment: LockedPayment; captures: Capture[] }> {
  const rows: Array<LockedPayment & { captures: Array<Record<string, unknown>> }> = await manager.query(
    `SELECT * FROM capture_ledger_lock($1)`,
    [paymentId]
  )
  if (rows.length === 0) throw ledgerErrors.notFound("Payment", paymentId)
  const { captures, ...payment } = rows[0]
  const repo = manager.getRepository(Capture)
  return { payment, captures: captures.map((row) => repo.create(fromJsonRow(row))) }
}

const TIMESTAMPS = ["created_at", "updated_at", "captured_at"] as const

/** A capture row as to_jsonb wrote it: its timestamps are strings there, Dates on the entity. */
function fromJsonRow(row: Record<string, unknown>): Partial<Capture> {
  const out: Record<string, unknown> = { ...row }
  for (const key of TIMESTAMPS) if (typeof row[key] === "string") out[key] = new Date(row[key] as string)
  return out as Partial<Capture>
}
