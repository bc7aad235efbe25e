/**
 * The `/v1` pipeline of the Stripe simulator: authentication, version, routing, parameters,
 * idempotency, dispatch. Synchronous from the idempotency lookup to storing the result, so a
 * replay can never race the original.
 *
 * Idempotency (https://docs.stripe.com/api/idempotent_requests): POST only; keys up to 255
 * characters, scoped to the account and mode, kept 24 hours (on the simulated clock). Same key,
 * same endpoint and parameters → the first answer again, with `Idempotent-Replayed: true`;
 * another endpoint or other parameters → 400 `idempotency_error`. "We save results only after the
 * execution of an endpoint begins": errors found while reading the request are not saved, every
 * answer of an executing endpoint is (4xx and 5xx included).
 */
import { canonicalJson, type ApiResponse } from "../common/http"
import { authenticate, requestedVersion } from "./auth"
import type { RouteContext } from "./context"
import { badParam, StripeApiError } from "./errors"
import { Params, parseForm, type FormNode } from "./form"
import { requestId } from "./ids"
import { expireAuthorizations } from "./release"
import { matchRoute } from "./routes"
import type { Mode, StripeSandboxState } from "./state"

export type ApiRequest = {
  method: string
  url: URL
  authorization?: string
  idempotencyKey?: string
  stripeVersion?: string
  contentType?: string
  rawBody: string
  /** Absolute base URL of this simulator as the client addressed it. */
  base: string
  /** Set when this request marked its idempotency key as in flight (see server.ts). */
  inFlightOwner?: symbol
}

export const IDEMPOTENCY_WINDOW_MS = 24 * 60 * 60 * 1000
export const MAX_IDEMPOTENCY_KEY_LENGTH = 255

export const idempotencyRecordKey = (mode: Mode, key: string): string => `${mode}:${key}`

function parseParams(req: ApiRequest): FormNode {
  if (req.method !== "POST") return parseForm(req.url.search)
  if (req.rawBody.trim() === "") return parseForm("")
  if (!req.contentType?.toLowerCase().includes("application/x-www-form-urlencoded")) {
    throw badParam("Stripe's API takes application/x-www-form-urlencoded request bodies.", undefined)
  }
  return parseForm(req.rawBody)
}

const idempotencyError = (message: string): StripeApiError => new StripeApiError(400, "idempotency_error", message, {}, "validation")

export function handleApiRequest(state: StripeSandboxState, req: ApiRequest): ApiResponse {
  const reqId = requestId()
  let version = state.config.apiVersion
  const headers = (): Record<string, string> => {
    const out: Record<string, string> = { "Request-Id": reqId, "Stripe-Version": version }
    if (req.method === "POST" && req.idempotencyKey) out["Idempotency-Key"] = req.idempotencyKey
    return out
  }
  try {
    // Authorizations past capture_before end before anything reads them.
    expireAuthorizations(state)
    const mode = authenticate(req.authorization, state.allowedKeys)
    version = requestedVersion(req.stripeVersion) ?? version
    const matched = matchRoute(req.method, req.url.pathname)
    const values = parseParams(req)
    const key = req.method === "POST" ? req.idempotencyKey?.trim() || undefined : undefined
    const execute = (): { response: ApiResponse; store: boolean } => {
      const ctx: RouteContext = {
        state,
        params: new Params(values),
        path: matched.params,
        mode,
        base: req.base,
        request: { id: reqId, idempotencyKey: key ?? null },
        version,
        now: state.clock.nowSeconds(),
      }
      try {
        const response = matched.handler(ctx)
        return { response: { ...response, headers: { ...response.headers, ...headers() } }, store: true }
      } catch (err) {
        if (!(err instanceof StripeApiError)) throw err
        return { response: err.toResponse(headers()), store: err.phase === "execution" }
      }
    }
    if (!key) return execute().response

    if (key.length > MAX_IDEMPOTENCY_KEY_LENGTH) {
      throw badParam(`Idempotency keys can be at most ${MAX_IDEMPOTENCY_KEY_LENGTH} characters long.`, "Idempotency-Key")
    }
    const recordKey = idempotencyRecordKey(mode, key)
    const now = state.clock.nowMs()
    let existing = state.idempotency.get(recordKey)
    if (existing && now - existing.createdMs > IDEMPOTENCY_WINDOW_MS) {
      state.idempotency.delete(recordKey)
      existing = undefined
    }
    const endpoint = `${req.method} ${req.url.pathname}`
    const fingerprint = canonicalJson(values)
    if (existing) {
      const retry = `Try using a key other than '${key}' if you meant to execute a different request.`
      if (existing.endpoint !== endpoint) {
        throw idempotencyError(`Keys for idempotent requests can only be used for the same endpoint they were first used for ('${existing.endpoint}' vs '${endpoint}'). ${retry}`)
      }
      if (existing.fingerprint !== fingerprint) {
        throw idempotencyError(`Keys for idempotent requests can only be used with the same parameters they were first used with. ${retry}`)
      }
      return {
        status: existing.status,
        body: existing.body,
        headers: { ...headers(), "Idempotent-Replayed": "true", "Original-Request": existing.requestId },
      }
    }
    const owner = state.inFlight.get(recordKey)
    if (owner !== undefined && owner !== req.inFlightOwner) {
      throw new StripeApiError(
        409,
        "idempotency_error",
        "The idempotency key provided is currently being used in another request. This occurs if your integration is making duplicate requests simultaneously.",
        { code: "idempotency_key_in_use" },
        "validation"
      )
    }
    const { response, store } = execute()
    if (store) {
      state.idempotency.set(recordKey, { fingerprint, endpoint, status: response.status, body: response.body, requestId: reqId, createdMs: now })
    }
    return response
  } catch (err) {
    if (err instanceof StripeApiError) return err.toResponse(headers())
    throw err
  }
}
