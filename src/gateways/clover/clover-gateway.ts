/**
 * The Clover adapter: implements the `PaymentGateway` port on top of `CloverClient`.
 *
 * Clover's model (docs/gateways/clover.md#endpoints): a payment is a charge; an authorization is
 * a charge created with `capture: false`; a capture is `POST /v1/charges/{id}/capture` on it (one
 * per charge, assumed 3 there); a release is a refund of the uncaptured charge (there is no void
 * endpoint; assumed 5). Declines (`card_error`) come back as failed results; every other failure
 * is a thrown `GatewayError`.
 */
import {
  isGatewayError,
  type AuthorizeRequest,
  type CaptureRequest,
  type CaptureResult,
  type OperationLookup,
  type PaymentGateway,
  type PaymentSnapshot,
  type RefundRequest,
  type RefundResult,
} from "../gateway"
import { CloverClient, type CloverClientOptions, type CloverEnvironment } from "./client"
import {
  CloverApiError,
  asOutcomeUnknown,
  capturedAmountOf,
  chargeIdOfCapture,
  declinedAuthorization,
  declinedCapture,
  declinedRefund,
  invalidRequest,
  isDecline,
  isReleased,
  toCaptureResult,
  toLevel2Wire,
  toPaymentSnapshot,
  toRefundResult,
  type CloverLevel2Input,
} from "./mapper"
import type { CaptureChargeBody, CloverCharge, CreateRefundBody } from "./types"

export type CloverGatewayOptions = {
  /** The Ecommerce private key. */
  privateKey: string
  /** Default "sandbox"; "production" is live mode. */
  environment?: CloverEnvironment
  /** Overrides the environment's base URL (e.g. the local simulator). */
  baseUrl?: string
  /** Per attempt. Default 10 000 ms. */
  timeoutMs?: number
  /** Retries after the first attempt. Default 2. */
  maxRetries?: number
  /** Sent as `x-forwarded-for`, which Clover requires on charges and captures. */
  clientIp?: string
  fetch?: typeof fetch
} & Pick<CloverClientOptions, "initialBackoffMs" | "maxBackoffMs" | "maxRetryAfterMs">

export type CloverCaptureRequest = CaptureRequest & {
  /** Overrides any receipt email of the charge (docs/gateways/clover.md#capture). */
  receiptEmail?: string
  /** Level 2 purchase-card data; money in integer minor units. */
  level2?: CloverLevel2Input
  clientIp?: string
}

export type CloverAuthorizeRequest = AuthorizeRequest & { receiptEmail?: string; clientIp?: string }

export type CloverRefundRequest = RefundRequest & { clientIp?: string }

/** Key under which our idempotency key is stored in a refund's metadata (see `retrieveRefund`). */
export const REFUND_KEY_METADATA = "idempotency_key"

const REFUND_REASONS = new Set(["duplicate", "fraudulent", "requested_by_customer"])

function assertCents(amount: number, param = "amount"): void {
  if (!Number.isSafeInteger(amount) || amount <= 0) {
    throw invalidRequest("parameter_invalid", `${param} must be a positive integer in minor units, got ${String(amount)}.`, param)
  }
}

/**
 * A read that decides an operation Clover may already have done (after a 200 we could not read
 * as a capture, or an "already captured/refunded" answer). If the read fails, the operation's
 * outcome is unknown, never "failed": marking it failed could hide money moved.
 */
async function confirm<T>(read: () => Promise<T>): Promise<T> {
  try {
    return await read()
  } catch (err) {
    throw isGatewayError(err) && !err.outcomeUnknown ? asOutcomeUnknown(err) : err
  }
}

const hasCode = (err: unknown, code: string): err is CloverApiError => isGatewayError(err) && err.code === code
const isMissing = (err: unknown): boolean => isGatewayError(err) && err.httpStatus === 404

export class CloverGateway implements PaymentGateway {
  readonly name = "clover"
  readonly mode: "test" | "live"
  readonly client: CloverClient

  constructor(options: CloverGatewayOptions) {
    this.client = new CloverClient(options)
    this.mode = this.client.environment === "production" ? "live" : "test"
  }

  /** An auth-only charge (`capture: false`) on the card token. */
  async authorize(req: CloverAuthorizeRequest): Promise<PaymentSnapshot> {
    assertCents(req.amount)
    if (!req.source) throw invalidRequest("parameter_missing", "Clover needs a card token (clv_…) as source.", "source")
    try {
      const charge = await this.client.createCharge(
        {
          amount: req.amount,
          currency: req.currency.toLowerCase(),
          source: req.source,
          capture: false,
          description: req.description,
          metadata: req.metadata,
          receipt_email: req.receiptEmail,
        },
        { idempotencyKey: req.idempotencyKey, clientIp: req.clientIp }
      )
      return toPaymentSnapshot(charge)
    } catch (err) {
      if (isDecline(err)) return declinedAuthorization(err, req)
      throw err
    }
  }

  async retrieve(paymentRef: string): Promise<PaymentSnapshot> {
    return toPaymentSnapshot(await this.client.getCharge(paymentRef))
  }

  /**
   * Captures `amount` of the charge (Clover releases the rest). `charge_already_captured`
   * ("Do not retry", docs/gateways/clover.md#errors) means an earlier request captured it,
   * perhaps ours whose answer was lost: the charge is re-read and the capture is a success when
   * its captured amount covers this request.
   */
  async capture(req: CloverCaptureRequest): Promise<CaptureResult> {
    assertCents(req.amount)
    const body: CaptureChargeBody = { amount: req.amount }
    if (req.receiptEmail !== undefined) body.receipt_email = req.receiptEmail
    if (req.level2 !== undefined) body.level2 = toLevel2Wire(req.level2, req.amount)
    let charge: CloverCharge
    try {
      charge = await this.client.captureCharge(req.paymentRef, body, {
        idempotencyKey: req.idempotencyKey,
        clientIp: req.clientIp,
      })
    } catch (err) {
      if (isDecline(err)) return declinedCapture(err, { ...req, chargeId: req.paymentRef })
      if (hasCode(err, "charge_already_captured")) return this.alreadyCaptured(req, err)
      throw err
    }
    const result = toCaptureResult(charge, req.amount)
    // A 200 whose body does not show the capture (Clover's own sample does this; assumed 7 in
    // docs/gateways/clover.md): trust a fresh GET instead; if that does not show it either, the
    // capture stays pending.
    if (result.status !== "pending") return result
    return toCaptureResult(await confirm(() => this.client.getCharge(req.paymentRef)), req.amount)
  }

  private async alreadyCaptured(req: CaptureRequest, err: CloverApiError): Promise<CaptureResult> {
    const charge = await confirm(() => this.client.getCharge(req.paymentRef))
    const captured = capturedAmountOf(charge)
    if (captured >= req.amount) {
      const result = toCaptureResult(charge, req.amount)
      const note = captured > req.amount ? ` (the charge shows ${captured} captured, more than the ${req.amount} requested)` : ""
      return { ...result, message: `Clover reported the charge as already captured${note}.` }
    }
    throw new CloverApiError({
      type: err.type,
      code: err.code,
      httpStatus: err.httpStatus,
      param: err.param,
      message: `The charge was already captured for ${captured}, less than the ${req.amount} requested; Clover allows one capture per charge.`,
    })
  }

  /**
   * `POST /v1/refunds { charge, amount }`. Our idempotency key is also stored in the refund's
   * metadata so `retrieveRefund` can find the refund without its id.
   */
  async refund(req: CloverRefundRequest): Promise<RefundResult> {
    assertCents(req.amount)
    const body: CreateRefundBody = {
      charge: req.paymentRef,
      amount: req.amount,
      metadata: { [REFUND_KEY_METADATA]: req.idempotencyKey },
    }
    if (req.reason !== undefined && REFUND_REASONS.has(req.reason)) body.reason = req.reason as CreateRefundBody["reason"]
    try {
      const refund = await this.client.createRefund(body, { idempotencyKey: req.idempotencyKey, clientIp: req.clientIp })
      return toRefundResult(refund)
    } catch (err) {
      if (isDecline(err)) return declinedRefund(err, req)
      if (hasCode(err, "charge_already_refunded")) {
        // Possibly ours, answered late: only a refund carrying our key counts as success.
        const mine = await confirm(() => this.retrieveRefund({ paymentRef: req.paymentRef, idempotencyKey: req.idempotencyKey }))
        if (mine) return mine
      }
      throw err
    }
  }

  /**
   * Releases an uncaptured authorization: Clover has no void, the hold is released by
   * refunding the uncaptured charge (assumed 5 in docs/gateways/clover.md). A charge that is
   * captured (the rest was released by the capture) or already released has nothing left to
   * release: its snapshot is returned and nothing is sent, so releasing twice is not an error.
   *
   * Capturing and releasing one payment concurrently must be prevented by the caller (the
   * ledger locks the payment row): a refund that raced past a capture would refund money.
   */
  async cancel(paymentRef: string, idempotencyKey: string): Promise<PaymentSnapshot> {
    const before = await this.client.getCharge(paymentRef)
    if (before.status !== "succeeded" || capturedAmountOf(before) > 0 || isReleased(before)) {
      return toPaymentSnapshot(before)
    }
    try {
      await this.client.createRefund({ charge: paymentRef }, { idempotencyKey })
    } catch (err) {
      if (!hasCode(err, "charge_already_refunded")) throw err
    }
    return toPaymentSnapshot(await this.client.getCharge(paymentRef))
  }

  /**
   * Clover has no capture object: the capture is read off the charge. null when the charge
   * shows none (the capture never happened) or does not exist.
   */
  async retrieveCapture(lookup: OperationLookup): Promise<CaptureResult | null> {
    const chargeId = lookup.gatewayId ? chargeIdOfCapture(lookup.gatewayId) : lookup.paymentRef
    try {
      const charge = await this.client.getCharge(chargeId)
      return capturedAmountOf(charge) > 0 ? toCaptureResult(charge) : null
    } catch (err) {
      if (isMissing(err)) return null
      throw err
    }
  }

  /** By refund id when known, else the charge's refund whose metadata carries our key. */
  async retrieveRefund(lookup: OperationLookup): Promise<RefundResult | null> {
    try {
      if (lookup.gatewayId) return toRefundResult(await this.client.getRefund(lookup.gatewayId))
      const { data } = await this.client.listRefunds({ charge: lookup.paymentRef })
      const found = data.find((refund) => refund.metadata?.[REFUND_KEY_METADATA] === lookup.idempotencyKey)
      return found ? toRefundResult(found) : null
    } catch (err) {
      if (isMissing(err)) return null
      throw err
    }
  }
}
