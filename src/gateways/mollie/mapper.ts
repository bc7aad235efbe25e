/**
 * Pure translation between Mollie's wire format and the gateway port: integer minor units ↔
 * Mollie amounts, wire objects → `PaymentSnapshot` / `CaptureResult` / `RefundResult`. No I/O
 * here; every function is table-tested.
 *
 * Money conversion lives here and nowhere else (docs/architecture.md, rule 1: integer minor
 * units; a gateway's format only in its mapper). HTTP failures are in failures.ts, the checks of
 * the wire's shapes in wire-shapes.ts; both are re-exported here.
 */
import {
  fromDecimalString,
  toDecimalString,
} from "../../domain"
import {
  type CaptureResult,
  type GatewayOperationStatus,
  type PaymentSnapshot,
  type RefundResult,
} from "../gateway"
import type {
  MollieAmount,
  MollieCapture,
  MollieCaptureStatus,
  MolliePayment,
  MolliePaymentStatus,
  MollieRefund,
  MollieRefundStatus,
} from "./types"

export { parseRetryAfter } from "../common/retry-after"
export type { RequestContext } from "../common/failures"
export * from "./failures"
export * from "./wire-shapes"

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value)


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
