import type { SubscriberArgs, SubscriberConfig } from "@medusajs/medusa"
import type { EntityManager } from "typeorm"
import { syncOrderPaymentStatus } from "../services/ledger/core-sync"

/**
 * Medusa's claim refund and swap difference refund go through our processor
 * and update the payment's amount_refunded and Refund rows, but leave the
 * order's payment_status as it was (only Medusa's order refund route sets it).
 * The order's status follows the money its payments collected and refunded,
 * as after every other refund (capture_sync_order_status).
 */
export default async function orderStatusAfterClaimOrSwapRefund({
  data,
  eventName,
  container,
}: SubscriberArgs<{ id?: string }>): Promise<void> {
  if (!data?.id) return
  const manager = container.resolve<EntityManager>("manager")
  const table = eventName === "claim.refund_processed" ? "claim_order" : "swap"
  const rows: Array<{ order_id: string }> = await manager.query(`SELECT order_id FROM ${table} WHERE id = $1`, [data.id])
  if (rows[0]?.order_id) await syncOrderPaymentStatus(manager, rows[0].order_id)
}

export const config: SubscriberConfig = {
  event: ["claim.refund_processed", "swap.refund_processed"],
  context: { subscriberId: "medusa-plugin-captures:order-status-after-claim-or-swap-refund" },
}
