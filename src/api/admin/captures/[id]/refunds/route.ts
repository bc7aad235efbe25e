import type { MedusaRequest, MedusaResponse } from "@medusajs/medusa"
import { ledgerErrors } from "../../../../../services/ledger/errors"
import { adminActor, ledger, idempotencyKey, pathId, requireParsedBody } from "../../../../request-context"
import { serializeCapture, serializeRefund } from "../../../../serializers"
import { parse, refundCaptureBody } from "../../../../validators"

/** GET /admin/captures/:id/refunds */
export async function GET(req: MedusaRequest, res: MedusaResponse): Promise<void> {
  const id = pathId(req, "capture")
  const capture = await ledger(req).reads.retrieve(id, ["refunds"])
  res.json({ refunds: (capture.refunds ?? []).map(serializeRefund), count: capture.refunds?.length ?? 0 })
}

/**
 * POST /admin/captures/:id/refunds — refund part (`amount`) or all of the
 * capture's refund balance. Answers like capture creation: 201, 202 when the
 * gateway's answer was lost, 422 when it declined.
 */
export async function POST(req: MedusaRequest, res: MedusaResponse): Promise<void> {
  const id = pathId(req, "capture")
  requireParsedBody(req)
  const body = parse(refundCaptureBody, req.body, "body")
  const key = idempotencyKey(req)
  const { refunds, reads } = ledger(req)
  const { refund, replayed } = await refunds.refundCapture(id, {
    ...body,
    idempotency_key: key,
    actor: adminActor(req),
  })
  if (replayed) res.setHeader("Idempotent-Replayed", "true")
  if (refund.status === "failed") throw ledgerErrors.declined(refund)
  const capture = await reads.retrieve(id, ["refunds"])
  res
    .status(refund.status === "requested" ? 202 : 201)
    .json({ refund: serializeRefund(refund), capture: serializeCapture(capture) })
}
