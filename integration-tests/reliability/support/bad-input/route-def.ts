/** What a route is to the suite: its method, path, inputs and what a request with nothing wrong must get. */
import * as O from "./oracle"
import type { Expectation } from "./oracle"
import type { World } from "./world"
import type { Kind, Target } from "./targets"
import type { BodySpec } from "./bodies"

type Json = Record<string, any> // eslint-disable-line @typescript-eslint/no-explicit-any

type Given = {
  target?: Target
  body?: Record<string, unknown>
  query: Record<string, unknown>
  list?: O.ListQuery
  idempotencyKey?: string
}

export type RouteDef = {
  name: string
  method: "GET" | "POST"
  admin: boolean
  target?: Kind
  path: (segment: string) => string
  /** How the route reads its query string: strictly (GET /admin/captures, GET /admin/captures/:id) or not at all. */
  query: "list" | "expand" | "ignored"
  body?: BodySpec
  idempotency: boolean
  /** Stripe's webhook: the request carries a Stripe-Signature over its bytes (signatures.ts), valid or not. */
  signed?: boolean
  /** For a request with nothing wrong: what its target's state may refuse, whether it writes, what an answer must say. */
  outcome: (g: Given, w: World) => Partial<Expectation>
}

export const ACCEPTED = ["requested", "pending", "succeeded"]

/** The strings sent in these fields come back unchanged (when PostgreSQL can store them). */
export function echoes(sent: Record<string, unknown> | undefined, got: Json | undefined, fields: string[]): string[] {
  const out: string[] = []
  for (const f of fields) {
    const v = sent?.[f]
    if (v === undefined) continue
    if (typeof v === "string" && /[\u0000\ud800-\udfff]/.test(v)) continue
    if (got?.[f] !== v) out.push(`${f}: sent ${O.describe(v)}, answered ${O.describe(got?.[f])}`)
  }
  return out
}
