import type { MedusaRequest, MedusaResponse } from "@medusajs/medusa"
import { adminActor, captureService, pathId, requireParsedBody } from "../../../request-context"
import { serializeCapture } from "../../../serializers"
import { expandQuery, parse, updateCaptureBody } from "../../../validators"

/** GET /admin/captures/:id?expand=refunds,events */
export async function GET(req: MedusaRequest, res: MedusaResponse): Promise<void> {
  const id = pathId(req, "capture")
  const { expand } = parse(expandQuery, req.query, "query")
  const capture = await captureService(req).retrieve(id, ["refunds", ...expand])
  res.json({ capture: serializeCapture(capture, expand) })
}

/** POST /admin/captures/:id — metadata (merged; "" removes a key, null clears), reference, reference_origin. */
export async function POST(req: MedusaRequest, res: MedusaResponse): Promise<void> {
  const id = pathId(req, "capture")
  requireParsedBody(req)
  const body = parse(updateCaptureBody, req.body, "body")
  const service = captureService(req)
  await service.update(id, body, adminActor(req))
  res.json({ capture: serializeCapture(await service.retrieve(id, ["refunds"])) })
}
