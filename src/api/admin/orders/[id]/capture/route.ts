import type { MedusaRequest, MedusaResponse, OrderService } from "@medusajs/medusa"
import { MedusaError } from "@medusajs/utils"
import type { EntityManager } from "typeorm"
import { cleanResponseData } from "@medusajs/medusa/dist/utils/clean-response-data"
import { adminActor, ledger, pathId } from "../../../../request-context"

/**
 * POST /admin/orders/:id/capture — Medusa's own "Capture payment", taking
 * the place of core's route (a plugin's route with the same method and path
 * answers first) so that it still captures what the order owes when part of
 * it was captured already.
 *
 * Medusa counts a payment as captured from its first partial capture on
 * (captured_at, so that its own refunds, returns, claims and swaps work on
 * the money captured: docs/medusa-view.md), and core's route skips such
 * payments. So: first the ledger captures the rest of those payments (never
 * more than the order still owes); then core's own capture runs exactly as
 * core's route runs it, for every payment not captured yet (through our
 * processor, or another provider's). The answer is core's: the order with
 * Medusa's default fields and relations (or `expand`/`fields`), 200 even when
 * a capture did not succeed, in which case the order is `requires_action`,
 * as core does for its own captures.
 */
export async function POST(req: MedusaRequest, res: MedusaResponse): Promise<void> {
  const orderId = pathId(req, "order")
  const orderService = req.scope.resolve<OrderService>("orderService")
  const manager = req.scope.resolve<EntityManager>("manager")
  // A missing order is core's 404; a canceled one is refused as core does, with a code.
  const order = await orderService.retrieve(orderId, { select: ["id", "status"] })
  if (order.status === "canceled") {
    throw new MedusaError(MedusaError.Types.NOT_ALLOWED, "A canceled order cannot capture payment", "order_canceled")
  }
  const ours = await ledger(req).captures.captureRestOfOrder(orderId, adminActor(req))

  await manager.transaction((tm) => orderService.withTransaction(tm).capturePayment(orderId))
  if (ours.some((c) => c.status !== "succeeded")) {
    await manager.query(
      `UPDATE "order" SET payment_status = 'requires_action', updated_at = now() WHERE id = $1 AND payment_status <> 'canceled'`,
      [orderId]
    )
  }
  const withTotals = await orderService.retrieveWithTotals(orderId, req.retrieveConfig, { includes: req.includes })
  res.json({ order: cleanResponseData(withTotals, []) })
}
