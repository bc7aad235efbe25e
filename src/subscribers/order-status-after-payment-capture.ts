import type { SubscriberArgs, SubscriberConfig } from "@medusajs/medusa"
import type { EntityManager } from "typeorm"
import { markOrderCapturedIfComplete } from "../services/ledger/core-sync"

/**
 * Medusa's POST /admin/payments/:id/capture captures through our processor and
 * sets the payment's captured_at, but leaves the order's payment_status as it
 * was (only the order route updates it). Once every live payment of the order
 * is captured, mark the order captured, as the order route would.
 */
export default async function orderStatusAfterPaymentCapture({
  data,
  container,
}: SubscriberArgs<{ id?: string; order_id?: string | null }>): Promise<void> {
  if (!data?.order_id) return
  const manager = container.resolve<EntityManager>("manager")
  await markOrderCapturedIfComplete(manager, data.order_id)
}

export const config: SubscriberConfig = {
  event: "payment.payment_captured",
  context: { subscriberId: "medusa-plugin-captures:payment.payment_captured" },
}
