/**
 * The failures every HTTP gateway client has in common, whoever the gateway is: no HTTP answer
 * (timeout, connection refused, connection lost) and a 2xx body we cannot read. What they mean
 * is the same everywhere: always retryable when nothing came back (the idempotency key makes a
 * resend safe), and outcome-unknown whenever the request may have acted. Only the wording (the
 * gateway's name) and which methods act differ, so each gateway passes a `FailureWording`.
 */
import { GatewayError, type GatewayErrorInit } from "../gateway"

/** Which request a failure belongs to; `path` holds ids only, never a secret. */
export type RequestContext = { method: string; path: string }

export type FailureWording<E extends GatewayError = GatewayError> = {
  /** The gateway as named mid-sentence: "the sandbox gateway", "Mollie", "Clover". */
  gateway: string
  /** Whether a request with this method can have acted at the gateway. */
  isMutating(method: string): boolean
  /** Builds the error; a gateway with its own `GatewayError` subclass passes its constructor. */
  create?: (init: GatewayErrorInit) => E
  /** Report an aborted request as "aborted" (true) or as the timeout it almost always is. */
  reportsAborts?: boolean
  /** What a readable body is, for the malformed-response message. Default "JSON". */
  expectedBody?: string
}

/** Errors that prove the request never left this machine. */
const NEVER_CONNECTED = new Set(["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "EHOSTUNREACH", "ENETUNREACH", "UND_ERR_CONNECT_TIMEOUT"])

const isRecordLike = (value: unknown): value is Record<string, unknown> =>
  (typeof value === "object" || typeof value === "function") && value !== null

/** fetch wraps the socket error in `cause` (undici), sometimes twice: walk down a few levels. */
function systemCode(err: unknown): string | undefined {
  for (let current: unknown = err, depth = 0; isRecordLike(current) && depth < 5; depth++) {
    if (typeof current.code === "string") return current.code
    current = current.cause
  }
  return undefined
}

const capitalize = (text: string): string => text.charAt(0).toUpperCase() + text.slice(1)

// Without `create`, E is GatewayError itself (the default type argument).
const build = <E extends GatewayError>(wording: FailureWording<E>, init: GatewayErrorInit): E =>
  wording.create ? wording.create(init) : (new GatewayError(init) as E)

/**
 * A request that got no HTTP answer: api_connection_error, always retryable. The outcome of a
 * mutating request is unknown unless the connection was never made.
 */
export function transportError<E extends GatewayError>(
  err: unknown,
  ctx: RequestContext & { timeoutMs?: number },
  wording: FailureWording<E>
): E {
  const name = isRecordLike(err) && typeof err.name === "string" ? err.name : ""
  const where = `${ctx.method} ${ctx.path}`
  const mutating = wording.isMutating(ctx.method)
  if (name === "TimeoutError" || name === "AbortError") {
    const aborted = name === "AbortError" && wording.reportsAborts === true
    return build(wording, {
      type: "api_connection_error",
      code: aborted ? "aborted" : "timeout",
      message: aborted
        ? `The request ${where} to ${wording.gateway} was aborted.`
        : `${capitalize(wording.gateway)} did not answer ${where} within ${ctx.timeoutMs ?? "the"} ms.`,
      retryable: true,
      outcomeUnknown: mutating,
    })
  }
  const code = systemCode(err)
  if (code !== undefined && NEVER_CONNECTED.has(code)) {
    return build(wording, {
      type: "api_connection_error",
      code: "connection_failed",
      message: `Could not connect to ${wording.gateway} for ${where} (${code}).`,
      retryable: true,
      outcomeUnknown: false,
    })
  }
  return build(wording, {
    type: "api_connection_error",
    code: "connection_reset",
    message: `The connection to ${wording.gateway} was lost during ${where}${code ? ` (${code})` : ""}.`,
    retryable: true,
    outcomeUnknown: mutating,
  })
}

/** A 2xx whose body is not what we expect. Not retried (it may have acted); outcome unknown if it could act. */
export function malformedResponseError<E extends GatewayError>(status: number, ctx: RequestContext, wording: FailureWording<E>): E {
  return build(wording, {
    type: "api_error",
    code: "malformed_response",
    message: `${capitalize(wording.gateway)} answered ${ctx.method} ${ctx.path} with HTTP ${status} and a body that is not the expected ${wording.expectedBody ?? "JSON"}.`,
    httpStatus: status,
    retryable: false,
    outcomeUnknown: wording.isMutating(ctx.method),
  })
}

/** What an existing error was built from, to build a variant of it. */
export function initOf(err: GatewayError): GatewayErrorInit {
  return {
    type: err.type,
    message: err.message,
    code: err.code,
    declineCode: err.declineCode,
    param: err.param,
    httpStatus: err.httpStatus,
    retryable: err.retryable,
    outcomeUnknown: err.outcomeUnknown,
    retryAfterMs: err.retryAfterMs,
  }
}

/**
 * The same error, now marked as possibly acted on: once an earlier attempt may have acted, a
 * later failure (a 409, a 400 on the retry) proves nothing about that attempt.
 */
export function withUnknownOutcome(err: GatewayError): GatewayError {
  return new GatewayError({ ...initOf(err), outcomeUnknown: true })
}

/** A mutating request without the idempotency key that makes retrying it safe: refused before sending. */
export function missingIdempotencyKey(ctx: RequestContext): GatewayError {
  return new GatewayError({
    type: "invalid_request_error",
    code: "parameter_missing",
    param: "Idempotency-Key",
    message: `${ctx.method} ${ctx.path} needs an idempotency key.`,
  })
}
