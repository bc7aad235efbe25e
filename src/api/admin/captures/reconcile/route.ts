import type { MedusaRequest, MedusaResponse } from "@medusajs/medusa"
import type CaptureReconcilerService from "../../../../services/capture-reconciler"
import { adminActor, requireParsedBody } from "../../../request-context"
import { parse, reconcileBody } from "../../../validators"

/**
 * POST /admin/captures/reconcile — settle every capture and refund left
 * `requested`/`pending` for at least `older_than_seconds` (default: the
 * plugin's reconcileAfterSeconds) by asking their gateways; for stores without
 * Redis, where the scheduled job does not run. Answers with what changed.
 */
export async function POST(req: MedusaRequest, res: MedusaResponse): Promise<void> {
  requireParsedBody(req)
  const body = parse(reconcileBody, req.body, "body")
  const reconciler = req.scope.resolve<CaptureReconcilerService>("captureReconcilerService")
  const report = await reconciler.reconcileStale({
    actor: adminActor(req),
    olderThanSeconds: body.older_than_seconds,
    neverReceivedAfterSeconds: body.never_received_after_seconds,
    limit: body.limit,
  })
  res.json(report)
}
