/** Reconciliation, of one capture and of everything unclear. */
import * as O from "./oracle"
import type { World } from "./world"
import { reconcileBody } from "./fields"
import type { RouteDef } from "./route-def"

export function reconcileRoutes(w: World): RouteDef[] {
  return [
    {
      name: "POST /admin/captures/:id/reconcile",
      method: "POST",
      admin: true,
      target: "capture",
      path: (s) => `/admin/captures/${s}/reconcile`,
      query: "ignored",
      idempotency: false,
      // Every capture of this suite is settled: reconciling one changes nothing.
      outcome: (g) => ({
        business: [{ what: `capture ${g.target?.raw} cannot be reconciled`, names: O.names(g.target?.raw ?? "") }],
        accepted: (b) => (b?.capture?.id === g.target?.raw ? [] : [`capture.id ${O.describe(b?.capture?.id)}`]),
      }),
    },
    {
      name: "POST /admin/captures/reconcile",
      method: "POST",
      admin: true,
      path: () => `/admin/captures/reconcile`,
      query: "ignored",
      body: reconcileBody,
      idempotency: false,
      // Nothing of this suite's payments is in flight: a run changes none of them.
      outcome: () => ({
        accepted: (b) =>
          ["captures", "refunds", "recorded", "errors"].filter((k) => !Array.isArray(b?.[k])).map((k) => `no ${k} array in the report`),
      }),
    },
  ]
}
