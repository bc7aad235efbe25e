import type { MedusaRequest, MedusaResponse } from "@medusajs/medusa"
import { ledger } from "../../request-context"
import { serializeCapture } from "../../serializers"
import { listCapturesQuery, parse } from "../../validators"

/**
 * GET /admin/captures — filter by payment_id, order_id, provider_id, status
 * (comma-separated), created_at[gt|gte|lt|lte]; paginate with limit/offset.
 * `count` is exact up to the plugin's `listCountCap` (10,000 by default);
 * beyond it `count` is the cap and `count_capped` is true, since counting a
 * million matches exactly would cost more than the page itself.
 */
export async function GET(req: MedusaRequest, res: MedusaResponse): Promise<void> {
  const { limit, offset, expand, ...filters } = parse(listCapturesQuery, req.query, "query")
  const { captures, count, count_capped } = await ledger(req).reads.list(filters, { limit, offset }, ["refunds", ...expand])
  res.json({ captures: captures.map((c) => serializeCapture(c, expand)), count, count_capped, limit, offset })
}
