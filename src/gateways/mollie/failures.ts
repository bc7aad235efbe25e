/**
 * Mollie's failures in the port's terms: HTTP errors and transport faults → `GatewayError`, and
 * the scrubbing of secrets from anything that came off the network. Pure; table-tested through
 * mapper.ts, which re-exports it.
 */
import { GatewayError, type GatewayErrorType } from "../gateway"
import * as failures from "../common/failures"
import { BEARER_TOKEN, redactPatterns, redactVerbatim, type SecretPattern } from "../common/redact"
import { parseRetryAfter } from "../common/retry-after"
import type { MollieErrorBody } from "./types"

type RequestContext = failures.RequestContext

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value)

/**
 * POST creates, DELETE cancels: both can have acted at Mollie when we got no clear answer.
 * A failed GET leaves nothing unresolved.
 */
export const isMutating = (method: string): boolean => ["POST", "DELETE", "PATCH"].includes(method.toUpperCase())

// --- secrets ----------------------------------------------------------------------------------

const SECRET_PATTERNS: SecretPattern[] = [[/\b(test|live|access)_[A-Za-z0-9]{8,}/g, "$1_[redacted]"], BEARER_TOKEN]

/**
 * Removes anything that looks like a Mollie API key or a bearer token (docs/architecture.md, rule 8). The
 * given secrets go first, whole: a key with characters the pattern stops at would otherwise
 * leave its tail behind.
 */
export function redactSecrets(text: string, secrets: readonly string[] = []): string {
  return redactPatterns(redactVerbatim(text, secrets), SECRET_PATTERNS)
}

// --- HTTP failures → GatewayError --------------------------------------------------------------

/** Stable codes for the status codes Mollie answers (docs/gateways/mollie.md#errors). */
const CODES: Record<number, string> = {
  400: "bad_request",
  401: "invalid_api_key",
  403: "forbidden",
  404: "resource_missing",
  405: "method_not_allowed",
  410: "gone",
  415: "unsupported_media_type",
  422: "unprocessable_entity",
  429: "rate_limited",
  500: "internal_server_error",
  502: "bad_gateway",
  503: "service_unavailable",
  504: "gateway_timeout",
}

export function errorTypeForStatus(status: number): GatewayErrorType {
  if (status === 401 || status === 403) return "authentication_error"
  if (status === 429) return "rate_limit_error"
  if (status >= 400 && status < 500) return "invalid_request_error"
  return "api_error"
}

/** A Mollie error body (`components.schemas.error-response`), or undefined when the body is something else. */
export function readErrorBody(body: unknown): MollieErrorBody | undefined {
  if (!isRecord(body) || typeof body.detail !== "string") return undefined
  return {
    status: typeof body.status === "number" ? body.status : 0,
    title: typeof body.title === "string" ? body.title : "",
    detail: body.detail,
    field: typeof body.field === "string" && body.field !== "" ? body.field : undefined,
  }
}

export type ErrorResponseContext = RequestContext & {
  retryAfter?: string | null
  nowMs?: number
  /** Values to scrub from messages (the API key), on top of the generic patterns. */
  secrets?: readonly string[]
}

/**
 * A non-2xx answer. 401/403 → authentication_error; other 4xx → invalid_request_error with
 * `param` = Mollie's `field`; 429 → rate_limit_error and 5xx → api_error, both retryable (the
 * same Idempotency-Key is re-sent), a 5xx after a POST/DELETE with an unknown outcome. 409 is
 * two things at Mollie (docs/gateways/mollie.md#errors): a duplicate refund (final, do not resend) or the same
 * idempotency key still being processed (retry later with the same key; it may have acted).
 * A 400 about the idempotency key means the key was used for another request.
 */
export function errorFromResponse(status: number, body: unknown, ctx: ErrorResponseContext): GatewayError {
  const wire = readErrorBody(body)
  const mutating = isMutating(ctx.method)
  const detail = wire?.detail ?? ""
  const message = redactSecrets(
    detail || `Mollie answered HTTP ${status} to ${ctx.method} ${ctx.path}.`,
    ctx.secrets
  )
  const base = { message, param: wire?.field, httpStatus: status }

  if (status === 409) {
    if (/duplicate refund/i.test(detail)) {
      return new GatewayError({ ...base, type: "invalid_request_error", code: "duplicate_refund" })
    }
    return new GatewayError({
      ...base,
      type: "idempotency_error",
      code: "idempotency_in_progress",
      retryable: true,
      outcomeUnknown: mutating,
    })
  }
  if (status === 400 && /idempotency/i.test(detail)) {
    return new GatewayError({ ...base, type: "idempotency_error", code: "idempotency_key_reused" })
  }
  const retryable = status === 429 || status >= 500
  return new GatewayError({
    ...base,
    type: errorTypeForStatus(status),
    code: CODES[status] ?? `http_${status}`,
    retryable,
    outcomeUnknown: status >= 500 && mutating,
    retryAfterMs: retryable ? parseRetryAfter(ctx.retryAfter, ctx.nowMs ?? Date.now()) : undefined,
  })
}

/** How the shared failure messages name Mollie; POST and DELETE can act. */
const WORDING: failures.FailureWording = { gateway: "Mollie", isMutating, reportsAborts: true }

/**
 * A request that got no HTTP answer: api_connection_error, always retryable (the idempotency
 * key makes a resend safe). The outcome of a POST/DELETE is unknown unless the connection was
 * never made.
 */
export const transportError = (err: unknown, ctx: RequestContext & { timeoutMs?: number }): GatewayError =>
  failures.transportError(err, ctx, WORDING)

/** A 2xx whose body is not what we expect. Not retried; a POST's/DELETE's outcome is unknown. */
export const malformedResponseError = (status: number, ctx: RequestContext): GatewayError =>
  failures.malformedResponseError(status, ctx, WORDING)
