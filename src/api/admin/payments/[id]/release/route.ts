import type { MedusaRequest, MedusaResponse } from "@medusajs/medusa"
import { adminActor, ledger, pathId, requireParsedBody } from "../../../../request-context"
import { serializeTotals } from "../../../../serializers"
import { parse, releaseBody } from "../../../../validators"

/**
 * POST /admin/payments/:id/release — release what is left of the
 * authorization once something was captured: the gateway lets go of it,
 * nothing more can be captured, and Medusa's payment then shows what was
 * captured as its amount (its paid total and refundable amount follow).
 * Releasing again answers the same totals with `released: 0`.
 */
export async function POST(req: MedusaRequest, res: MedusaResponse): Promise<void> {
  const paymentId = pathId(req, "payment")
  requireParsedBody(req)
  parse(releaseBody, req.body ?? {}, "body")
  const { released, totals, currency_code } = await ledger(req).authorizations.releaseAuthorization(paymentId, adminActor(req))
  res.json({ payment_id: paymentId, released, totals: serializeTotals(totals, currency_code) })
}
