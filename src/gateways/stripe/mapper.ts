/**
 * Stripe's objects and errors in the gateway port's terms: pure functions
 * (docs/gateways/stripe.md says which field means what).
 */
import { GatewayError, GatewayLookupDiscrepancy, type CaptureResult, type GatewayOperationStatus, type OperationLookup, type PaymentSnapshot, type RefundResult } from "../gateway"
import { BEARER_TOKEN, redactPatterns, redactVerbatim, type SecretPattern } from "../common/redact"
import { REFUND_KEY_METADATA, type Charge, type PaymentIntent, type Refund, type StripeMode } from "./types"

/** A key's prefix says which of the account's modes it works in. */
export function modeOfKey(apiKey: string): StripeMode {
  return /^(sk|rk)_live_/.test(apiKey) ? "live" : "test"
}

/** The intent's latest charge, when the answer expanded it (`expand[]=latest_charge`). */
export function chargeOf(intent: PaymentIntent): Charge | null {
  const charge = intent.latest_charge
  return charge && typeof charge === "object" ? charge : null
}

/** Whether the card's authorization may be captured several times (`final_capture=false`). */
export function multicaptureAvailable(intent: PaymentIntent): boolean {
  return chargeOf(intent)?.payment_method_details?.card?.multicapture?.status === "available"
}

/** The time by which the authorization must be captured (the card's `capture_before`), or null. */
export function captureBefore(intent: PaymentIntent): Date | null {
  const seconds = chargeOf(intent)?.payment_method_details?.card?.capture_before
  return typeof seconds === "number" ? new Date(seconds * 1000) : null
}

export function authorizationStatus(intent: PaymentIntent): PaymentSnapshot["status"] {
  switch (intent.status) {
    case "requires_payment_method":
      // Back here after a declined confirmation: the last attempt failed.
      return intent.last_payment_error ? "failed" : "requires_more"
    // Stryker disable next-line StringLiteral: listed for the reader; without them `default` answers the same
    case "requires_confirmation":
    // Stryker disable next-line StringLiteral: as above
    case "requires_action":
    // Stryker disable next-line StringLiteral: as above
    case "processing":
      return "requires_more"
    case "requires_capture":
      return intent.amount_received > 0 ? "partially_captured" : "authorized"
    case "canceled":
      return intent.amount_received > 0 ? "partially_captured" : "canceled"
    case "succeeded": {
      const refunded = chargeOf(intent)?.amount_refunded ?? 0
      if (intent.amount_received > 0 && refunded >= intent.amount_received) return "refunded"
      return intent.amount_received < intent.amount ? "partially_captured" : "captured"
    }
    default:
      // A status this version does not know: never taken as money moved.
      return "requires_more"
  }
}

export function toPaymentSnapshot(intent: PaymentIntent): PaymentSnapshot {
  const status = authorizationStatus(intent)
  const error = intent.last_payment_error
  return {
    paymentRef: intent.id,
    status,
    currency: intent.currency,
    amountAuthorized: intent.amount,
    amountCaptured: intent.amount_received,
    amountRefunded: chargeOf(intent)?.amount_refunded ?? 0,
    amountCapturable: intent.status === "requires_capture" ? intent.amount_capturable : 0,
    clientSecret: intent.client_secret ?? undefined,
    declineCode: error?.decline_code ?? error?.code ?? undefined,
    message: error?.message ?? undefined,
    raw: intent,
  }
}

/**
 * Stripe has no capture object: the ledger records each capture in the
 * intent's metadata, in the capture request itself (key: the capture's id,
 * value: its amount), so that a capture whose answer was lost can be found.
 * A capture id longer than a metadata key may be cannot be recorded.
 */
export const METADATA_KEY_MAX = 40

export function captureMetadata(captureId: string, amount: number): Record<string, string> {
  if (captureId.length > METADATA_KEY_MAX) throw new RangeError(`capture id ${captureId} is longer than a Stripe metadata key may be`)
  return { [captureId]: String(amount) }
}

/** A successful capture call's answer: the money moved when Stripe answered (captures are synchronous). */
export function toCaptureResult(intent: PaymentIntent, req: { amount: number; currency: string }): CaptureResult {
  const charge = chargeOf(intent)
  return {
    status: "succeeded",
    gatewayCaptureId: charge?.id ?? (typeof intent.latest_charge === "string" ? intent.latest_charge : undefined),
    amount: req.amount,
    currency: req.currency.toLowerCase(),
    raw: intent,
  }
}

/** A capture found again in the intent's metadata, or null when the intent has none of that id. */
export function captureFromIntent(intent: PaymentIntent, lookup: OperationLookup): CaptureResult | null {
  const recorded = intent.metadata?.[lookup.idempotencyKey]
  if (recorded === undefined || recorded === "") return null
  const amount = Number(recorded)
  if (!Number.isSafeInteger(amount) || (lookup.amount !== undefined && amount !== lookup.amount)) {
    throw new GatewayLookupDiscrepancy({
      reason: "mismatch",
      message: `PaymentIntent ${intent.id} records capture ${lookup.idempotencyKey} as ${recorded}, not ${lookup.amount}`,
      candidates: [{ id: intent.id, amount: Number.isFinite(amount) ? amount : 0, status: intent.status }],
    })
  }
  return toCaptureResult(intent, { amount, currency: intent.currency })
}

export function mapRefundStatus(status: string | null): GatewayOperationStatus {
  switch (status) {
    case "succeeded":
      return "succeeded"
    case "failed":
    case "canceled":
      return "failed"
    default:
      // pending, requires_action, or a status this version does not know.
      return "pending"
  }
}

export function toRefundResult(refund: Refund): RefundResult {
  const status = mapRefundStatus(refund.status)
  return {
    status,
    gatewayRefundId: refund.id,
    amount: refund.amount,
    currency: refund.currency,
    errorCode: status === "failed" ? refund.failure_reason ?? refund.status ?? "failed" : undefined,
    declineCode: status === "failed" ? refund.failure_reason ?? undefined : undefined,
    message: status === "failed" ? `Stripe ${refund.status === "canceled" ? "canceled" : "could not make"} the refund${refund.failure_reason ? ` (${refund.failure_reason})` : ""}` : undefined,
    raw: refund,
  }
}

/** Our refund among an intent's refunds, by the ledger's id in its metadata. */
export function refundFromList(refunds: Refund[], lookup: OperationLookup): RefundResult | null {
  const ours = refunds.filter((r) => r.metadata?.[REFUND_KEY_METADATA] === lookup.idempotencyKey)
  if (ours.length === 0) return null
  if (ours.length > 1) {
    throw new GatewayLookupDiscrepancy({
      reason: "ambiguous",
      message: `${ours.length} Stripe refunds carry refund ${lookup.idempotencyKey}`,
      candidates: ours.map((r) => ({ id: r.id, amount: r.amount, status: r.status ?? undefined })),
    })
  }
  const [refund] = ours
  if (lookup.amount !== undefined && refund.amount !== lookup.amount) {
    throw new GatewayLookupDiscrepancy({
      reason: "mismatch",
      message: `Stripe refund ${refund.id} for ${lookup.idempotencyKey} is of ${refund.amount}, not ${lookup.amount}`,
      candidates: [{ id: refund.id, amount: refund.amount, status: refund.status ?? undefined }],
    })
  }
  return toRefundResult(refund)
}

/** Medusa's refund reasons in Stripe's vocabulary (Stripe knows three; the rest are sent without one). */
export function stripeRefundReason(reason: string | undefined): "requested_by_customer" | undefined {
  return reason === "return" || reason === "swap" || reason === "claim" ? "requested_by_customer" : undefined
}

/** Stripe's secret and restricted keys, webhook secrets, and any bearer token. */
const SECRET_PATTERNS: SecretPattern[] = [[/\b(sk|rk)_(test|live)_[A-Za-z0-9]+/g, "$1_$2_[redacted]"], [/\bwhsec_[A-Za-z0-9]+/g, "whsec_[redacted]"], BEARER_TOKEN]

/** Scrubs keys from a message that came off the network (docs/architecture.md, rule 8): the given secrets whole first. */
export function redactSecrets(text: string, secrets: readonly string[] = []): string {
  return redactPatterns(redactVerbatim(text, secrets), SECRET_PATTERNS)
}

/** What the SDK's errors carry that the mapping reads (StripeError and its subclasses). */
export type StripeErrorLike = {
  type?: string
  rawType?: string
  statusCode?: number
  code?: string
  decline_code?: string
  param?: string
  message?: string
  headers?: Record<string, string | string[] | undefined>
}

/**
 * A Stripe SDK error as one of the port's seven types. `mutating`: the request
 * could have changed something at Stripe, so a fault after sending leaves its
 * outcome unknown (left for reconciliation, never marked failed).
 */
export function errorFromStripe(err: unknown, ctx: { mutating: boolean; secrets?: readonly string[] }): GatewayError {
  const e = (err ?? {}) as StripeErrorLike
  const message = redactSecrets(`Stripe: ${e.message ?? String(err)}`, ctx.secrets)
  const status = e.statusCode
  const shouldRetry = header(e.headers, "stripe-should-retry")
  const base = { message, code: e.code, declineCode: e.decline_code, param: e.param, httpStatus: status }
  switch (e.type) {
    case "StripeCardError":
      return new GatewayError({ ...base, type: "card_error", code: e.code ?? "card_declined" })
    case "StripeAuthenticationError":
    case "StripePermissionError":
      return new GatewayError({ ...base, type: "authentication_error" })
    case "StripeRateLimitError":
      return new GatewayError({ ...base, type: "rate_limit_error", retryable: shouldRetry !== "false", retryAfterMs: retryAfterMs(e.headers) })
    case "StripeConnectionError":
      return new GatewayError({ ...base, type: "api_connection_error", retryable: true, outcomeUnknown: ctx.mutating })
    case "StripeIdempotencyError":
      // The key was used for another request: what happened under it is not known here.
      return new GatewayError({ ...base, type: "idempotency_error", outcomeUnknown: ctx.mutating })
    case "StripeInvalidRequestError":
      if (status === 409) {
        // Another request with this key is still being processed (idempotency_key_in_use).
        return new GatewayError({ ...base, type: "idempotency_error", retryable: shouldRetry !== "false", outcomeUnknown: ctx.mutating })
      }
      return new GatewayError({ ...base, type: "invalid_request_error" })
    default:
      // StripeAPIError (5xx) and anything else: Stripe may have acted on it.
      return new GatewayError({
        ...base,
        type: "api_error",
        retryable: shouldRetry !== "false" && (status === undefined || status >= 500 || status === 409),
        outcomeUnknown: ctx.mutating,
      })
  }
}

function header(headers: StripeErrorLike["headers"], name: string): string | undefined {
  const value = headers?.[name]
  return Array.isArray(value) ? value[0] : value
}

function retryAfterMs(headers: StripeErrorLike["headers"]): number | undefined {
  const value = header(headers, "retry-after")
  const seconds = value === undefined ? NaN : Number(value)
  return Number.isFinite(seconds) && seconds >= 0 ? Math.round(seconds * 1000) : undefined
}
