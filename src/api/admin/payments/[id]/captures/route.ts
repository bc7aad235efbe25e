import type { MedusaRequest, MedusaResponse } from "@medusajs/medusa"
import { ledgerErrors } from "../../../../../services/ledger/errors"
import { adminActor, ledger, idempotencyKey, pathId, requireParsedBody } from "../../../../request-context"
import { serializeCapture, serializeTotals } from "../../../../serializers"
import { createCaptureBody, parse } from "../../../../validators"

/** GET /admin/payments/:id/captures — the payment's captures (with refunds) and its totals. */
export async function GET(req: MedusaRequest, res: MedusaResponse): Promise<void> {
  const id = pathId(req, "payment")
  const { reads } = ledger(req)
  const captures = await reads.listForPayment(id)
  const totals = await reads.totalsForPayment(id)
  res.json({
    captures: captures.map((c) => serializeCapture(c, ["refunds"])),
    count: captures.length,
    totals: serializeTotals(totals, captures[0]?.currency_code ?? null),
  })
}

/**
 * POST /admin/payments/:id/captures — capture part (`amount`) or all the rest
 * of an authorization. 201 with the capture when the gateway answered, 202
 * when its answer was lost (the capture is reconciled later), 422 when it
 * declined. The same Idempotency-Key and body replays the first answer.
 */
export async function POST(req: MedusaRequest, res: MedusaResponse): Promise<void> {
  const paymentId = pathId(req, "payment")
  requireParsedBody(req)
  const body = parse(createCaptureBody, req.body, "body")
  const key = idempotencyKey(req)
  const { capture, replayed } = await ledger(req).captures.createCapture({
    payment_id: paymentId,
    ...body,
    idempotency_key: key,
    actor: adminActor(req),
  })
  if (replayed) res.setHeader("Idempotent-Replayed", "true")
  if (capture.status === "failed") throw ledgerErrors.declined(capture)
  res.status(capture.status === "requested" ? 202 : 201).json({ capture: serializeCapture(capture) })
}
