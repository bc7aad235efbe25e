import type { EntityManager } from "typeorm"
import { settledRefundAmount, type RefundPart } from "../../domain"
import { syncCoreAfterRefund } from "./core-sync"
import { recordEvent, type Actor } from "./events"
import type { LockedPayment } from "./payment-lock"

/**
 * Who records a Medusa refund operation in Medusa (capture_core_refund,
 * migration 1797000000000): Medusa's hook while it works on it and when it
 * completes it, the ledger when the hook gave up and the operation completed
 * afterwards (reconciliation, a webhook). Every function here runs under the
 * payment's row lock.
 */

/** The operation's key prefix of its parts' idempotency keys (`<op key>:<n>`). */
export const CORE_REFUND_KEY_PREFIX = "medusa_refund_"

export function opKeyOf(partKey: string | null): string | null {
  if (!partKey?.startsWith(CORE_REFUND_KEY_PREFIX)) return null
  const colon = partKey.indexOf(":")
  return colon === -1 ? null : partKey.slice(0, colon)
}

/** The operation's parts, oldest first. */
export async function operationParts(manager: EntityManager, paymentId: string, opKey: string): Promise<RefundPart[]> {
  const rows: Array<{ capture_id: string; amount: number; status: RefundPart["status"] }> = await manager.query(
    `SELECT capture_id, amount, status FROM capture_refund
      WHERE payment_id = $1 AND starts_with(idempotency_key, $2) ORDER BY created_at, id`,
    [paymentId, `${opKey}:`]
  )
  return rows.map((r) => ({ captureId: r.capture_id, amount: r.amount, status: r.status }))
}

/**
 * Medusa's hook takes the operation (again): `{ recorded }` when the ledger
 * recorded it in Medusa already (all of it, or what went through) — core must
 * not record it a second time. Saying so once is enough: the operation is then
 * `answered`, and the next refund of the same amount gets a new key
 * (acknowledgedRefunds).
 */
export async function claimForCore(
  manager: EntityManager,
  paymentId: string,
  opKey: string,
  amount: number
): Promise<{ claimed: true } | { claimed: false; recorded: number }> {
  const rows: unknown[] = await manager.query(
    `INSERT INTO capture_core_refund (payment_id, op_key, amount, state) VALUES ($1, $2, $3, 'core')
     ON CONFLICT (payment_id, op_key) DO UPDATE SET state = 'core', updated_at = now()
      WHERE capture_core_refund.state NOT IN ('recorded', 'answered')
     RETURNING state`,
    [paymentId, opKey, amount]
  )
  if (rows.length > 0) return { claimed: true }
  // In a CTE: TypeORM answers a bare UPDATE … RETURNING with [rows, count].
  const [op]: Array<{ recorded_amount: number | null }> = await manager.query(
    `WITH answered AS (
       UPDATE capture_core_refund SET state = 'answered', updated_at = now()
        WHERE payment_id = $1 AND op_key = $2 RETURNING recorded_amount)
     SELECT recorded_amount FROM answered`,
    [paymentId, opKey]
  )
  return { claimed: false, recorded: op?.recorded_amount ?? amount }
}

/**
 * What Medusa acknowledged refunding on the payment through its own hook: its
 * amount_refunded, less the plugin's own refunds (the ledger adds those there
 * itself) and less the operations the ledger recorded that no retry was told
 * of yet. Part of an operation's key: a retry after a rollback sees the same;
 * the next refund, after Medusa recorded this one, does not.
 */
export async function acknowledgedRefunds(manager: EntityManager, paymentId: string): Promise<number> {
  const [{ acknowledged }]: Array<{ acknowledged: string }> = await manager.query(
    `SELECT p.amount_refunded
            - COALESCE((SELECT SUM(r.amount) FROM capture_refund r
                         WHERE r.payment_id = p.id AND r.status = 'succeeded' AND r.initiated_by <> 'processor'), 0)
            - COALESCE((SELECT SUM(o.recorded_amount) FROM capture_core_refund o
                         WHERE o.payment_id = p.id AND o.state = 'recorded'), 0) AS acknowledged
       FROM payment p WHERE p.id = $1`,
    [paymentId]
  )
  return Number(acknowledged)
}

/** The hook gave up: if the operation completes later, the ledger records it in Medusa. */
export async function leaveToLedger(manager: EntityManager, paymentId: string, opKey: string): Promise<void> {
  await manager.query(
    `UPDATE capture_core_refund SET state = 'left', updated_at = now() WHERE payment_id = $1 AND op_key = $2 AND state = 'core'`,
    [paymentId, opKey]
  )
}

/**
 * After a part of a left operation settled (and when the hook leaves it):
 * once every part settled, Medusa gets the refund it gave up on — what went
 * through, all of it or less when a part was declined — as a Refund row,
 * amount_refunded and the order's payment status, and the parts point at it.
 * Nothing went through: nothing to record (a retry may send it again).
 * Returns the amount recorded now, or null.
 */
export async function recordIfLeftAndDone(
  manager: EntityManager,
  payment: LockedPayment,
  opKey: string,
  actor: Actor
): Promise<number | null> {
  const ops: Array<{ amount: number; state: string }> = await manager.query(
    `SELECT amount, state FROM capture_core_refund WHERE payment_id = $1 AND op_key = $2`,
    [payment.id, opKey]
  )
  if (ops.length === 0 || ops[0].state !== "left") return null
  const asked = ops[0].amount
  const amount = settledRefundAmount(await operationParts(manager, payment.id, opKey))
  if (!amount) return null
  const medusaRefundId = await syncCoreAfterRefund(manager, payment, {
    id: opKey,
    amount,
    reason: "other",
    note:
      amount >= asked
        ? "Completed at the gateway after Medusa had given up on it; recorded by medusa-plugin-captures"
        : `${amount} of a refund of ${asked} went through at the gateway (the rest was declined); recorded by medusa-plugin-captures`,
    medusaMetadata: { capture_refund_operation: opKey },
  })
  await manager.query(
    `UPDATE capture_core_refund SET state = 'recorded', medusa_refund_id = $3, recorded_amount = $4, updated_at = now()
      WHERE payment_id = $1 AND op_key = $2`,
    [payment.id, opKey, medusaRefundId, amount]
  )
  await manager.query(
    `UPDATE capture_refund SET medusa_refund_id = $3
      WHERE payment_id = $1 AND starts_with(idempotency_key, $2) AND status = 'succeeded'`,
    [payment.id, `${opKey}:`, medusaRefundId]
  )
  await recordEvent(manager, {
    payment_id: payment.id,
    type: "medusa_refund.recorded",
    actor,
    data: { operation: opKey, amount, asked, medusa_refund_id: medusaRefundId },
  })
  return amount
}
