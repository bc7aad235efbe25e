import type { OrderService } from "@medusajs/medusa"
import type { EntityManager } from "typeorm"
import { orderStillOwes } from "../../domain"
import type { LockedPayment } from "./payment-lock"

/**
 * The order's ceiling on a capture (domain/order-limit): what it still owes
 * after an order edit lowered its total. Only a payment of an order with a
 * confirmed edit needs it (`order_edited`): before an edit, an order's
 * payments authorize exactly its total, and working out Medusa's totals costs
 * a dozen queries the common capture need not pay. A swap's payment is the
 * swap's difference, outside the order's total.
 */
export function needsOrderLimit(payment: Pick<LockedPayment, "order_edited" | "swap_id" | "order_id">): payment is LockedPayment & {
  order_id: string
} {
  return payment.order_edited && payment.swap_id === null && payment.order_id !== null
}

/**
 * Locks all the order's own payments, in id order (every path that locks more
 * than one payment takes them in that order, so they queue instead of
 * deadlocking): a capture decided against what the order owes must not race
 * a capture on another of its payments.
 */
export async function lockOrderPayments(manager: EntityManager, orderId: string): Promise<void> {
  await manager.query(`SELECT id FROM payment WHERE order_id = $1 ORDER BY id FOR UPDATE`, [orderId])
}

/**
 * What the order still owes: Medusa's current total (after its edits, with
 * tax, less discounts and gift cards) less what its payments took — for a
 * payment the ledger captures, its captures succeeded or on their way; for
 * another provider's, its amount once captured.
 */
export async function orderOwes(manager: EntityManager, orderService: OrderService, orderId: string): Promise<number> {
  const order = await orderService.withTransaction(manager).retrieveWithTotals(orderId)
  const rows: Array<{ captured: string; pending: string }> = await manager.query(
    `SELECT CASE WHEN c.rows > 0 THEN c.captured WHEN p.captured_at IS NOT NULL THEN p.amount ELSE 0 END AS captured,
            c.pending
       FROM payment p
       CROSS JOIN LATERAL (
         SELECT count(*) AS rows,
                COALESCE(SUM(amount) FILTER (WHERE status = 'succeeded'), 0) AS captured,
                COALESCE(SUM(amount) FILTER (WHERE status IN ('requested', 'pending')), 0) AS pending
           FROM capture WHERE payment_id = p.id) c
      WHERE p.order_id = $1`,
    [orderId]
  )
  return orderStillOwes(
    order.total ?? 0,
    rows.map((r) => ({ captured: Number(r.captured), pending: Number(r.pending) }))
  )
}
