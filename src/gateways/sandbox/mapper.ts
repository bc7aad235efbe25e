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
import * as failures from "../common/failures"
import { BEARER_TOKEN, redactPatterns, type SecretPattern } from "../common/redact"
import { parseRetryAfter } from "../common/retry-after"

export { parseRetryAfter }
export type { RequestContext } from "../common/failures"
type RequestContext = failures.RequestContext

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value)

/** Only a POST can have acted at the gateway; a failed GET leaves nothing unresolved. */
export const isMutating = (method: string): boolean => method.toUpperCase() !== "GET" && method.toUpperCase() !== "HEAD"

// --- secrets ----------------------------------------------------------------------------------

const SECRET_PATTERNS: SecretPattern[] = [[/\b(sk|rk|pk)_(test|live)_[A-Za-z0-9_\-.~+/=]+/g, "$1_$2_[redacted]"], BEARER_TOKEN]

/** Removes anything that looks like an API key or bearer token from a message. */
export function redactSecrets(text: string): string {
  return redactPatterns(text, SECRET_PATTERNS)
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

/** How the shared failure messages name this gateway. */
const WORDING: failures.FailureWording = { gateway: "the sandbox gateway", isMutating, reportsAborts: true }

/**
 * A request that got no HTTP answer. Always retryable (an idempotency key makes a resend
 * safe). Outcome unknown for a POST unless the connection was never made.
 */
export const transportError = (err: unknown, ctx: RequestContext & { timeoutMs?: number }): GatewayError =>
  failures.transportError(err, ctx, WORDING)

/** A 2xx whose body is not the JSON we expect. Not retried; a POST's outcome is unknown. */
export const malformedResponseError = (status: number, ctx: RequestContext): GatewayError =>
  failures.malformedResponseError(status, ctx, WORDING)

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
