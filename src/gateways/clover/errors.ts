/**
 * Pure translation of Clover failures into `GatewayError`s: HTTP error answers (the seven error
 * types of gateways.md B.4), transport failures and unreadable bodies. Who may retry, and
 * whether the request may have acted, is decided here and nowhere else:
 *
 * | failure                                        | retryable | outcomeUnknown (POST) |
 * |------------------------------------------------|-----------|-----------------------|
 * | connection never made                          | yes       | no                    |
 * | timeout, reset after sending                   | yes       | yes                   |
 * | 429 rate_limit_error (Retry-After honoured)    | yes       | no                    |
 * | 5xx api_error                                  | yes       | yes                   |
 * | 2xx with a body we cannot read                 | no        | yes                   |
 * | 401/403 authentication_error                   | never     | no                    |
 * | 402 card_error, 400/404 invalid_request_error, |           |                       |
 * | 409 idempotency_error                          | no        | no                    |
 *
 * A GET never acts, so its failures are never outcome-unknown.
 */
import { GATEWAY_ERROR_TYPES, GatewayError, type GatewayErrorInit, type GatewayErrorType } from "../gateway"

/** Which request failed. `path` holds ids only, never a key. */
export type RequestContext = { method: string; path: string }

/** A Clover error with the two fields `GatewayError` has no place for. */
export class CloverApiError extends GatewayError {
  /** The failed charge's id (card errors: Clover keeps a failed charge). */
  readonly charge?: string
  readonly docUrl?: string

  constructor(init: GatewayErrorInit & { charge?: string; docUrl?: string }) {
    super(init)
    this.name = "CloverApiError"
    this.charge = init.charge
    this.docUrl = init.docUrl
  }
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value)

const text = (value: unknown): string | undefined => (typeof value === "string" && value !== "" ? value : undefined)

/** Only a POST can have acted at Clover. */
export const isMutating = (method: string): boolean => method.toUpperCase() === "POST"

// --- secrets ---------------------------------------------------------------------------------

/**
 * Removes bearer tokens, and the given secrets verbatim, from a message that came from the
 * network (a misbehaving proxy could echo our Authorization header).
 */
export function redact(message: string, secrets: readonly string[] = []): string {
  let out = message.replace(/\bBearer\s+\S+/gi, "Bearer [redacted]")
  for (const secret of secrets) {
    if (secret.length >= 4) out = out.split(secret).join("[redacted]")
  }
  return out
}

// --- HTTP error answers ------------------------------------------------------------------------

const isErrorType = (value: unknown): value is GatewayErrorType =>
  typeof value === "string" && (GATEWAY_ERROR_TYPES as readonly string[]).includes(value)

/** The type to assume when the body does not name one (a proxy's HTML page, an empty body). */
export function errorTypeForStatus(status: number): GatewayErrorType {
  if (status === 401 || status === 403) return "authentication_error"
  if (status === 402) return "card_error"
  if (status === 409) return "idempotency_error"
  if (status === 429) return "rate_limit_error"
  if (status >= 400 && status < 500) return "invalid_request_error"
  return "api_error"
}

/** `Retry-After` in ms: delta-seconds (fractions allowed) or an HTTP date; undefined if unreadable. */
export function parseRetryAfter(value: string | null | undefined, nowMs: number): number | undefined {
  const trimmed = value?.trim()
  if (!trimmed) return undefined
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000)
  if (!/[a-z]/i.test(trimmed)) return undefined
  const at = Date.parse(trimmed)
  return Number.isNaN(at) ? undefined : Math.max(0, at - nowMs)
}

export type ErrorAnswer = {
  status: number
  /** The parsed JSON body, or undefined when it was not JSON. */
  body: unknown
  retryAfter?: string | null
  nowMs?: number
  /** Which Clover environment answered, for the authentication message. */
  environment?: string
  secrets?: readonly string[]
}

function authenticationMessage(status: number, environment: string | undefined, detail: string | undefined): string {
  const where = environment ? ` ${environment}` : ""
  const base =
    status === 403
      ? `Clover refused the request (HTTP 403): the private key is not allowed to do this for this merchant.`
      : `Clover rejected the private key (HTTP ${status}). Check that the Ecommerce private key is current and belongs to the${where} environment; the request is not retried.`
  return detail ? `${base} Clover said: ${detail}` : base
}

/** A non-2xx answer from Clover as a `CloverApiError`. */
export function errorFromResponse(answer: ErrorAnswer, ctx: RequestContext): CloverApiError {
  const { status } = answer
  const wire = isRecord(answer.body) && isRecord(answer.body.error) ? answer.body.error : undefined
  const type = isErrorType(wire?.type) ? wire.type : errorTypeForStatus(status)
  const serverMessage = text(wire?.message) ?? (isRecord(answer.body) ? text(answer.body.message) : undefined)
  // An authentication error is never retried, whatever the status: a new key is needed.
  const retryable =
    type !== "authentication_error" &&
    (type === "rate_limit_error" || type === "api_connection_error" || status === 429 || status >= 500)
  const message =
    type === "authentication_error"
      ? authenticationMessage(status, answer.environment, serverMessage)
      : serverMessage ?? `Clover answered HTTP ${status} to ${ctx.method} ${ctx.path}.`
  return new CloverApiError({
    type,
    message: redact(message, answer.secrets),
    code: text(wire?.code) ?? (wire ? undefined : `http_${status}`),
    declineCode: text(wire?.decline_code),
    param: text(wire?.param),
    httpStatus: status,
    retryable,
    outcomeUnknown: status >= 500 && isMutating(ctx.method),
    retryAfterMs: retryable ? parseRetryAfter(answer.retryAfter, answer.nowMs ?? Date.now()) : undefined,
    charge: text(wire?.charge),
    docUrl: text(wire?.doc_url),
  })
}

// --- no HTTP answer ----------------------------------------------------------------------------

/** Errors that prove the request never left this machine. */
const NOT_CONNECTED = new Set([
  "ECONNREFUSED",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "UND_ERR_CONNECT_TIMEOUT",
])

/** undici wraps the socket error in `cause`; walk down a few levels for its code. */
function systemCode(err: unknown): string | undefined {
  let current: unknown = err
  for (let depth = 0; depth < 5 && current !== null && typeof current === "object"; depth++) {
    const code = (current as { code?: unknown }).code
    if (typeof code === "string") return code
    current = (current as { cause?: unknown }).cause
  }
  return undefined
}

/** A request that got no HTTP answer: always retryable with the same key. */
export function transportError(err: unknown, ctx: RequestContext & { timeoutMs: number }): CloverApiError {
  const name = err !== null && typeof err === "object" ? (err as { name?: unknown }).name : undefined
  const where = `${ctx.method} ${ctx.path}`
  if (name === "TimeoutError" || name === "AbortError") {
    return new CloverApiError({
      type: "api_connection_error",
      code: "timeout",
      message: `Clover did not answer ${where} within ${ctx.timeoutMs} ms.`,
      retryable: true,
      outcomeUnknown: isMutating(ctx.method),
    })
  }
  const code = systemCode(err)
  if (code !== undefined && NOT_CONNECTED.has(code)) {
    return new CloverApiError({
      type: "api_connection_error",
      code: "connection_failed",
      message: `Could not connect to Clover for ${where} (${code}).`,
      retryable: true,
      outcomeUnknown: false,
    })
  }
  return new CloverApiError({
    type: "api_connection_error",
    code: "connection_reset",
    message: `The connection to Clover was lost during ${where}${code ? ` (${code})` : ""}.`,
    retryable: true,
    outcomeUnknown: isMutating(ctx.method),
  })
}

/** A 2xx we cannot read. Not retried (it may have acted); a POST's outcome is unknown. */
export function malformedResponseError(status: number, ctx: RequestContext): CloverApiError {
  return new CloverApiError({
    type: "api_error",
    code: "malformed_response",
    message: `Clover answered ${ctx.method} ${ctx.path} with HTTP ${status} and a body that is not the expected JSON object.`,
    httpStatus: status,
    retryable: false,
    outcomeUnknown: isMutating(ctx.method),
  })
}

/**
 * The same error, marked outcome-unknown: once an earlier attempt may have acted, a later
 * failure (a 409, a 400 on the retry) proves nothing about that attempt.
 */
export function asOutcomeUnknown(err: GatewayError): CloverApiError {
  return new CloverApiError({
    type: err.type,
    message: err.message,
    code: err.code,
    declineCode: err.declineCode,
    param: err.param,
    httpStatus: err.httpStatus,
    retryable: err.retryable,
    outcomeUnknown: true,
    retryAfterMs: err.retryAfterMs,
    charge: err instanceof CloverApiError ? err.charge : undefined,
    docUrl: err instanceof CloverApiError ? err.docUrl : undefined,
  })
}

/** A problem with our own request, found before sending it. */
export function invalidRequest(code: string, message: string, param?: string): CloverApiError {
  return new CloverApiError({ type: "invalid_request_error", code, message, param })
}
