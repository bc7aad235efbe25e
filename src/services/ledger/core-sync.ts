import { Refund, RefundReason } from "@medusajs/medusa"
import type { EntityManager } from "typeorm"
import type { LockedPayment } from "./payment-lock"

/** The order counts as captured when none of its live payments waits for capture. */
export async function markOrderCapturedIfComplete(manager: EntityManager, orderId: string): Promise<void> {
  await manager.query(
    `UPDATE "order" o SET payment_status = 'captured', updated_at = now()
      WHERE o.id = $1
        AND o.payment_status IN ('awaiting', 'requires_action', 'not_paid')
        AND NOT EXISTS (SELECT 1 FROM payment p
                         WHERE p.order_id = o.id AND p.canceled_at IS NULL AND p.captured_at IS NULL)`,
    [orderId]
  )
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
  refund: { id: string; amount: number; reason: string | null; note: string | null }
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
      metadata: { capture_refund_id: refund.id },
    })
  )
  if (payment.order_id) {
    // Refunded against what was collected: for a payment the ledger captures,
    // its succeeded captures (payment.amount is the authorization while it is
    // open); for any other payment, its amount once captured. Every payment of
    // the order counts, its swaps' and canceled ones included (a canceled
    // payment may still hold captured money).
    await manager.query(
      `UPDATE "order" o
          SET payment_status = CASE
                WHEN totals.refunded >= totals.paid THEN 'refunded'::order_payment_status_enum
                ELSE 'partially_refunded'::order_payment_status_enum END,
              updated_at = now()
         FROM (SELECT COALESCE(SUM(CASE WHEN c.rows > 0 THEN c.captured
                                        WHEN p.captured_at IS NOT NULL THEN p.amount
                                        ELSE 0 END), 0) AS paid,
                      COALESCE(SUM(p.amount_refunded), 0) AS refunded
                 FROM payment p
                 LEFT JOIN swap s ON s.id = p.swap_id
                 CROSS JOIN LATERAL (SELECT count(*) AS rows,
                                            COALESCE(SUM(amount) FILTER (WHERE status = 'succeeded'), 0) AS captured
                                       FROM capture WHERE payment_id = p.id) c
                WHERE p.order_id = $1 OR s.order_id = $1) totals
        WHERE o.id = $1`,
      [payment.order_id]
    )
  }
  return core.id
}
