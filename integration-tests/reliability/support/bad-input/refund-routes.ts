/** A capture's refunds: listing and making them. */
import * as O from "./oracle"
import type { RealCapture, World } from "./world"
import { refundBody } from "./fields"
import { ACCEPTED, echoes, type RouteDef } from "./route-def"

type Json = Record<string, any> // eslint-disable-line @typescript-eslint/no-explicit-any

export function refundRoutes(w: World): RouteDef[] {
  return [
    {
      name: "GET /admin/captures/:id/refunds",
      method: "GET",
      admin: true,
      target: "capture",
      path: (s) => `/admin/captures/${s}/refunds`,
      query: "ignored",
      idempotency: false,
      outcome: (g) => ({
        accepted: (b) => {
          if (!Array.isArray(b?.refunds)) return ["no refunds array"]
          const out: string[] = []
          if (b.refunds.some((r: Json) => r.capture_id !== g.target?.raw)) out.push("a refund of another capture")
          if (b.count !== b.refunds.length) out.push(`count ${b.count} ≠ ${b.refunds.length}`)
          return out
        },
      }),
    },
    {
      name: "POST /admin/captures/:id/refunds",
      method: "POST",
      admin: true,
      target: "capture",
      path: (s) => `/admin/captures/${s}/refunds`,
      query: "ignored",
      body: refundBody,
      idempotency: true,
      outcome: (g) => {
        const cap = g.target?.capture as RealCapture
        return {
          business: [{ what: `capture ${cap.id} (${cap.state}) refuses`, names: O.names(cap.id, "amount", "Idempotency-Key", "declined", "refused by the gateway") }],
          // Refused at the gateway (e.g. Mollie's duplicate-refund rule): a failed refund row and a 422.
          declineAllowed: true,
          mutates: true,
          accepted: (b) => {
            const out: string[] = []
            if (b?.refund?.capture_id !== cap.id) out.push(`refund.capture_id ${O.describe(b?.refund?.capture_id)}`)
            if (!ACCEPTED.includes(b?.refund?.status)) out.push(`refund.status ${O.describe(b?.refund?.status)}`)
            if (typeof g.body?.amount === "number" && b?.refund?.amount !== g.body.amount) out.push(`asked to refund ${g.body.amount}, refunded ${O.describe(b?.refund?.amount)}`)
            return [...out, ...echoes(g.body, b?.refund, ["note"]), ...O.sameMetadata(g.body?.metadata, b?.refund?.metadata)]
          },
        }
      },
    },
  ]
}
