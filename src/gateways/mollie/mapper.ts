/**
 * Pure translation between Mollie's wire format and the gateway port: integer minor units ↔
 * Mollie amounts, wire objects → `PaymentSnapshot` / `CaptureResult` / `RefundResult`, HTTP
 * failures → `GatewayError`. No I/O here; every function is table-tested.
 *
 * Money conversion lives here and nowhere else (DESIGN rule 1).
 */
import {
  currencyExponent,
  fromDecimalString,
  isCurrencyCode,
  toDecimalString,
} from "../../domain"
import {
  GatewayError,
  type CaptureResult,
  type GatewayErrorType,
  type GatewayOperationStatus,
  type PaymentSnapshot,
  type RefundResult,
} from "../gateway"
import type {
  MollieAmount,
  MollieCapture,
  MollieCaptureStatus,
  MollieErrorBody,
  MollieList,
  MolliePayment,
  MolliePaymentStatus,
  MollieRefund,
  MollieRefundStatus,
} from "./types"
import * as failures from "../shared/failures"
import { BEARER_TOKEN, redactPatterns, redactVerbatim, type SecretPattern } from "../shared/redact"
import { parseRetryAfter } from "../shared/retry-after"

export { parseRetryAfter }
export type { RequestContext } from "../shared/failures"
type RequestContext = failures.RequestContext

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value)

/**
 * POST creates, DELETE cancels: both can have acted at Mollie when we got no clear answer.
 * A failed GET leaves nothing unresolved.
 */
export const isMutating = (method: string): boolean => ["POST", "DELETE", "PATCH"].includes(method.toUpperCase())

// --- money ------------------------------------------------------------------------------------

/**
 * Integer minor units → `{ currency: "EUR", value: "10.00" }`. Mollie wants exactly the
 * currency's decimals ("a string containing an exact monetary amount in the given currency",
 * docs/gateways/mollie.md#conventions): "1000" for JPY, "1.500" for KWD.
 */
export function toMollieAmount(amount: number, currency: string): MollieAmount {
  return { currency: currency.toUpperCase(), value: toDecimalString(amount, currency) }
}

/**
 * `{ currency, value }` → integer minor units and our lower-case currency code. Exact: more
 * decimals than the currency has are accepted only when they are zeros (see fromDecimalString).
 */
export function fromMollieAmount(wire: MollieAmount, field = "amount"): { amount: number; currency: string } {
  return { amount: fromDecimalString(wire.value, wire.currency, field), currency: wire.currency.toLowerCase() }
}

/** Minor units of an optional amount field; absent counts as 0. */
const minor = (wire: MollieAmount | null | undefined): number => (wire ? fromMollieAmount(wire).amount : 0)

// --- statuses ---------------------------------------------------------------------------------

/**
 * Payment status → snapshot status. Amounts decide between captured / partially captured /
 * refunded. A status outside the documented enum maps to "requires_more": not final, and never
 * a captured state (the `never` check makes a newly documented status a compile error here).
 */
export function mapPaymentStatus(
  wire: Pick<MolliePayment, "status" | "amount" | "amountCaptured" | "amountRefunded">
): PaymentSnapshot["status"] {
  const status = wire.status
  const amount = minor(wire.amount)
  switch (status) {
    case "open":
    case "pending":
      return "requires_more"
    case "authorized":
      return minor(wire.amountCaptured) > 0 ? "partially_captured" : "authorized"
    case "paid": {
      // An automatically captured payment may omit amountCaptured: paid means all of it.
      const captured = wire.amountCaptured ? minor(wire.amountCaptured) : amount
      const refunded = minor(wire.amountRefunded)
      if (refunded > 0 && refunded >= captured) return "refunded"
      return captured < amount ? "partially_captured" : "captured"
    }
    case "canceled":
      return "canceled"
    case "expired":
    case "failed":
      return "failed"
    default: {
      const unknown: never = status
      void unknown
      return "requires_more"
    }
  }
}

/** Capture status → operation status; unknown values are "pending", never "succeeded". */
export function mapCaptureStatus(status: MollieCaptureStatus): GatewayOperationStatus {
  switch (status) {
    case "pending":
      return "pending"
    case "succeeded":
      return "succeeded"
    case "failed":
      return "failed"
    default: {
      const unknown: never = status
      void unknown
      return "pending"
    }
  }
}

/**
 * Refund status → operation status. queued/pending/processing are still on their way;
 * a canceled refund moved no money, so for the ledger it failed.
 */
export function mapRefundStatus(status: MollieRefundStatus): GatewayOperationStatus {
  switch (status) {
    case "queued":
    case "pending":
    case "processing":
      return "pending"
    case "refunded":
      return "succeeded"
    case "failed":
    case "canceled":
      return "failed"
    default: {
      const unknown: never = status
      void unknown
      return "pending"
    }
  }
}

// --- wire → port ------------------------------------------------------------------------------

/** Sum of the payment's embedded captures that are still pending (absent embed: 0). */
function pendingCaptured(wire: MolliePayment): number {
  const captures = wire._embedded?.captures ?? []
  return captures.filter((c) => c.status === "pending").reduce((sum, c) => sum + minor(c.amount), 0)
}

/**
 * What we may still capture. Not `amountRemaining`: that is the REFUNDABLE amount
 * (docs/gateways/mollie.md#payments). Only an authorized payment can be captured; captures
 * still pending count as taken when the payment was fetched with `embed=captures`.
 */
export function capturableAmount(wire: MolliePayment): number {
  if (wire.status !== "authorized") return 0
  return Math.max(0, minor(wire.amount) - minor(wire.amountCaptured) - pendingCaptured(wire))
}

const STATUS_MESSAGES: Partial<Record<MolliePaymentStatus, string>> = {
  canceled: "The payment was canceled.",
  expired: "The payment expired before the shopper completed it.",
  failed: "The payment failed.",
}

export function toPaymentSnapshot(wire: MolliePayment): PaymentSnapshot {
  const { amount, currency } = fromMollieAmount(wire.amount)
  const status = mapPaymentStatus(wire)
  const snapshot: PaymentSnapshot = {
    paymentRef: wire.id,
    status,
    currency,
    amountAuthorized: amount,
    amountCaptured:
      wire.status === "paid" && !wire.amountCaptured ? amount : minor(wire.amountCaptured),
    amountRefunded: minor(wire.amountRefunded),
    amountCapturable: capturableAmount(wire),
    raw: wire,
  }
  const checkout = wire._links?.checkout?.href
  if (status === "requires_more" && checkout) snapshot.redirectUrl = checkout
  const message = STATUS_MESSAGES[wire.status]
  if (message) snapshot.message = message
  if (wire.status === "expired" || wire.status === "failed") snapshot.declineCode = wire.status
  return snapshot
}

/**
 * A capture. Its `amount` may be null ("the full authorized amount"), so the caller passes what
 * it asked for as the fallback. `gatewayTransactionId` is the payment's `tr_` id: Mollie's
 * transaction, which is what a support agent searches for.
 */
export function toCaptureResult(wire: MollieCapture, fallback: { amount: number; currency: string }): CaptureResult {
  const money = wire.amount ? fromMollieAmount(wire.amount) : { amount: fallback.amount, currency: fallback.currency.toLowerCase() }
  const result: CaptureResult = {
    status: mapCaptureStatus(wire.status),
    gatewayCaptureId: wire.id,
    gatewayTransactionId: wire.paymentId,
    amount: money.amount,
    currency: money.currency,
    raw: wire,
  }
  if (result.status === "failed") {
    result.errorCode = "capture_failed"
    result.message = "Mollie could not capture the payment (capture status failed)."
  }
  return result
}

export function toRefundResult(wire: MollieRefund): RefundResult {
  const { amount, currency } = fromMollieAmount(wire.amount)
  const result: RefundResult = {
    status: mapRefundStatus(wire.status),
    gatewayRefundId: wire.id,
    amount,
    currency,
    raw: wire,
  }
  if (wire.status === "failed" || wire.status === "canceled") {
    result.errorCode = `refund_${wire.status}`
    result.message = wire.status === "failed" ? "Mollie could not execute the refund." : "The refund was canceled."
  }
  return result
}

/** The `medusa_key` we put into every capture's and refund's metadata (see MollieGateway). */
export function medusaKeyOf(wire: { metadata?: unknown }): string | undefined {
  return isRecord(wire.metadata) && typeof wire.metadata.medusa_key === "string" ? wire.metadata.medusa_key : undefined
}

// --- port → wire: descriptions ------------------------------------------------------------------

/**
 * `maxLength` of a refund's (and a capture's) `description` in Mollie's reference
 * (docs/gateways/mollie.md#refunds). Unlike a payment's, a longer one is not documented as
 * truncated by Mollie, so we never send one.
 */
export const MOLLIE_DESCRIPTION_MAX_CHARACTERS = 255

const ELLIPSIS = "\u2026"

/** Code points: what JSON Schema's `maxLength` counts, not UTF-16 code units (`.length`). */
const characterCount = (text: string): number => [...text].length

let graphemes: Intl.Segmenter | undefined

/**
 * `text` in at most `max` characters (code points, as `maxLength` counts them). A longer text
 * is cut between two user-perceived characters (never inside a surrogate pair, a flag or an
 * accented letter) and ends with "…", so the cut shows.
 */
export function truncateCharacters(text: string, max: number): string {
  if (characterCount(text) <= max) return text
  graphemes ??= new Intl.Segmenter(undefined, { granularity: "grapheme" })
  const budget = max - 1 // room for the ellipsis
  let kept = ""
  let used = 0
  for (const { segment } of graphemes.segment(text)) {
    const size = characterCount(segment)
    if (used + size > budget) break
    kept += segment
    used += size
  }
  return kept.trimEnd() + ELLIPSIS
}

/**
 * The description of a refund. Mollie's create-refund lists `description` as required
 * (docs/gateways/mollie.md#refunds), so there always is one: the operator's note when there is
 * one, else `Refund <refund id> of order #<display id>` (what a support agent searches for),
 * shortened to Mollie's 255 characters.
 */
export function refundDescription(input: { note?: string | null; refundId?: string; orderDisplayId?: number | null }): string {
  const note = input.note?.trim()
  const parts = ["Refund"]
  if (input.refundId) parts.push(input.refundId)
  if (input.orderDisplayId !== undefined && input.orderDisplayId !== null) parts.push(`of order #${input.orderDisplayId}`)
  return truncateCharacters(note || parts.join(" "), MOLLIE_DESCRIPTION_MAX_CHARACTERS)
}

// --- secrets ----------------------------------------------------------------------------------

const SECRET_PATTERNS: SecretPattern[] = [[/\b(test|live|access)_[A-Za-z0-9]{8,}/g, "$1_[redacted]"], BEARER_TOKEN]

/**
 * Removes anything that looks like a Mollie API key or a bearer token (DESIGN rule 8). The
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

// --- shape checks (a 2xx body we cannot read is a malformed response) ---------------------------

/** Also checks that the value converts exactly, so the mappers above can never throw on it. */
export function isAmountWire(value: unknown): value is MollieAmount {
  if (!isRecord(value) || typeof value.value !== "string" || !isCurrencyCode(value.currency)) return false
  try {
    currencyExponent(value.currency)
    fromDecimalString(value.value, value.currency)
    return true
  } catch {
    return false
  }
}

const optionalAmount = (value: unknown): boolean => value === undefined || value === null || isAmountWire(value)

const hasLinks = (value: Record<string, unknown>): boolean => value._links === undefined || isRecord(value._links)

export function isCaptureWire(value: unknown): value is MollieCapture {
  return (
    isRecord(value) &&
    value.resource === "capture" &&
    typeof value.id === "string" &&
    typeof value.status === "string" &&
    typeof value.paymentId === "string" &&
    optionalAmount(value.amount) &&
    hasLinks(value)
  )
}

export function isRefundWire(value: unknown): value is MollieRefund {
  return (
    isRecord(value) &&
    value.resource === "refund" &&
    typeof value.id === "string" &&
    typeof value.status === "string" &&
    isAmountWire(value.amount) &&
    hasLinks(value)
  )
}

export function isPaymentWire(value: unknown): value is MolliePayment {
  if (
    !isRecord(value) ||
    value.resource !== "payment" ||
    typeof value.id !== "string" ||
    typeof value.status !== "string" ||
    !isAmountWire(value.amount) ||
    ![value.amountCaptured, value.amountRefunded, value.amountRemaining].every(optionalAmount) ||
    !hasLinks(value)
  ) {
    return false
  }
  const embedded = value._embedded
  if (embedded === undefined) return true
  if (!isRecord(embedded)) return false
  const captures = embedded.captures
  const refunds = embedded.refunds
  return (
    (captures === undefined || (Array.isArray(captures) && captures.every(isCaptureWire))) &&
    (refunds === undefined || (Array.isArray(refunds) && refunds.every(isRefundWire)))
  )
}

/** A page of `name` items, each passing `item`. */
export function isListOf<Name extends string, T>(
  value: unknown,
  name: Name,
  item: (v: unknown) => v is T
): value is MollieList<Name, T> {
  if (!isRecord(value) || !isRecord(value._embedded) || !isRecord(value._links)) return false
  const items = value._embedded[name]
  const next = value._links.next
  return (
    Array.isArray(items) &&
    items.every(item) &&
    (next === undefined || next === null || (isRecord(next) && typeof next.href === "string"))
  )
}
