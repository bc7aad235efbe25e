import type { MedusaRequest, MedusaResponse } from "@medusajs/medusa"
import { captureService } from "../../request-context"
import { serializeCapture } from "../../serializers"
import { listCapturesQuery, parse } from "../../validators"

/**
 * GET /admin/captures — filter by payment_id, order_id, provider_id, status
 * (comma-separated), created_at[gt|gte|lt|lte]; paginate with limit/offset.
 */
export async function GET(req: MedusaRequest, res: MedusaResponse): Promise<void> {
  const { limit, offset, expand, ...filters } = parse(listCapturesQuery, req.query, "query")
  const [captures, count] = await captureService(req).list(filters, { limit, offset }, ["refunds", ...expand])
  res.json({ captures: captures.map((c) => serializeCapture(c, expand)), count, limit, offset })
}
