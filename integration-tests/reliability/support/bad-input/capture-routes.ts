/** The routes of the captures themselves: listing, reading, updating and retrying one. */
import * as O from "./oracle"
import type { RealCapture, World } from "./world"
import { updateBody } from "./fields"
import { echoes, type RouteDef } from "./route-def"

type Json = Record<string, any> // eslint-disable-line @typescript-eslint/no-explicit-any

export function captureRoutes(w: World): RouteDef[] {
  return [
    {
      name: "GET /admin/captures",
      method: "GET",
      admin: true,
      path: () => `/admin/captures`,
      query: "list",
      idempotency: false,
      outcome: (g) => ({
        accepted: (b) => {
          const q = g.list as O.ListQuery
          const out: string[] = []
          if (!Array.isArray(b?.captures)) return ["no captures array"]
          if (b.captures.length > q.limit) out.push(`${b.captures.length} captures for limit ${q.limit}`)
          if (b.limit !== q.limit) out.push(`limit ${b.limit} ≠ ${q.limit}`)
          if (typeof b.count !== "number" || b.count < b.captures.length) out.push(`count ${b.count}`)
          if (typeof b.count_capped !== "boolean") out.push(`count_capped ${b.count_capped}`)
          for (const c of b.captures as Json[]) {
            if (q.payment_id !== undefined && c.payment_id !== q.payment_id) out.push(`capture ${c.id} of payment ${c.payment_id}, filter ${q.payment_id}`)
            if (q.order_id !== undefined && c.order_id !== q.order_id) out.push(`capture ${c.id} of order ${c.order_id}, filter ${q.order_id}`)
            if (q.provider_id !== undefined && c.provider_id !== q.provider_id) out.push(`capture ${c.id} of ${c.provider_id}, filter ${q.provider_id}`)
            if (q.statuses && !q.statuses.includes(c.status)) out.push(`capture ${c.id} is ${c.status}, filter ${q.statuses}`)
            if (q.expand.includes("events") && !Array.isArray(c.events)) out.push(`capture ${c.id} without its events`)
          }
          return out
        },
      }),
    },
    {
      name: "GET /admin/captures/:id",
      method: "GET",
      admin: true,
      target: "capture",
      path: (s) => `/admin/captures/${s}`,
      query: "expand",
      idempotency: false,
      outcome: (g) => ({
        accepted: (b) => {
          const out: string[] = []
          if (b?.capture?.id !== g.target?.raw) out.push(`capture.id ${O.describe(b?.capture?.id)}`)
          const expand = O.checkExpand({ reject: [], maybe: [] }, g.query.expand)
          for (const e of expand) if (!Array.isArray(b?.capture?.[e])) out.push(`expand=${e} but no ${e}`)
          return out
        },
      }),
    },
    {
      name: "POST /admin/captures/:id",
      method: "POST",
      admin: true,
      target: "capture",
      path: (s) => `/admin/captures/${s}`,
      query: "ignored",
      body: updateBody,
      idempotency: false,
      outcome: (g) => ({
        business: [{ what: "the merged metadata is too big", names: O.names(g.target?.raw ?? "", "metadata") }],
        mutates: true,
        accepted: (b) => {
          const out: string[] = []
          if (b?.capture?.id !== g.target?.raw) out.push(`capture.id ${O.describe(b?.capture?.id)}`)
          return [...out, ...echoes(g.body, b?.capture, ["reference", "reference_origin"]), ...O.mergedMetadata(g.body?.metadata, b?.capture?.metadata)]
        },
      }),
    },
    {
      name: "POST /admin/captures/:id/retry",
      method: "POST",
      admin: true,
      target: "capture",
      path: (s) => `/admin/captures/${s}/retry`,
      query: "ignored",
      idempotency: true,
      outcome: (g) => {
        const cap = g.target?.capture as RealCapture
        return {
          business: [{ what: `capture ${cap.id} (${cap.state}) cannot be retried`, names: O.names(cap.id, cap.paymentId, "Idempotency-Key", "declined", "refused by the gateway") }],
          declineAllowed: true,
          mutates: true,
          accepted: (b) => (b?.capture?.payment_id === cap.paymentId ? [] : [`capture.payment_id ${O.describe(b?.capture?.payment_id)}`]),
        }
      },
    },
  ]
}
