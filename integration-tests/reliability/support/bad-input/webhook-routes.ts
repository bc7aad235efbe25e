/** The gateways' webhooks (no admin credentials). */
import * as O from "./oracle"
import type { World } from "./world"
import { webhookBody } from "./fields"
import type { RouteDef } from "./route-def"

export function webhookRoutes(w: World): RouteDef[] {
  return [
    {
      name: "POST /hooks/captures/mollie",
      method: "POST",
      admin: false,
      path: () => `/hooks/captures/mollie`,
      query: "ignored",
      body: webhookBody(w),
      idempotency: false,
      // Only this store's Mollie payment is known: a webhook for it records the call and syncs;
      // any other well-formed id answers 200 and changes nothing.
      outcome: (g) => ({
        mutates: typeof g.body?.id === "string" && g.body.id.trim() === w.mollieRef,
        accepted: (b) => (b?.received === true ? [] : [`answer ${O.describe(b)}`]),
      }),
    },
  ]
}
