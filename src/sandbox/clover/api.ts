/**
 * The `/v1/*` pipeline of the Clover simulator: authentication, routing, required headers,
 * idempotency, dispatch. Synchronous from the idempotency lookup to storing the result, so a
 * replay can never race the original.
 */
import { createHash } from "node:crypto"
import { canonicalJson, type ApiResponse } from "../common"
import { CloverSimError, invalidRequest } from "./errors"
import { parseJsonObject } from "../common/json-body"
import { matchRoute, type RouteContext } from "./routes"
import type { CloverSandboxState } from "./state"
import { isRecord, type Body } from "./validate"

export type CloverApiRequest = {
  method: string
  url: URL
  authorization?: string
  idempotencyKey?: string
  forwardedFor?: string
  rawBody: string
}

export type CloverApiOptions = {
  /** Accepted private keys; undefined: any bearer token of 8+ visible characters. */
  privateKeys?: readonly string[]
}

const BEARER = /^Bearer\s+(\S+)\s*$/i
const MAX_IDEMPOTENCY_KEY_LENGTH = 255

/** Returns the idempotency scope of the key: a hash, so the key itself is never stored. */
function authenticate(authorization: string | undefined, options: CloverApiOptions): string {
  const token = authorization ? BEARER.exec(authorization)?.[1] : undefined
  const accepted = token !== undefined && (options.privateKeys ? options.privateKeys.includes(token) : token.length >= 8)
  if (!accepted) {
    throw new CloverSimError(
      401,
      "authentication_error",
      // Clover documents no code (nor body) for a 401.
      undefined,
      "Invalid or missing private key. Send the Ecommerce private key as 'Authorization: Bearer <key>'."
    )
  }
  return createHash("sha256").update(token).digest("hex").slice(0, 16)
}

const parseBody = (raw: string): Body => parseJsonObject(raw, (message) => invalidRequest("invalid_request", message))

/**
 * What is stored for replay: what the operation did (2xx) and declines (402). Validation
 * errors, 404s and "already captured/refunded" are not stored, so they are re-evaluated.
 */
const isStorable = (status: number): boolean => (status >= 200 && status < 300) || status === 402

export function handleApiRequest(state: CloverSandboxState, req: CloverApiRequest, options: CloverApiOptions = {}): ApiResponse {
  try {
    const scope = authenticate(req.authorization, options)
    const { route, params } = matchRoute(req.method, req.url.pathname)
    const ctx: RouteContext = { state, params, body: {}, query: req.url.searchParams }
    if (route.method === "GET") return route.handler(ctx)

    const key = req.idempotencyKey?.trim() ? req.idempotencyKey : undefined
    if (route.needsIdempotencyKey && key === undefined) {
      throw invalidRequest("invalid_request", "Missing required header: idempotency-key.", "idempotency-key")
    }
    if (key !== undefined && key.length > MAX_IDEMPOTENCY_KEY_LENGTH) {
      throw invalidRequest("invalid_request", `idempotency-key must be at most ${MAX_IDEMPOTENCY_KEY_LENGTH} characters.`, "idempotency-key")
    }
    if (route.needsClientIp && !req.forwardedFor?.trim()) {
      throw invalidRequest("invalid_request", "Missing required header: x-forwarded-for (the client's IP address).", "x-forwarded-for")
    }
    ctx.body = parseBody(req.rawBody)

    const fingerprint = `${req.method} ${req.url.pathname}\n${canonicalJson(ctx.body)}`
    // Clover documents its key for creating charges only; the strictest contract honours nothing else.
    const honoured = route.needsIdempotencyKey || state.config.contract === "documented"
    const recordKey = key === undefined || !honoured ? undefined : `${scope}:${key}`
    const existing = recordKey === undefined ? undefined : state.idempotency.get(recordKey)
    if (existing) {
      if (existing.fingerprint !== fingerprint) {
        throw new CloverSimError(
          409,
          "idempotency_error",
          // Clover lists the type, no code.
          undefined,
          "This idempotency-key was already used for a different request; reuse a key only to retry the same request.",
          { param: "idempotency-key" }
        )
      }
      state.replays += 1
      if (existing.chargeId) state.countsOf(existing.chargeId).replays += 1
      return { status: existing.status, body: existing.body, headers: { "Idempotent-Replayed": "true" } }
    }

    let response: ApiResponse
    try {
      response = route.handler(ctx)
    } catch (err) {
      if (!(err instanceof CloverSimError)) throw err
      response = err.toResponse()
    }
    if (recordKey !== undefined && isStorable(response.status)) {
      state.idempotency.set(recordKey, { fingerprint, status: response.status, body: response.body, chargeId: ctx.chargeId })
    }
    return response
  } catch (err) {
    if (err instanceof CloverSimError) return err.toResponse()
    throw err
  }
}
