/**
 * The `/v1/*` pipeline: authentication, routing, idempotency, dispatch. Synchronous from the
 * idempotency lookup to storing the result, so a replay can never race the original.
 */
import { createHash } from "node:crypto"
import { ApiError, canonicalJson, invalidRequest, type ApiResponse } from "./http"
import { parseJsonObject } from "../common/json-body"
import { matchRoute } from "./routes"
import type { SandboxState } from "./state"
import { isRecord, type Body } from "./validate"

export type ApiRequest = {
  method: string
  url: URL
  authorization?: string
  idempotencyKey?: string
  rawBody: string
}

const API_KEY = /^Bearer\s+(sk_(?:test|live)_\S+)\s*$/
const MAX_IDEMPOTENCY_KEY_LENGTH = 255

/** Returns the idempotency scope of the key: a hash, so the key itself is never stored. */
function authenticate(authorization: string | undefined): string {
  const match = authorization ? API_KEY.exec(authorization) : null
  if (!match) {
    throw new ApiError(
      401,
      "authentication_error",
      "invalid_api_key",
      "Invalid API key provided. Send a secret test or live key as 'Authorization: Bearer <key>'."
    )
  }
  return createHash("sha256").update(match[1]).digest("hex").slice(0, 16)
}

function requireIdempotencyKey(key: string | undefined): string {
  if (key === undefined || key.trim() === "") {
    throw invalidRequest("parameter_missing", "Every POST needs an Idempotency-Key header.", "Idempotency-Key")
  }
  if (key.length > MAX_IDEMPOTENCY_KEY_LENGTH) {
    throw invalidRequest(
      "parameter_invalid",
      `Idempotency-Key must be at most ${MAX_IDEMPOTENCY_KEY_LENGTH} characters.`,
      "Idempotency-Key"
    )
  }
  return key
}

const parseBody = (raw: string): Body => parseJsonObject(raw, (message) => invalidRequest("invalid_json", message))

/**
 * Results worth replaying: what the operation did (2xx) and declines (402). Validation errors
 * and 404s are not stored (as at Stripe), so a corrected request may use the same key.
 */
const isStorable = (status: number): boolean => (status >= 200 && status < 300) || status === 402

export function handleApiRequest(state: SandboxState, req: ApiRequest): ApiResponse {
  try {
    const scope = authenticate(req.authorization)
    const matched = matchRoute(req.method, req.url.pathname)
    if (matched.method === "GET") {
      return matched.handler({ state, params: matched.params, body: {}, query: req.url.searchParams, idempotencyKey: "" })
    }

    const key = requireIdempotencyKey(req.idempotencyKey)
    const body = parseBody(req.rawBody)
    const fingerprint = `${req.method} ${req.url.pathname}\n${canonicalJson(body)}`
    const recordKey = `${scope}:${key}`
    const existing = state.idempotency.get(recordKey)
    if (existing) {
      if (existing.fingerprint !== fingerprint) {
        throw new ApiError(
          400,
          "idempotency_error",
          "idempotency_key_reused",
          "This Idempotency-Key was already used with a different request; keys can only be reused with the same method, path and body.",
          { param: "Idempotency-Key" }
        )
      }
      return { status: existing.status, body: existing.body, headers: { "Idempotent-Replayed": "true" } }
    }

    let response: ApiResponse
    try {
      response = matched.handler({ state, params: matched.params, body, query: req.url.searchParams, idempotencyKey: key })
    } catch (err) {
      if (!(err instanceof ApiError)) throw err
      response = err.toResponse()
    }
    if (isStorable(response.status)) {
      state.idempotency.set(recordKey, { fingerprint, status: response.status, body: response.body, created: Date.now() })
    }
    return response
  } catch (err) {
    if (err instanceof ApiError) return err.toResponse()
    throw err
  }
}
