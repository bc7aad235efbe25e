import { Refund, RefundReason } from "@medusajs/medusa"
import type { EntityManager } from "typeorm"
import type { LockedPayment } from "./payment-lock"

/**
 * The order's payment status follows the money its payments collected and
 * refunded: `captured` once any holds captured money, then
 * `partially_refunded` / `refunded` (capture_sync_order_status, migration
 * 1796900000000; docs/medusa-view.md).
 */
export async function syncOrderPaymentStatus(manager: EntityManager, orderId: string): Promise<void> {
  await manager.query(`SELECT capture_sync_order_status($1)`, [orderId])
}

const REFUND_REASONS = new Set<string>(Object.values(RefundReason))

/**
 * Keeps Medusa's own view (payment.amount_refunded, Refund rows,
 * order.payment_status) in step with what our routes did, inside the ledger's
 * outcome transaction. Core's own capture/refund hooks do this themselves, so
 * the processor path does not call it. After a capture this is done by the
 * database function capture_sync_core, called from capture_apply_outcome
 * (migration 1795518000000).
 */
export async function syncCoreAfterRefund(
  manager: EntityManager,
  payment: LockedPayment,
  refund: { id: string; amount: number; reason: string | null; note: string | null; medusaMetadata?: Record<string, unknown> }
): Promise<string> {
  await manager.query(
    `UPDATE payment SET amount_refunded = amount_refunded + $2, updated_at = now() WHERE id = $1`,
    [payment.id, refund.amount]
  )
  const repo = manager.getRepository(Refund)
  const core = await repo.save(
    repo.create({
      order_id: payment.order_id ?? undefined,
      payment_id: payment.id,
      amount: refund.amount,
      reason: (REFUND_REASONS.has(refund.reason ?? "") ? refund.reason : RefundReason.OTHER) as RefundReason,
      note: refund.note ?? undefined,
      metadata: refund.medusaMetadata ?? { capture_refund_id: refund.id },
    })
  )
  // The order's payment status follows what was collected and refunded
  // (capture_sync_order_status, migration 1796900000000).
  if (payment.order_id) await syncOrderPaymentStatus(manager, payment.order_id)
  return core.id
}
