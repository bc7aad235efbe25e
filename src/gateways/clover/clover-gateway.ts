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
  type CaptureRequest,
  type CaptureResult,
  type OperationLookup,
  type PaymentGateway,
  type PaymentSnapshot,
  type RefundResult,
} from "../gateway"
import { assertCents, confirm, hasCode, isMissing, settle } from "./answers"
import { CloverClient } from "./client"
import {
  CloverApiError,
  asOutcomeUnknown,
  capturedAmountOf,
  capturedByOurRequest,
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
} from "./mapper"
import {
  MAX_REFUND_PAGES,
  REFUND_KEY_METADATA,
  REFUND_PAGE_SIZE,
  collectPages,
  matchCapture,
  matchRefundById,
  matchRefundInList,
  type RefundWant,
} from "./lookup"
import type { CaptureChargeBody, CloverCharge, CloverList, CloverRefund, CreateRefundBody } from "./types"

export { REFUND_KEY_METADATA } from "./lookup"

import type { CloverAuthorizeRequest, CloverCaptureRequest, CloverGatewayOptions, CloverRefundRequest } from "./requests"

export type { CloverAuthorizeRequest, CloverCaptureRequest, CloverGatewayOptions, CloverRefundRequest } from "./requests"

const REFUND_REASONS = new Set(["duplicate", "fraudulent", "requested_by_customer"])

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
    const result = capturedByOurRequest(charge, req.amount)
    if (result) return result
    // A 200 whose body contradicts it (a failed charge, another captured amount): what happened
    // is for the reconciler's lookup and a person, not for this answer.
    throw asOutcomeUnknown(
      new CloverApiError({
        type: "api_error",
        code: "capture_answer_inconsistent",
        httpStatus: 200,
        message: `Clover answered the capture of ${req.amount} on charge ${req.paymentRef} with a charge that shows ${
          charge.status === "failed" ? "status failed" : `amount_captured ${String(charge.amount_captured)}`
        }.`,
      })
    )
  }

  private async alreadyCaptured(req: CaptureRequest, err: CloverApiError): Promise<CaptureResult> {
    const charge = await confirm(() => this.client.getCharge(req.paymentRef))
    const captured = capturedAmountOf(charge)
    // Captured for an amount Clover does not show: a discrepancy, judged by matchCapture.
    if (captured === null || captured >= req.amount) {
      // Ours only at our amount: a larger capture was made by another request. That is a
      // discrepancy (thrown, outcome unknown: the row stays requested for a person), not a success.
      const mine = settle(matchCapture(charge, { amount: req.amount }), (c) => toCaptureResult(c, req.amount))
      return { ...mine!, message: "Clover reported the charge as already captured." }
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
   * `POST /v1/refunds { charge, amount }`, sent once. Clover documents its idempotency key for
   * creating charges only (docs/gateways/clover.md#idempotency), so a refund whose answer was lost
   * is never sent again blindly: the charge's refunds are looked up at once; ours found there
   * settles the call, anything else leaves the outcome unknown (the row waits for the reconciler,
   * which looks again once the request can no longer be on its way, and for the operator). Our
   * key also goes into the refund's metadata, which helps the lookup where Clover keeps it.
   */
  async refund(req: CloverRefundRequest): Promise<RefundResult> {
    assertCents(req.amount)
    const body: CreateRefundBody = {
      charge: req.paymentRef,
      amount: req.amount,
      metadata: { [REFUND_KEY_METADATA]: req.idempotencyKey },
    }
    if (req.reason !== undefined && REFUND_REASONS.has(req.reason)) body.reason = req.reason as CreateRefundBody["reason"]
    const sentAt = Date.now()
    try {
      const refund = await this.client.createRefund(body, { idempotencyKey: req.idempotencyKey, clientIp: req.clientIp, retryUnclear: false })
      return toRefundResult(refund, req.currency)
    } catch (err) {
      if (isDecline(err)) return declinedRefund(err, req)
      if (isGatewayError(err) && err.outcomeUnknown) return this.refundAfterUnclearAnswer(req, sentAt, err)
      if (hasCode(err, "charge_already_refunded")) {
        // Possibly ours, answered late: only a refund carrying our key counts as success.
        const mine = await confirm(() =>
          this.findRefund({ chargeId: req.paymentRef, key: req.idempotencyKey, amount: req.amount, keyOnly: true })
        )
        if (mine) return mine
      }
      throw err
    }
  }

  /**
   * Looks for the refund an unclear attempt may have made. Found (by our key, or alone on the
   * documented fields): that is the answer. Not found, ambiguous, or the list unreadable: the
   * original error, outcome unknown; not found right now proves nothing, as the request may still
   * be on its way.
   */
  private async refundAfterUnclearAnswer(req: CloverRefundRequest, sentAt: number, unclear: Error): Promise<RefundResult> {
    let found: RefundResult | null
    try {
      found = await this.findRefund({
        chargeId: req.paymentRef,
        key: req.idempotencyKey,
        amount: req.amount,
        requestedAt: sentAt,
        claimedIds: req.claimedRefundIds,
      })
    } catch {
      throw unclear
    }
    if (found) return found
    throw unclear
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
    if (before.status !== "succeeded" || capturedAmountOf(before) !== 0 || isReleased(before)) {
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
   * shows none (the capture never happened) or does not exist; a `GatewayLookupDiscrepancy` when
   * it shows a capture of another amount than `lookup.amount` (made by another request).
   */
  async retrieveCapture(lookup: OperationLookup): Promise<CaptureResult | null> {
    const chargeId = lookup.gatewayId ? chargeIdOfCapture(lookup.gatewayId) : lookup.paymentRef
    let charge: CloverCharge
    try {
      charge = await this.client.getCharge(chargeId)
    } catch (err) {
      if (isMissing(err)) return null
      throw err
    }
    return settle(matchCapture(charge, { amount: lookup.amount }), (c) => toCaptureResult(c))
  }

  /**
   * By refund id when known, else in the charge's whole refund list: the refund carrying our key,
   * or the one refund that fits on Clover's documented fields (`lookup.amount`, created around
   * `lookup.requestedAt`). A list that cannot be read to its end, two that fit, or one of another
   * amount: a `GatewayLookupDiscrepancy`, never null.
   */
  async retrieveRefund(lookup: OperationLookup): Promise<RefundResult | null> {
    const chargeId = lookup.paymentRef
    if (lookup.gatewayId) {
      let refund: CloverRefund
      try {
        refund = await this.client.getRefund(lookup.gatewayId)
      } catch (err) {
        if (isMissing(err)) return null
        throw err
      }
      return settle(matchRefundById(refund, { chargeId, amount: lookup.amount }), toRefundResult)
    }
    return this.findRefund({
      chargeId,
      key: lookup.idempotencyKey,
      amount: lookup.amount,
      requestedAt: lookup.requestedAt?.getTime(),
      claimedIds: lookup.claimedIds,
    })
  }

  private async findRefund(want: RefundWant): Promise<RefundResult | null> {
    const listed = await collectPages(
      async (startingAfter): Promise<CloverList<CloverRefund>> => {
        try {
          return await this.client.listRefunds({ charge: want.chargeId, limit: REFUND_PAGE_SIZE, startingAfter })
        } catch (err) {
          // An unknown charge has no refunds; a 404 further on (a cursor Clover no longer knows)
          // leaves the list unread, which is thrown, never "not found".
          if (startingAfter === undefined && isMissing(err)) return { data: [], has_more: false }
          throw err
        }
      },
      { pageSize: REFUND_PAGE_SIZE, maxPages: MAX_REFUND_PAGES }
    )
    return settle(matchRefundInList(listed.items, listed.complete, want), toRefundResult)
  }
}
