import type { SubscriberArgs, SubscriberConfig } from "@medusajs/medusa"
import type { EntityManager } from "typeorm"
import { syncOrderPaymentStatus } from "../services/ledger/core-sync"

/**
 * Medusa's POST /admin/payments/:id/capture sets the payment's captured_at but
 * leaves the order's payment_status as it was (only the order route updates
 * it): bring the order's status in step with the money collected, as the
 * ledger does after its own captures.
 */
export default async function orderStatusAfterPaymentCapture({
  data,
  container,
}: SubscriberArgs<{ id?: string; order_id?: string | null }>): Promise<void> {
  if (!data?.order_id) return
  const manager = container.resolve<EntityManager>("manager")
  await syncOrderPaymentStatus(manager, data.order_id)
}

export const config: SubscriberConfig = {
  event: "payment.payment_captured",
  context: { subscriberId: "medusa-plugin-captures:payment.payment_captured" },
}
