/** The gateways' webhooks (no admin credentials). */
import * as O from "./oracle"
import type { World } from "./world"
import { webhookBody } from "./fields"
import type { RouteDef } from "./route-def"
import { namesStoreIntent, stripeEventBody } from "./stripe-event-body"

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
    {
      name: "POST /hooks/captures/stripe",
      method: "POST",
      admin: false,
      path: () => `/hooks/captures/stripe`,
      query: "ignored",
      body: stripeEventBody(w),
      idempotency: false,
      signed: true,
      // A signed event about this store's intent syncs it with Stripe (which may settle what is
      // unclear); every other signed event answers 200 and changes nothing.
      outcome: (g) => ({
        mutates: namesStoreIntent(w, g.body),
        accepted: (b) => (b?.received === true ? [] : [`answer ${O.describe(b)}`]),
      }),
    },
  ]
}
