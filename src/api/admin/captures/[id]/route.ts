import type { MedusaRequest, MedusaResponse } from "@medusajs/medusa"
import { adminActor, ledger, pathId, requireParsedBody } from "../../../request-context"
import { serializeCapture } from "../../../serializers"
import { expandQuery, parse, updateCaptureBody } from "../../../validators"

/** GET /admin/captures/:id?expand=refunds,events */
export async function GET(req: MedusaRequest, res: MedusaResponse): Promise<void> {
  const id = pathId(req, "capture")
  const { expand } = parse(expandQuery, req.query, "query")
  const capture = await ledger(req).reads.retrieve(id, ["refunds", ...expand])
  res.json({ capture: serializeCapture(capture, expand) })
}

/** POST /admin/captures/:id — metadata (merged; "" removes a key, null clears), reference, reference_origin. */
export async function POST(req: MedusaRequest, res: MedusaResponse): Promise<void> {
  const id = pathId(req, "capture")
  requireParsedBody(req)
  const body = parse(updateCaptureBody, req.body, "body")
  const { annotations, reads } = ledger(req)
  await annotations.update(id, body, adminActor(req))
  res.json({ capture: serializeCapture(await reads.retrieve(id, ["refunds"])) })
}
