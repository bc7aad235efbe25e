import type { MedusaRequest, MedusaResponse } from "@medusajs/medusa"
import { ledger, pathId } from "../../../../request-context"
import { serializeCapture, serializeTotals } from "../../../../serializers"

/** GET /admin/orders/:id/captures — the order's captures and totals, per payment and in all. */
export async function GET(req: MedusaRequest, res: MedusaResponse): Promise<void> {
  const id = pathId(req, "order")
  const summary = await ledger(req).reads.summaryForOrder(id)
  const currency = summary.payments[0]?.currency_code ?? null
  res.json({
    order_id: id,
    captures: summary.captures.map((c) => serializeCapture(c, ["refunds"])),
    payments: summary.payments.map((p) => ({ ...p, totals: serializeTotals(p.totals, p.currency_code) })),
    totals: serializeTotals(summary.totals, currency),
  })
}
