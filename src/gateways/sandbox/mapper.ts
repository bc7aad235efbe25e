/**
 * Pure translation between the sandbox wire format and the gateway port: wire objects →
 * `PaymentSnapshot` / `CaptureResult` / `RefundResult`, HTTP failures → `GatewayError`.
 * No I/O here; every function is table-tested.
 */
import {
  GATEWAY_ERROR_TYPES,
  GatewayError,
  type CaptureResult,
  type GatewayErrorType,
  type GatewayOperationStatus,
  type PaymentSnapshot,
  type RefundResult,
} from "../gateway"
import type {
  SandboxCaptureWire,
  SandboxErrorWire,
  SandboxList,
  SandboxPaymentWire,
  SandboxRefundWire,
} from "./types"

/** Which request a failure belongs to; `path` never contains a secret. */
export type RequestContext = { method: string; path: string }

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value)

/** Only a POST can have acted at the gateway; a failed GET leaves nothing unresolved. */
export const isMutating = (method: string): boolean => method.toUpperCase() !== "GET" && method.toUpperCase() !== "HEAD"

// --- secrets ----------------------------------------------------------------------------------

const SECRET_PATTERNS: Array<[RegExp, string]> = [
  [/\b(sk|rk|pk)_(test|live)_[A-Za-z0-9_\-.~+/=]+/g, "$1_$2_[redacted]"],
  [/\bBearer\s+\S+/gi, "Bearer [redacted]"],
]

/** Removes anything that looks like an API key or bearer token from a message. */
export function redactSecrets(text: string): string {
  return SECRET_PATTERNS.reduce((acc, [pattern, replacement]) => acc.replace(pattern, replacement), text)
}

// --- statuses ---------------------------------------------------------------------------------

/** Unknown statuses map to "requires_more" (not final), never to a captured state. */
export function mapPaymentStatus(wire: Pick<SandboxPaymentWire, "status" | "amount" | "amount_captured">): PaymentSnapshot["status"] {
  const status: string = wire.status
  switch (status) {
    case "authorized":
    case "partially_captured":
    case "captured":
    case "canceled":
    case "refunded":
      return status
    case "partially_refunded":
      return wire.amount_captured >= wire.amount ? "captured" : "partially_captured"
    default:
      return "requires_more"
  }
}

/** Unknown statuses map to "pending", never to "succeeded". */
export function mapOperationStatus(status: unknown): GatewayOperationStatus {
  switch (status) {
    case "succeeded":
      return "succeeded"
    case "failed":
      return "failed"
    default:
      return "pending"
  }
}

// --- wire → port ------------------------------------------------------------------------------

export function toPaymentSnapshot(wire: SandboxPaymentWire): PaymentSnapshot {
  return {
    paymentRef: wire.id,
    status: mapPaymentStatus(wire),
    currency: wire.currency.toLowerCase(),
    amountAuthorized: wire.amount,
    amountCaptured: wire.amount_captured,
    amountRefunded: wire.amount_refunded,
    amountCapturable: wire.amount_capturable,
    raw: wire,
  }
}

export function toCaptureResult(wire: SandboxCaptureWire): CaptureResult {
  return {
    status: mapOperationStatus(wire.status),
    gatewayCaptureId: wire.id,
    gatewayTransactionId: wire.transaction_id ?? undefined,
    amount: wire.amount,
    currency: wire.currency.toLowerCase(),
    raw: wire,
  }
}

export function toRefundResult(wire: SandboxRefundWire): RefundResult {
  return {
    status: mapOperationStatus(wire.status),
    gatewayRefundId: wire.id,
    amount: wire.amount,
    currency: wire.currency.toLowerCase(),
    raw: wire,
  }
}

// --- declines: results, not throws -------------------------------------------------------------

export const isDecline = (err: unknown): err is GatewayError => err instanceof GatewayError && err.type === "card_error"

/** The error as the gateway sent it, for `raw`. */
function declineRaw(err: GatewayError): SandboxErrorWire & { http_status?: number } {
  return {
    error: { type: err.type, code: err.code, message: err.message, param: err.param, decline_code: err.declineCode },
    http_status: err.httpStatus,
  }
}

export function declinedCapture(err: GatewayError, req: { amount: number; currency: string }): CaptureResult {
  return {
    status: "failed",
    amount: req.amount,
    currency: req.currency.toLowerCase(),
    errorCode: err.code,
    declineCode: err.declineCode,
    message: err.message,
    raw: declineRaw(err),
  }
}

export function declinedRefund(err: GatewayError, req: { amount: number; currency: string }): RefundResult {
  return {
    status: "failed",
    amount: req.amount,
    currency: req.currency.toLowerCase(),
    errorCode: err.code,
    declineCode: err.declineCode,
    message: err.message,
    raw: declineRaw(err),
  }
}

/** A declined authorization: the sandbox keeps no payment for it, so `paymentRef` is empty. */
export function declinedAuthorization(err: GatewayError, req: { amount: number; currency: string }): PaymentSnapshot {
  return {
    paymentRef: "",
    status: "failed",
    currency: req.currency.toLowerCase(),
    amountAuthorized: 0,
    amountCaptured: 0,
    amountRefunded: 0,
    amountCapturable: 0,
    declineCode: err.declineCode,
    message: err.message,
    raw: declineRaw(err),
  }
}

// --- HTTP failures → GatewayError --------------------------------------------------------------

const isGatewayErrorType = (value: unknown): value is GatewayErrorType =>
  typeof value === "string" && (GATEWAY_ERROR_TYPES as readonly string[]).includes(value)

export function errorTypeForStatus(status: number): GatewayErrorType {
  if (status === 401 || status === 403) return "authentication_error"
  if (status === 402) return "card_error"
  if (status === 429) return "rate_limit_error"
  if (status >= 400 && status < 500) return "invalid_request_error"
  return "api_error"
}

/**
 * `Retry-After` in milliseconds: delta-seconds (fractions accepted, as the sandbox may send
 * them) or an HTTP date. undefined when absent or unreadable.
 */
export function parseRetryAfter(value: string | null | undefined, nowMs: number): number | undefined {
  if (value === null || value === undefined || value.trim() === "") return undefined
  const trimmed = value.trim()
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000)
  // An HTTP date has a weekday and month name; without letters it is junk like "-1".
  const date = /[A-Za-z]/.test(trimmed) ? Date.parse(trimmed) : Number.NaN
  return Number.isNaN(date) ? undefined : Math.max(0, date - nowMs)
}

export type ErrorResponseContext = RequestContext & { retryAfter?: string | null; nowMs?: number }

/**
 * A non-2xx answer. 429 and 5xx are retryable (the same idempotency key is re-sent); a 5xx
 * after a POST may have acted, so its outcome is unknown.
 */
export function errorFromResponse(status: number, body: unknown, ctx: ErrorResponseContext): GatewayError {
  const wire = isRecord(body) && isRecord(body.error) ? body.error : undefined
  const str = (value: unknown): string | undefined => (typeof value === "string" && value !== "" ? value : undefined)
  const type = isGatewayErrorType(wire?.type) ? wire.type : errorTypeForStatus(status)
  const retryable = status === 429 || status >= 500
  const message = str(wire?.message) ?? `The sandbox gateway answered HTTP ${status} to ${ctx.method} ${ctx.path}.`
  return new GatewayError({
    type,
    message: redactSecrets(message),
    code: str(wire?.code) ?? (wire ? undefined : `http_${status}`),
    declineCode: str(wire?.decline_code),
    param: str(wire?.param),
    httpStatus: status,
    retryable,
    outcomeUnknown: status >= 500 && isMutating(ctx.method),
    retryAfterMs: retryable ? parseRetryAfter(ctx.retryAfter, ctx.nowMs ?? Date.now()) : undefined,
  })
}

const NEVER_CONNECTED = new Set(["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "EHOSTUNREACH", "ENETUNREACH", "UND_ERR_CONNECT_TIMEOUT"])

function errorCode(err: unknown): string | undefined {
  for (let current: unknown = err, depth = 0; isRecordLike(current) && depth < 5; depth++) {
    if (typeof current.code === "string") return current.code
    current = current.cause
  }
  return undefined
}

const isRecordLike = (value: unknown): value is Record<string, unknown> =>
  (typeof value === "object" || typeof value === "function") && value !== null

/**
 * A request that got no HTTP answer. Always retryable (an idempotency key makes a resend
 * safe). Outcome unknown for a POST unless the connection was never made.
 */
export function transportError(err: unknown, ctx: RequestContext & { timeoutMs?: number }): GatewayError {
  const name = isRecordLike(err) && typeof err.name === "string" ? err.name : ""
  const where = `${ctx.method} ${ctx.path}`
  if (name === "TimeoutError" || name === "AbortError") {
    return new GatewayError({
      type: "api_connection_error",
      code: name === "TimeoutError" ? "timeout" : "aborted",
      message:
        name === "TimeoutError"
          ? `The sandbox gateway did not answer ${where} within ${ctx.timeoutMs ?? "the"} ms.`
          : `The request ${where} to the sandbox gateway was aborted.`,
      retryable: true,
      outcomeUnknown: isMutating(ctx.method),
    })
  }
  const code = errorCode(err)
  if (code && NEVER_CONNECTED.has(code)) {
    return new GatewayError({
      type: "api_connection_error",
      code: "connection_failed",
      message: `Could not connect to the sandbox gateway for ${where} (${code}).`,
      retryable: true,
      outcomeUnknown: false,
    })
  }
  return new GatewayError({
    type: "api_connection_error",
    code: "connection_reset",
    message: `The connection to the sandbox gateway was lost during ${where}${code ? ` (${code})` : ""}.`,
    retryable: true,
    outcomeUnknown: isMutating(ctx.method),
  })
}

/** A 2xx whose body is not the JSON we expect. Not retried; a POST's outcome is unknown. */
export function malformedResponseError(status: number, ctx: RequestContext): GatewayError {
  return new GatewayError({
    type: "api_error",
    code: "malformed_response",
    message: `The sandbox gateway answered ${ctx.method} ${ctx.path} with HTTP ${status} and a body that is not the expected JSON.`,
    httpStatus: status,
    retryable: false,
    outcomeUnknown: isMutating(ctx.method),
  })
}

// --- shape checks (a 2xx body we cannot read is a malformed response) ---------------------------

const isInt = (value: unknown): value is number => typeof value === "number" && Number.isSafeInteger(value)

/** Captures and refunds share their identifying shape; only `object` tells them apart. */
const isOperationWire = (object: "capture" | "refund") => (value: unknown) =>
  isRecord(value) &&
  value.object === object &&
  typeof value.id === "string" &&
  isInt(value.amount) &&
  typeof value.currency === "string"

export const isCaptureWire = isOperationWire("capture") as (value: unknown) => value is SandboxCaptureWire
export const isRefundWire = isOperationWire("refund") as (value: unknown) => value is SandboxRefundWire

export function isPaymentWire(value: unknown): value is SandboxPaymentWire {
  return (
    isRecord(value) &&
    value.object === "payment" &&
    typeof value.id === "string" &&
    typeof value.currency === "string" &&
    [value.amount, value.amount_captured, value.amount_refunded, value.amount_capturable].every(isInt)
  )
}

export function isListOf<T>(value: unknown, item: (v: unknown) => v is T): value is SandboxList<T> {
  return isRecord(value) && Array.isArray(value.data) && value.data.every(item)
}
