/**
 * The port every payment gateway implements. Gateways translate between our
 * integer-minor-unit world and a provider's wire format; they never touch the
 * database. Outcomes are data (a decline is a result), faults are thrown
 * `GatewayError`s.
 */

/** Clover's error taxonomy, used for every gateway so callers branch on one set. */
export const GATEWAY_ERROR_TYPES = [
  "api_connection_error",
  "api_error",
  "authentication_error",
  "card_error",
  "idempotency_error",
  "invalid_request_error",
  "rate_limit_error",
] as const
export type GatewayErrorType = (typeof GATEWAY_ERROR_TYPES)[number]

export type GatewayErrorInit = {
  type: GatewayErrorType
  message: string
  code?: string
  declineCode?: string
  param?: string
  httpStatus?: number
  /** Safe to send the same request (same idempotency key) again. */
  retryable?: boolean
  /**
   * The request may have reached the gateway and been acted on (timeout, reset
   * after sending, 5xx). The caller must not mark the operation failed; it stays
   * unresolved until the gateway is asked (reconciliation).
   */
  outcomeUnknown?: boolean
  /** Milliseconds the gateway asked us to wait (Retry-After). */
  retryAfterMs?: number
}

export class GatewayError extends Error {
  readonly type: GatewayErrorType
  readonly code?: string
  readonly declineCode?: string
  readonly param?: string
  readonly httpStatus?: number
  readonly retryable: boolean
  readonly outcomeUnknown: boolean
  readonly retryAfterMs?: number

  constructor(init: GatewayErrorInit) {
    super(init.message)
    this.name = "GatewayError"
    this.type = init.type
    this.code = init.code
    this.declineCode = init.declineCode
    this.param = init.param
    this.httpStatus = init.httpStatus
    this.retryable = init.retryable ?? false
    this.outcomeUnknown = init.outcomeUnknown ?? false
    this.retryAfterMs = init.retryAfterMs
  }
}

export function isGatewayError(err: unknown): err is GatewayError {
  return err instanceof GatewayError
}

/**
 * Why a lookup could not settle a row although the gateway answered:
 * - `mismatch`: what the gateway shows for this operation (found by our key or id, or the only
 *   operation there can be, such as the one capture of a Clover charge) has another amount (or
 *   belongs to another payment);
 * - `ambiguous`: several operations fit, none can be told apart as ours;
 * - `incomplete`: the gateway's list could not be read to its end (page cap, a cursor that does not
 *   move), so "not there" cannot be concluded.
 */
/**
 * mismatch: another amount; ambiguous: several candidates; incomplete: the list could not be read
 * to its end; late_success: an operation declared never received that the gateway took after all,
 * when the ledger has taken that money again since; amount_unknown: the gateway shows the operation
 * done but not for how much (Clover's charge without `amount_captured`).
 */
export type LookupDiscrepancyReason = "mismatch" | "ambiguous" | "incomplete" | "late_success" | "amount_unknown"

/** An operation the gateway showed, as the discrepancy names it to a person. */
export type LookupCandidate = { id?: string; amount: number; status?: string; created?: string }

/**
 * A lookup (`retrieveCapture`/`retrieveRefund`) found something that does not match the row, or
 * cannot tell. Thrown rather than returned: `CaptureResult | null` can only say "this is it" or
 * "there is nothing", and either would settle the row wrongly (a foreign capture taken as ours,
 * or ours declared never received and done again). It is a `GatewayError` with
 * `outcomeUnknown`, so any caller that does not know it leaves the row `requested`
 * (`patchFromError`); the reconciler reports it under `discrepancies` and never fails the row.
 */
export class GatewayLookupDiscrepancy extends GatewayError {
  readonly reason: LookupDiscrepancyReason
  readonly candidates: LookupCandidate[]

  constructor(init: { reason: LookupDiscrepancyReason; message: string; candidates?: LookupCandidate[] }) {
    super({ type: "api_error", code: "lookup_discrepancy", message: init.message, retryable: false, outcomeUnknown: true })
    this.name = "GatewayLookupDiscrepancy"
    this.reason = init.reason
    this.candidates = init.candidates ?? []
  }
}

export function isLookupDiscrepancy(err: unknown): err is GatewayLookupDiscrepancy {
  return err instanceof GatewayLookupDiscrepancy
}

/** Where an operation stands at the gateway. Unknown gateway states map to "pending", never "succeeded". */
export type GatewayOperationStatus = "pending" | "succeeded" | "failed"

export type AuthorizeRequest = {
  amount: number
  currency: string
  idempotencyKey: string
  /** Card token or payment-method reference, gateway specific. */
  source?: string
  description?: string
  metadata?: Record<string, unknown>
}

export type AuthorizationStatus = "authorized" | "requires_more" | "failed" | "canceled"

export type PaymentSnapshot = {
  /** The gateway's id of the payment/charge we capture against. */
  paymentRef: string
  status: AuthorizationStatus | "captured" | "partially_captured" | "refunded"
  currency: string
  amountAuthorized: number
  amountCaptured: number
  /**
   * The gateway shows money captured but not how much (Clover without `amount_captured`):
   * `amountCaptured` is then 0 and means nothing; nothing may be derived from it.
   */
  capturedAmountUnknown?: true
  amountRefunded: number
  /** What the gateway still lets us capture. */
  amountCapturable: number
  redirectUrl?: string
  /** What a storefront confirms the payment with in the gateway's own script (Stripe.js). */
  clientSecret?: string
  declineCode?: string
  message?: string
  raw: unknown
}

export type CaptureRequest = {
  paymentRef: string
  amount: number
  currency: string
  /** Deterministic, derived from our capture row id. */
  idempotencyKey: string
  description?: string
  metadata?: Record<string, unknown>
}

export type CaptureResult = {
  status: GatewayOperationStatus
  gatewayCaptureId?: string
  gatewayTransactionId?: string
  token?: string
  amount: number
  currency: string
  /** Filled when status is "failed": the gateway's decline. */
  errorCode?: string
  declineCode?: string
  message?: string
  raw: unknown
}

export type RefundRequest = {
  paymentRef: string
  /** The gateway's capture id, for gateways that refund per capture. */
  gatewayCaptureId?: string
  amount: number
  currency: string
  idempotencyKey: string
  reason?: string
  /**
   * Free text about the refund that the gateway may show the shopper: the operator's note.
   * A gateway that requires a description (Mollie) builds one when this is absent or blank.
   */
  description?: string
  /** Our refund's id, so a gateway can name the refund when it has to describe it. */
  refundId?: string
  /** The display id (`#1001`) of the order the payment belongs to; null when there is none. */
  orderDisplayId?: number | null
  /**
   * Gateway refund ids the ledger already holds for other refunds of this payment: a gateway that
   * has to find a refund by its fields (Clover) never takes one of these for this refund.
   */
  claimedRefundIds?: readonly string[]
}

export type RefundResult = {
  status: GatewayOperationStatus
  gatewayRefundId?: string
  amount: number
  /** When the gateway names it (Clover's refund object does not); the ledger keeps the row's own. */
  currency?: string
  errorCode?: string
  declineCode?: string
  message?: string
  raw: unknown
}

/** How to find an operation again when we do not know whether the gateway saw it. */
export type OperationLookup = {
  paymentRef: string
  gatewayId?: string
  idempotencyKey: string
  /**
   * What the row asked for. A gateway that finds the operation by anything but an exact key
   * checks it against this; a different amount is a `GatewayLookupDiscrepancy`, not a match.
   */
  amount?: number
  /**
   * When the row was written, just before the call: bounds the gateway's creation time of a
   * candidate when the operation has to be matched on the gateway's documented fields.
   */
  requestedAt?: Date
  /** Gateway ids the ledger already holds for other operations of this payment: never this row's. */
  claimedIds?: readonly string[]
  /**
   * For a lookup without `gatewayId` at a gateway that finds operations by listing them
   * (Mollie): read at most this many pages. When the operation is not found within them the
   * lookup throws a `GatewayError` with code `LOOKUP_PAGE_LIMIT`, never null: "not on the
   * first pages" is not "the gateway never received it". Unset: the gateway's own ceiling.
   */
  maxPages?: number
}

/** The code of the error a lookup throws when it stopped at its `maxPages`. */
export const LOOKUP_PAGE_LIMIT = "lookup_page_limit"

export function isLookupPageLimit(err: unknown): boolean {
  return isGatewayError(err) && err.code === LOOKUP_PAGE_LIMIT
}

export interface PaymentGateway {
  readonly name: string
  authorize(req: AuthorizeRequest): Promise<PaymentSnapshot>
  capture(req: CaptureRequest): Promise<CaptureResult>
  /**
   * Why the gateway would refuse this capture's metadata (as `capture` would
   * send it), or null. Asked before the capture is written, so a request the
   * gateway cannot take is refused with a 400 instead of failing at the gateway.
   */
  captureMetadataProblem?(metadata: Record<string, unknown>, idempotencyKey: string): string | null
  refund(req: RefundRequest): Promise<RefundResult>
  /** Release what is left of the authorization. */
  cancel(paymentRef: string, idempotencyKey: string): Promise<PaymentSnapshot>
  retrieve(paymentRef: string): Promise<PaymentSnapshot>
  /**
   * null when the gateway has no such capture (it never received the call). Throws a
   * `GatewayLookupDiscrepancy` when it shows something that does not match, or cannot tell.
   */
  retrieveCapture(lookup: OperationLookup): Promise<CaptureResult | null>
  /** As `retrieveCapture`, for a refund. */
  retrieveRefund(lookup: OperationLookup): Promise<RefundResult | null>
}
