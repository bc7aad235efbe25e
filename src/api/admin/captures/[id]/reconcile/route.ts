import type { MedusaRequest, MedusaResponse } from "@medusajs/medusa"
import { adminActor, ledger, pathId, requireParsedBody } from "../../../../request-context"
import { serializeCapture } from "../../../../serializers"

/**
 * POST /admin/captures/:id/reconcile — ask the gateway where this capture
 * stands (by its gateway id, or by the idempotency key when the answer was
 * lost) and settle it. Settled captures come back unchanged.
 */
export async function POST(req: MedusaRequest, res: MedusaResponse): Promise<void> {
  const id = pathId(req, "capture")
  requireParsedBody(req)
  const { reconciliation, reads } = ledger(req)
  await reconciliation.reconcileCapture(id, adminActor(req))
  res.json({ capture: serializeCapture(await reads.retrieve(id, ["refunds", "events"]), ["refunds", "events"]) })
}
