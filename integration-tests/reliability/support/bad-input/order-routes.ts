/** An order's captures and totals. */
import * as O from "./oracle"
import type { World } from "./world"
import type { RouteDef } from "./route-def"

export function orderRoutes(w: World): RouteDef[] {
  return [
    {
      name: "GET /admin/orders/:id/captures",
      method: "GET",
      admin: true,
      target: "order",
      path: (s) => `/admin/orders/${s}/captures`,
      query: "ignored",
      idempotency: false,
      outcome: (g) => ({
        accepted: (b) => {
          const out: string[] = []
          if (b?.order_id !== g.target?.raw) out.push(`order_id ${O.describe(b?.order_id)}`)
          if (!Array.isArray(b?.captures) || !Array.isArray(b?.payments)) out.push("no captures or payments")
          if (typeof b?.totals?.authorized !== "number") out.push("no totals")
          return out
        },
      }),
    },
  ]
}
