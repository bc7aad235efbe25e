/** The routes of one payment: its captures (taking and listing) and releasing what is left of it. */
import * as O from "./oracle"
import type { RealPayment, World } from "./world"
import { captureBody, releaseBody } from "./fields"
import { ACCEPTED, echoes, type RouteDef } from "./route-def"

type Json = Record<string, any> // eslint-disable-line @typescript-eslint/no-explicit-any

export function paymentRoutes(w: World): RouteDef[] {
  return [
    {
      name: "POST /admin/payments/:id/captures",
      method: "POST",
      admin: true,
      target: "payment",
      path: (s) => `/admin/payments/${s}/captures`,
      query: "ignored",
      body: captureBody,
      idempotency: true,
      outcome: (g) => {
        const p = g.target?.payment as RealPayment
        return {
          business: [
            {
              what: `payment ${p.id} (${p.state}) refuses`,
              names: O.names(
                p.id,
                "amount",
                "currency_code",
                "Idempotency-Key",
                "declined",
                "refused by the gateway",
                // Mollie takes 1 kB of metadata with the plugin's own keys: less than the plugin's own 1024 bytes.
                ...(p.provider === "mollie" ? ["metadata"] : [])
              ),
            },
          ],
          // A gateway's decline of a valid request is recorded as a failed capture and answered 422 (docs/api.md, "Errors every route can give").
          declineAllowed: true,
          mutates: true,
          accepted: (b) => {
            const c = b?.capture
            const out: string[] = []
            if (c?.payment_id !== p.id) out.push(`capture.payment_id ${O.describe(c?.payment_id)} ≠ ${p.id}`)
            if (!ACCEPTED.includes(c?.status)) out.push(`capture.status ${O.describe(c?.status)}`)
            if (typeof g.body?.amount === "number" && c?.amount !== g.body.amount) out.push(`asked to capture ${g.body.amount}, captured ${O.describe(c?.amount)}`)
            return [...out, ...echoes(g.body, c, ["description", "reference", "reference_origin"]), ...O.sameMetadata(g.body?.metadata, c?.metadata)]
          },
        }
      },
    },
    {
      name: "GET /admin/payments/:id/captures",
      method: "GET",
      admin: true,
      target: "payment",
      path: (s) => `/admin/payments/${s}/captures`,
      query: "ignored",
      idempotency: false,
      outcome: (g) => ({
        accepted: (b) => {
          const id = g.target?.raw
          const out: string[] = []
          if (!Array.isArray(b?.captures)) return ["no captures array"]
          if (b.captures.some((c: Json) => c.payment_id !== id)) out.push(`a capture of another payment than ${id}`)
          if (b.count !== b.captures.length) out.push(`count ${b.count} ≠ ${b.captures.length} captures`)
          if (typeof b?.totals?.authorized !== "number") out.push("no totals")
          return out
        },
      }),
    },
    {
      name: "POST /admin/payments/:id/release",
      method: "POST",
      admin: true,
      target: "payment",
      path: (s) => `/admin/payments/${s}/release`,
      query: "ignored",
      body: releaseBody,
      idempotency: false,
      outcome: (g) => {
        const p = g.target?.payment as RealPayment
        return {
          business: [
            {
              what: `payment ${p.id} (${p.state}) cannot be released`,
              names: O.names(p.id, "nothing_captured", "capture_in_flight", "refused by the gateway"),
            },
          ],
          mutates: true,
          accepted: (b) => {
            const out: string[] = []
            if (b?.payment_id !== p.id) out.push(`payment_id ${O.describe(b?.payment_id)} ≠ ${p.id}`)
            if (!Number.isSafeInteger(b?.released) || b.released < 0) out.push(`released ${O.describe(b?.released)}`)
            if (b?.totals?.capturable !== 0) out.push(`capturable after a release: ${O.describe(b?.totals?.capturable)}`)
            return out
          },
        }
      },
    },
  ]
}
