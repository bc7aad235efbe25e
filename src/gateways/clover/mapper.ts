/**
 * Pure translation between Clover's wire objects and the gateway port: charge →
 * `PaymentSnapshot` / `CaptureResult`, refund → `RefundResult`, card errors → failed results,
 * our Level 2 input → Clover's `level2`. No I/O; every function is table-tested. HTTP failures
 * → `GatewayError` live in `errors.ts` (re-exported here).
 *
 * Clover has no capture object: a capture is an operation on the charge
 * (docs/gateways/clover.md#endpoints, #the-charge-object), so a capture's identity and state are
 * read off the charge (`captured`, `amount_captured`).
 */
import type { CaptureResult, GatewayOperationStatus, PaymentSnapshot, RefundResult } from "../gateway"
import { invalidRequest, type CloverApiError } from "./errors"
import type { CloverCharge, CloverLevel2, CloverList, CloverRefund } from "./types"

export * from "./errors"

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value)
const isAmount = (value: unknown): value is number => typeof value === "number" && Number.isSafeInteger(value) && value >= 0

// --- capture identity --------------------------------------------------------------------------

/** Suffix that turns a charge id into our capture id: one capture per charge (see the simulator). */
export const CAPTURE_ID_SUFFIX = ":capture"

export const captureIdOf = (chargeId: string): string => `${chargeId}${CAPTURE_ID_SUFFIX}`

/** The charge id inside a capture id; a bare charge id is accepted as is. */
export const chargeIdOfCapture = (captureId: string): string =>
  captureId.endsWith(CAPTURE_ID_SUFFIX) ? captureId.slice(0, -CAPTURE_ID_SUFFIX.length) : captureId

// --- amounts and statuses ----------------------------------------------------------------------

/**
 * What the charge shows as captured. Both signals are required (`captured` and the amount):
 * Clover's own capture sample answers `captured: false` (docs/gateways/clover.md, assumed 7), so
 * a body that does not say `captured: true` is not taken as proof of a capture. An auto-captured
 * charge may lack `amount_captured`; then the whole amount was captured (assumed 8).
 */
export function capturedAmountOf(charge: Pick<CloverCharge, "captured" | "amount_captured" | "amount">): number {
  if (charge.captured !== true) return 0
  return isAmount(charge.amount_captured) && charge.amount_captured > 0 ? charge.amount_captured : charge.amount
}

/**
 * A hold that was released: an uncaptured charge refunded in full (Clover's only void; assumed 5
 * in docs/gateways/clover.md).
 */
export const isReleased = (charge: Pick<CloverCharge, "captured" | "refunded" | "amount_refunded" | "amount">): boolean =>
  charge.captured !== true && (charge.refunded === true || (charge.amount_refunded ?? 0) >= charge.amount)

/**
 * Unknown or pending charge statuses map to "requires_more" (not final), never to a captured
 * state; a capture that left part of the authorization unused is "partially_captured" (the
 * rest was released, so nothing stays capturable).
 */
export function mapChargeStatus(charge: CloverCharge): PaymentSnapshot["status"] {
  const status: string = charge.status
  if (status === "failed") return "failed"
  if (status !== "succeeded" || charge.paid === false) return "requires_more"
  const captured = capturedAmountOf(charge)
  if (captured === 0) return isReleased(charge) ? "canceled" : "authorized"
  if ((charge.amount_refunded ?? 0) >= captured) return "refunded"
  return captured < charge.amount ? "partially_captured" : "captured"
}

/** Refund statuses: unknown → "pending", never "succeeded". */
export function mapRefundStatus(status: unknown): GatewayOperationStatus {
  if (status === "succeeded") return "succeeded"
  if (status === "failed") return "failed"
  return "pending"
}

// --- wire → port -------------------------------------------------------------------------------

export function toPaymentSnapshot(charge: CloverCharge): PaymentSnapshot {
  const status = mapChargeStatus(charge)
  const captured = capturedAmountOf(charge)
  return {
    paymentRef: charge.id,
    status,
    currency: charge.currency.toLowerCase(),
    amountAuthorized: status === "failed" ? 0 : charge.amount,
    amountCaptured: captured,
    // Refunding an uncaptured charge only releases the hold: no money went back.
    amountRefunded: captured > 0 ? Math.min(charge.amount_refunded ?? 0, captured) : 0,
    amountCapturable: status === "authorized" ? charge.amount : 0,
    declineCode: status === "failed" ? charge.failure_code ?? undefined : undefined,
    message: charge.failure_message ?? charge.warning_message ?? undefined,
    raw: charge,
  }
}

/**
 * The capture a charge shows. `requested` is what we asked for; it is reported while the
 * charge does not (yet) show a capture, which is "pending" (ask again), never "succeeded".
 */
export function toCaptureResult(charge: CloverCharge, requested?: number): CaptureResult {
  const captured = capturedAmountOf(charge)
  const base = {
    gatewayCaptureId: captureIdOf(charge.id),
    gatewayTransactionId: charge.ref_num ?? undefined,
    token: charge.auth_code ?? undefined,
    currency: charge.currency.toLowerCase(),
    raw: charge,
  }
  if (captured > 0) return { ...base, status: "succeeded", amount: captured }
  if (charge.status === "failed") {
    return {
      ...base,
      status: "failed",
      amount: requested ?? charge.amount,
      errorCode: charge.failure_code ?? undefined,
      message: charge.failure_message ?? undefined,
    }
  }
  return { ...base, status: "pending", amount: requested ?? charge.amount }
}

export function toRefundResult(refund: CloverRefund): RefundResult {
  const status = mapRefundStatus(refund.status)
  return {
    status,
    gatewayRefundId: refund.id,
    amount: refund.amount,
    currency: refund.currency.toLowerCase(),
    errorCode: status === "failed" ? refund.failure_reason ?? undefined : undefined,
    raw: refund,
  }
}

// --- declines are results ----------------------------------------------------------------------

export const isDecline = (err: unknown): err is CloverApiError =>
  err instanceof Error && (err as CloverApiError).type === "card_error"

/** What Clover sent, for `raw` (the message is already redacted). */
function declineRaw(err: CloverApiError): Record<string, unknown> {
  return {
    error: {
      type: err.type,
      code: err.code,
      decline_code: err.declineCode,
      message: err.message,
      param: err.param,
      charge: err.charge,
      doc_url: err.docUrl,
    },
    http_status: err.httpStatus,
  }
}

type Requested = { amount: number; currency: string }

function declineFields(err: CloverApiError, req: Requested) {
  return {
    status: "failed" as const,
    amount: req.amount,
    currency: req.currency.toLowerCase(),
    errorCode: err.code ?? "card_declined",
    declineCode: err.declineCode,
    message: err.message,
    raw: declineRaw(err),
  }
}

export function declinedCapture(err: CloverApiError, req: Requested & { chargeId: string }): CaptureResult {
  return { ...declineFields(err, req), gatewayCaptureId: captureIdOf(err.charge ?? req.chargeId) }
}

export function declinedRefund(err: CloverApiError, req: Requested): RefundResult {
  return declineFields(err, req)
}

/** Clover keeps a failed charge for a declined authorization; its id is the error's `charge`. */
export function declinedAuthorization(err: CloverApiError, req: Requested): PaymentSnapshot {
  return {
    paymentRef: err.charge ?? "",
    status: "failed",
    currency: req.currency.toLowerCase(),
    amountAuthorized: 0,
    amountCaptured: 0,
    amountRefunded: 0,
    amountCapturable: 0,
    declineCode: err.declineCode ?? err.code,
    message: err.message,
    raw: declineRaw(err),
  }
}

// --- Level 2 -----------------------------------------------------------------------------------

/**
 * Level 2 data as callers give it: Clover's documented fields (money in integer minor units,
 * like every amount in this plugin) plus `tax_rate`, a convenience Clover does not have.
 */
export type CloverLevel2Input = Omit<CloverLevel2, "tax_indicator"> & {
  /**
   * Sales-tax rate as a fraction (0.0825 for 8.25 %). Used only to derive `tax_amount` when it
   * is not given: the tax included in the captured amount, `round(amount × rate / (1 + rate))`
   * (Clover's tax_amount is "part of the transaction amount"). Never sent.
   */
  tax_rate?: number
  tax_indicator?: 0 | 1 | 2
  /** Shorthand for `tax_indicator: 2`. */
  tax_exempt?: boolean
}

const MONEY_FIELDS = ["tax_amount", "discount_amount", "freight_amount", "duty_amount"] as const
const TEXT_FIELDS = [
  "purchase_identifier",
  "pc_order_number",
  "destination_postal_code",
  "shipping_from_postal_code",
  "merchant_tax_id",
  "product_description",
] as const

/**
 * Checks Level 2 input and builds Clover's `level2` for a capture of `amount` cents. Throws an
 * `invalid_request_error` naming the field (`level2.<field>`) instead of letting Clover guess.
 */
export function toLevel2Wire(input: CloverLevel2Input, amount: number): CloverLevel2 {
  if (!isRecord(input)) throw invalidRequest("parameter_invalid", "level2 must be an object.", "level2")
  const out: CloverLevel2 = {}
  for (const field of MONEY_FIELDS) {
    const value = input[field]
    if (value === undefined) continue
    if (!isAmount(value)) {
      throw invalidRequest("parameter_invalid", `level2.${field} must be an integer number of minor units >= 0.`, `level2.${field}`)
    }
    out[field] = value
  }
  if (input.tax_rate !== undefined) {
    const rate = input.tax_rate
    if (typeof rate !== "number" || !Number.isFinite(rate) || rate < 0 || rate >= 1) {
      throw invalidRequest(
        "parameter_invalid",
        "level2.tax_rate is a fraction between 0 and 1 (0.0825 for 8.25 %).",
        "level2.tax_rate"
      )
    }
    out.tax_amount ??= Math.round((amount * rate) / (1 + rate))
  }
  if (out.tax_amount !== undefined && out.tax_amount > amount) {
    throw invalidRequest("parameter_invalid", `level2.tax_amount (${out.tax_amount}) exceeds the amount (${amount}).`, "level2.tax_amount")
  }
  for (const field of TEXT_FIELDS) {
    const value = input[field]
    if (value === undefined) continue
    if (typeof value !== "string" || value.trim() === "") {
      throw invalidRequest("parameter_invalid", `level2.${field} must be a non-empty string.`, `level2.${field}`)
    }
    out[field] = value
  }
  if (input.destination_country_code !== undefined) {
    const code = input.destination_country_code
    if (!Number.isInteger(code) || code < 1 || code > 999) {
      throw invalidRequest("parameter_invalid", "level2.destination_country_code is a 3-digit numeric country code.", "level2.destination_country_code")
    }
    out.destination_country_code = code
  }
  if (input.split_shipment !== undefined) {
    if (typeof input.split_shipment !== "string" || !/^\d{1,2}\/\d{1,2}$/.test(input.split_shipment)) {
      throw invalidRequest("parameter_invalid", 'level2.split_shipment must look like "n/m".', "level2.split_shipment")
    }
    out.split_shipment = input.split_shipment
  }
  const indicator = input.tax_exempt === true ? 2 : input.tax_indicator
  if (indicator !== undefined) {
    if (indicator !== 0 && indicator !== 1 && indicator !== 2) {
      throw invalidRequest("parameter_invalid", "level2.tax_indicator must be 0, 1 or 2.", "level2.tax_indicator")
    }
    out.tax_indicator = indicator
  } else if (out.tax_amount !== undefined) {
    out.tax_indicator = 1
  }
  // Clover: "A pc_order_number is required when including a tax_amount."
  if (out.tax_amount !== undefined && out.pc_order_number === undefined) {
    throw invalidRequest("parameter_missing", "level2.pc_order_number is required with a tax amount.", "level2.pc_order_number")
  }
  return out
}

// --- shape checks (a 2xx body we cannot read is a malformed response) ----------------------------

export function isChargeWire(value: unknown): value is CloverCharge {
  return (
    isRecord(value) &&
    typeof value.id === "string" &&
    value.id !== "" &&
    typeof value.currency === "string" &&
    typeof value.status === "string" &&
    isAmount(value.amount) &&
    (value.amount_captured === undefined || isAmount(value.amount_captured)) &&
    (value.amount_refunded === undefined || isAmount(value.amount_refunded)) &&
    (value.captured === undefined || typeof value.captured === "boolean")
  )
}

export function isRefundWire(value: unknown): value is CloverRefund {
  return (
    isRecord(value) &&
    typeof value.id === "string" &&
    value.id !== "" &&
    typeof value.charge === "string" &&
    typeof value.currency === "string" &&
    typeof value.status === "string" &&
    isAmount(value.amount)
  )
}

export function isListOf<T>(guard: (value: unknown) => value is T): (value: unknown) => value is CloverList<T> {
  return (value: unknown): value is CloverList<T> => isRecord(value) && Array.isArray(value.data) && value.data.every(guard)
}
