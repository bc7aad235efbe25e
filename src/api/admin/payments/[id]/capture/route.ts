import type { MedusaRequest, MedusaResponse } from "@medusajs/medusa"
import type PaymentService from "@medusajs/medusa/dist/services/payment"
import { MedusaError } from "@medusajs/utils"
import { adminActor, ledger, pathId } from "../../../../request-context"

/**
 * POST /admin/payments/:id/capture — Medusa's own "capture this payment"
 * (used for an order edit's payment collection), taking the place of core's
 * route for the same reason as POST /admin/orders/:id/capture: Medusa counts
 * a payment as captured from its first partial capture on, and core's
 * capture returns such a payment untouched. The ledger captures the rest of
 * it (never more than the order owes); a payment with nothing captured yet is
 * captured by core, through our processor, as before. The answer is core's:
 * `{ payment }`. A capture the gateway declined is refused with 422; one
 * whose outcome is pending or unknown answers the payment as it stands (the
 * capture settles later, in the ledger and in Medusa's payment).
 */
export async function POST(req: MedusaRequest, res: MedusaResponse): Promise<void> {
  const paymentId = pathId(req, "payment")
  const paymentService = req.scope.resolve<PaymentService>("paymentService")
  await paymentService.retrieve(paymentId, { select: ["id"] }) // core's 404
  const ours = await ledger(req).captures.captureRestOfPayment(paymentId, adminActor(req))
  if (ours?.status === "failed") {
    throw new MedusaError(
      MedusaError.Types.PAYMENT_AUTHORIZATION_ERROR,
      `The gateway declined capture ${ours.id} of the rest of payment ${paymentId}: ${ours.message ?? "no reason given"}`,
      "capture_declined"
    )
  }
  const payment = await paymentService.capture(paymentId)
  res.status(200).json({ payment })
}
