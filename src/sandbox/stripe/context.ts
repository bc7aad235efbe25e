/** What a `/v1` handler gets: the store, the parameters, the caller's mode and the request's ids. */
import type { ApiResponse } from "../common/http"
import type { Params } from "./form"
import type { Mode, StripeSandboxState } from "./state"

/** The API request that causes an event (`event.request`); null for Stripe's own changes (expiry, settling). */
export type RequestRef = { id: string; idempotencyKey: string | null } | null

export type RouteContext = {
  state: StripeSandboxState
  /** The form body of a POST, the query string of a GET. */
  params: Params
  /** Path parameters, e.g. `{ id: "pi_…" }`. */
  path: Record<string, string>
  /** From the API key's prefix; objects of the other mode do not exist for this request. */
  mode: Mode
  /** This simulator's base URL as the client addressed it (for `next_action` URLs). */
  base: string
  request: RequestRef
  /** The API version the request is answered in (its `Stripe-Version`, else the account default). */
  version: string
  /** Simulated unix seconds. */
  now: number
}

export type Handler = (ctx: RouteContext) => ApiResponse
