/**
 * Pure translation between Clover's wire objects and the gateway port: charge →
 * `PaymentSnapshot` / `CaptureResult`, refund → `RefundResult`, card errors → failed results,
 * No I/O; every function is table-tested. HTTP failures → `GatewayError` live in `errors.ts`, our
 * Level 2 input → Clover's `level2` in `level2.ts` (both re-exported here).
 *
 * Clover has no capture object: a capture is an operation on the charge
 * (docs/gateways/clover.md#endpoints, #the-charge-object), so a capture's identity and state are
 * read off the charge (`captured`, `amount_captured`).
 */
import type { CaptureResult, GatewayOperationStatus, PaymentSnapshot, RefundResult } from "../gateway"
import type { CloverApiError } from "./errors"
import type { CloverCharge, CloverList, CloverRefund } from "./types"

export * from "./errors"
export * from "./level2"

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
 * What a charge read with GET shows as captured: 0 while it does not say `captured: true`; its
 * `amount_captured` when it carries one; null (unknown) when it says captured without saying how
 * much. `amount_captured` appears in one sample of Clover's (the split-shipment page) and in no
 * field table, so its absence is "unknown", never "the whole charge": taking the whole charge would
 * book money that may never have been taken (docs/gateways/clover.md#the-charge-object).
 */
export function capturedAmountOf(charge: Pick<CloverCharge, "captured" | "amount_captured">): number | null {
  if (charge.captured !== true) return 0
  return isAmount(charge.amount_captured) && charge.amount_captured > 0 ? charge.amount_captured : null
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
  if (captured === null) return "captured"
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
  const shown = capturedAmountOf(charge)
  const captured = shown ?? 0
  return {
    paymentRef: charge.id,
    status,
    currency: charge.currency.toLowerCase(),
    amountAuthorized: status === "failed" ? 0 : charge.amount,
    amountCaptured: captured,
    ...(shown === null ? { capturedAmountUnknown: true as const } : {}),
    // Refunding an uncaptured charge only releases the hold: no money went back.
    amountRefunded: shown === null ? charge.amount_refunded ?? 0 : captured > 0 ? Math.min(charge.amount_refunded ?? 0, captured) : 0,
    amountCapturable: status === "authorized" ? charge.amount : 0,
    declineCode: status === "failed" ? charge.failure_code ?? undefined : undefined,
    message: charge.failure_message ?? charge.warning_message ?? undefined,
    raw: charge,
  }
}

const captureBase = (charge: CloverCharge) => ({
  gatewayCaptureId: captureIdOf(charge.id),
  gatewayTransactionId: charge.ref_num ?? undefined,
  token: charge.auth_code ?? undefined,
  currency: charge.currency.toLowerCase(),
  raw: charge,
})

/**
 * Clover's 200 to our capture of `requested` (docs/gateways/clover.md#capture): a 200 "returns
 * the charge object with any captured value set to true", so the answer itself is the proof, for
 * the amount we sent; its body's `captured` flag is not read (Clover's own sample says `false`).
 * null when the body contradicts that: a failed charge, or an `amount_captured` other than ours.
 */
export function capturedByOurRequest(charge: CloverCharge, requested: number): CaptureResult | null {
  if (charge.status === "failed") return null
  if (isAmount(charge.amount_captured) && charge.amount_captured > 0 && charge.amount_captured !== requested) return null
  return { ...captureBase(charge), status: "succeeded", amount: requested }
}

/**
 * The capture a charge read with GET shows (a lookup). `requested` is what we asked for; it is
 * reported while the charge does not show a capture, which is "pending" (ask again), never
 * "succeeded". A charge that shows a capture of an unknown amount is for `matchCapture` to judge,
 * never passed here.
 */
export function toCaptureResult(charge: CloverCharge, requested?: number): CaptureResult {
  const captured = capturedAmountOf(charge) ?? 0
  const base = captureBase(charge)
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

/** `currency`: the charge's, for refunds that do not name theirs (Clover's documented refund object does not). */
export function toRefundResult(refund: CloverRefund, currency?: string): RefundResult {
  const status = mapRefundStatus(refund.status)
  return {
    status,
    gatewayRefundId: refund.id,
    amount: refund.amount,
    currency: (refund.currency ?? currency)?.toLowerCase(),
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

/** Clover's refund object is `{ id, object, amount, charge, created, status }`: no currency, no metadata. */
export function isRefundWire(value: unknown): value is CloverRefund {
  return (
    isRecord(value) &&
    typeof value.id === "string" &&
    value.id !== "" &&
    typeof value.charge === "string" &&
    (value.currency === undefined || typeof value.currency === "string") &&
    typeof value.status === "string" &&
    isAmount(value.amount)
  )
}

export function isListOf<T>(guard: (value: unknown) => value is T): (value: unknown) => value is CloverList<T> {
  return (value: unknown): value is CloverList<T> => isRecord(value) && Array.isArray(value.data) && value.data.every(guard)
}
