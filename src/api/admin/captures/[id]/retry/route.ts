import type { MedusaRequest, MedusaResponse } from "@medusajs/medusa"
import { ledgerErrors } from "../../../../../services/ledger/errors"
import { adminActor, ledger, idempotencyKey, pathId, requireParsedBody } from "../../../../request-context"
import { serializeCapture } from "../../../../serializers"

/**
 * POST /admin/captures/:id/retry — capture again what a failed capture (e.g.
 * a declined automatic capture on fulfillment) did not. Answers like capture
 * creation: 201, 202 when the gateway's answer was lost, 422 when declined.
 */
export async function POST(req: MedusaRequest, res: MedusaResponse): Promise<void> {
  const id = pathId(req, "capture")
  requireParsedBody(req)
  const { capture, replayed } = await ledger(req).captures.retryCapture(id, adminActor(req), idempotencyKey(req))
  if (replayed) res.setHeader("Idempotent-Replayed", "true")
  if (capture.status === "failed") throw ledgerErrors.declined(capture)
  res.status(capture.status === "requested" ? 202 : 201).json({ capture: serializeCapture(capture) })
}
