/**
 * The `/v2/*` pipeline of the Mollie simulator: authentication, routing, idempotency,
 * dispatch. Synchronous from the idempotency lookup to storing the result, so a replay can
 * never race the original.
 */
import { createHash } from "node:crypto"
import { canonicalJson, type ApiResponse } from "../common/http"
import { HAL_JSON, MollieApiError, badRequest } from "./errors"
import { matchRoute } from "./routes"
import type { Mode, MollieSandboxState } from "./state"
import { parseBody } from "./validate"

export type ApiRequest = {
  method: string
  url: URL
  authorization?: string
  idempotencyKey?: string
  contentType?: string
  rawBody: string
  /** Absolute base URL for `_links`. */
  base: string
  /** Set when this request marked its idempotency key as in flight (see server.ts). */
  inFlightOwner?: symbol
}

const API_KEY = /^Bearer\s+((test|live)_\S+)\s*$/

/** Mollie keeps idempotency keys for 24 hours (docs/gateways/mollie.md#idempotency). */
export const IDEMPOTENCY_WINDOW_MS = 24 * 60 * 60 * 1000

export type Auth = { mode: Mode; scope: string }

/**
 * `test_…` / `live_…` keys (docs/gateways/mollie.md#authentication). The scope keys idempotency records per API key; it is a hash,
 * so the key itself is never stored.
 */
export function authenticate(authorization: string | undefined, allowed?: ReadonlySet<string>): Auth | undefined {
  const match = authorization ? API_KEY.exec(authorization) : null
  if (!match) return undefined
  const scope = hashApiKey(match[1])
  if (allowed && !allowed.has(scope)) return undefined
  return { mode: match[2] as Mode, scope }
}

/** What the simulator keeps of an API key: enough to tell keys apart, never the key. */
export const hashApiKey = (apiKey: string): string => createHash("sha256").update(apiKey).digest("hex").slice(0, 16)

export const idempotencyRecordKey = (auth: Auth, key: string): string => `${auth.scope}:${key}`

export function handleApiRequest(state: MollieSandboxState, req: ApiRequest): ApiResponse {
  try {
    const auth = authenticate(req.authorization, state.allowedKeys)
    if (!auth) throw new MollieApiError(401, "Missing authentication, or failed to authenticate")
    const matched = matchRoute(req.method, req.url.pathname)
    const now = Date.now()
    const body = matched.method === "POST" ? parseBody(req.rawBody, req.contentType) : {}
    const run = (): ApiResponse => {
      try {
        return matched.handler({ state, params: matched.params, body, query: req.url.searchParams, mode: auth.mode, base: req.base, now })
      } catch (err) {
        if (err instanceof MollieApiError) return err.toResponse()
        throw err
      }
    }

    // Keys on GET/PATCH/DELETE "will always be ignored"; the header is optional on POST
    // (docs/gateways/mollie.md#idempotency).
    const key = req.idempotencyKey?.trim()
    if (matched.method !== "POST" || !key) return run()

    const recordKey = idempotencyRecordKey(auth, key)
    const fingerprint = `${req.method} ${req.url.pathname}\n${canonicalJson(body)}`
    let existing = state.idempotency.get(recordKey)
    if (existing && now - existing.createdAt > IDEMPOTENCY_WINDOW_MS) {
      state.idempotency.delete(recordKey)
      existing = undefined
    }
    if (existing) {
      if (existing.fingerprint !== fingerprint) {
        throw badRequest("The idempotency key was already used for a different request (another endpoint or other parameters).")
      }
      return { status: existing.status, body: existing.body, headers: { "Idempotent-Replayed": "true" }, contentType: HAL_JSON }
    }
    const owner = state.inFlight.get(recordKey)
    if (owner !== undefined && owner !== req.inFlightOwner) {
      throw new MollieApiError(409, "A request with this idempotency key is still being processed. Try again later with the same key.")
    }

    const response = run()
    // Only results of an operation are replayed; a refused request may be corrected and resent.
    if (response.status >= 200 && response.status < 300) {
      state.idempotency.set(recordKey, { fingerprint, status: response.status, body: response.body, createdAt: now })
    }
    return response
  } catch (err) {
    if (err instanceof MollieApiError) return err.toResponse()
    throw err
  }
}
