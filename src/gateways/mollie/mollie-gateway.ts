/**
 * Mollie (Payments API v2, `captureMode: "manual"`) behind the `PaymentGateway` port.
 *
 * - authorize creates the payment; the shopper authorizes it on Mollie's hosted checkout
 *   (`redirectUrl` of the snapshot), so it starts as `requires_more`.
 * - Captures are asynchronous at Mollie (created `pending`, then `succeeded`/`failed`, with a
 *   webhook; docs/gateways/mollie.md#captures): `capture` returns the pending result,
 *   `retrieveCapture` or the webhook tells the rest.
 * - Every capture and refund carries `metadata.medusa_key` = our idempotency key, so an
 *   operation whose response was lost can be found again by listing, as Mollie's idempotency
 *   guide suggests (docs/gateways/mollie.md#idempotency); Mollie's own idempotency cache is
 *   only a first line of defence.
 * - Every refund carries a description, which Mollie's create-refund requires
 *   (docs/gateways/mollie.md#refunds): the operator's note, else one naming the refund and order.
 * - Faults are thrown `GatewayError`s (see mapper.ts for retryable / outcomeUnknown).
 */
import { isCurrencyCode } from "../../domain"
import {
  GatewayError,
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
import { assertMinorUnits } from "../common/amounts"
import { MollieClient, type MollieClientOptions } from "./client"
import {
  fromMollieAmount,
  medusaKeyOf,
  refundDescription,
  toCaptureResult,
  toMollieAmount,
  toPaymentSnapshot,
  toRefundResult,
} from "./mapper"
import type { CreatePaymentBody, MollieCapture, MollieMode, MolliePaymentStatus, MollieRefund } from "./types"

export type MollieGatewayOptions = MollieClientOptions & {
  /** Where Mollie's hosted checkout sends the shopper back to (required by Mollie, docs/gateways/mollie.md#payments). */
  redirectUrl: string
  /** Our webhook endpoint; without it captures settle only by polling/reconciliation. */
  webhookUrl?: string
}

/** Mollie requires a description on every payment (docs/gateways/mollie.md#payments). */
const DEFAULT_DESCRIPTION = "Order"

/** Statuses after which there is nothing left to release. */
const FINAL_STATUSES: ReadonlySet<MolliePaymentStatus> = new Set(["paid", "canceled", "expired", "failed"])

/** Our amount in Mollie's format; a bad currency is the caller's mistake, not Mollie's. */
function mollieAmount(amount: number, currency: string) {
  assertMinorUnits(amount)
  if (!isCurrencyCode(currency)) {
    throw new GatewayError({
      type: "invalid_request_error",
      code: "parameter_invalid",
      param: "currency",
      message: `currency must be a three-letter ISO 4217 code, got ${JSON.stringify(currency)}.`,
    })
  }
  return toMollieAmount(amount, currency)
}

const isStatus = (err: unknown, status: number): err is GatewayError => isGatewayError(err) && err.httpStatus === status

const MOLLIE_METADATA_MAX_BYTES = 1024

/** A capture's metadata as sent: our key last, so a caller's metadata can never hide the key we look captures up by. */
function captureMetadata(metadata: Record<string, unknown>, idempotencyKey: string): Record<string, unknown> {
  return { ...metadata, medusa_key: idempotencyKey }
}

export class MollieGateway implements PaymentGateway {
  readonly name = "mollie"
  readonly mode: MollieMode
  readonly client: MollieClient
  private readonly redirectUrl: string
  private readonly webhookUrl?: string

  constructor(options: MollieGatewayOptions) {
    const { redirectUrl, webhookUrl, ...clientOptions } = options
    this.client = new MollieClient(clientOptions)
    this.mode = this.client.mode
    if (typeof redirectUrl !== "string" || redirectUrl.trim() === "") {
      throw new GatewayError({
        type: "invalid_request_error",
        code: "parameter_missing",
        param: "redirectUrl",
        message: "Mollie needs a redirectUrl to send the shopper back to after the checkout.",
      })
    }
    this.redirectUrl = redirectUrl
    this.webhookUrl = webhookUrl
  }

  /** Creates the payment (`POST /v2/payments`, captureMode manual). */
  async authorize(req: AuthorizeRequest): Promise<PaymentSnapshot> {
    const body: CreatePaymentBody = {
      amount: mollieAmount(req.amount, req.currency),
      description: req.description?.trim() || DEFAULT_DESCRIPTION,
      redirectUrl: this.redirectUrl,
      captureMode: "manual",
      metadata: { ...req.metadata, medusa_key: req.idempotencyKey },
    }
    if (this.webhookUrl) body.webhookUrl = this.webhookUrl
    // A Mollie Components card token pays by card without choosing on the checkout page.
    if (req.source?.startsWith("tkn_")) {
      body.method = "creditcard"
      body.cardToken = req.source
    } else if (req.source) {
      body.method = req.source
    }
    const { data } = await this.client.createPayment(body, req.idempotencyKey)
    return toPaymentSnapshot(data)
  }

  /** The payment with its captures embedded, so pending captures do not count as capturable. */
  async retrieve(paymentRef: string): Promise<PaymentSnapshot> {
    const { data } = await this.client.getPayment(paymentRef, { embed: ["captures"] })
    return toPaymentSnapshot(data)
  }

  /** `POST /v2/payments/{id}/captures`; the result is usually `pending` (capture is async). */
  async capture(req: CaptureRequest): Promise<CaptureResult> {
    const { data } = await this.client.createCapture(
      req.paymentRef,
      {
        amount: mollieAmount(req.amount, req.currency),
        description: req.description,
        metadata: captureMetadata(req.metadata ?? {}, req.idempotencyKey),
      },
      req.idempotencyKey
    )
    return toCaptureResult(data, req)
  }

  /** Mollie takes "up to approximately 1kB" of metadata (docs/gateways/mollie.md#conventions): 1024 bytes of JSON, our key included. */
  captureMetadataProblem(metadata: Record<string, unknown>, idempotencyKey: string): string | null {
    const bytes = Buffer.byteLength(JSON.stringify(captureMetadata(metadata, idempotencyKey)), "utf8")
    if (bytes <= MOLLIE_METADATA_MAX_BYTES) return null
    return (
      `is ${bytes} bytes as JSON as Mollie would receive it (with the medusa_capture_id, medusa_payment_id and ` +
      `medusa_key the plugin adds); Mollie takes at most ${MOLLIE_METADATA_MAX_BYTES}`
    )
  }

  /**
   * `POST /v2/payments/{id}/refunds`. Mollie refunds per payment; `gatewayCaptureId` is unused.
   * `description` is required by Mollie: the note, else one built from the refund and order ids.
   * (`reason` is Medusa's category, e.g. "return": not something to show the shopper.)
   */
  async refund(req: RefundRequest): Promise<RefundResult> {
    const { data } = await this.client.createRefund(
      req.paymentRef,
      {
        amount: mollieAmount(req.amount, req.currency),
        description: refundDescription({ note: req.description, refundId: req.refundId, orderDisplayId: req.orderDisplayId }),
        metadata: { medusa_key: req.idempotencyKey },
      },
      req.idempotencyKey
    )
    return toRefundResult(data)
  }

  /**
   * Releases what is left of the authorization: release-authorization (202) while the payment
   * is authorized, else `DELETE` where Mollie says it is cancelable (an open payment). A payment
   * that is already final has nothing left to release: calling this twice is not an error.
   * Returns the fresh snapshot.
   */
  async cancel(paymentRef: string, idempotencyKey: string): Promise<PaymentSnapshot> {
    const { data: payment } = await this.client.getPayment(paymentRef)
    if (!FINAL_STATUSES.has(payment.status)) {
      try {
        if (payment.status === "authorized") {
          await this.client.releaseAuthorization(paymentRef, idempotencyKey)
        } else if (payment.isCancelable) {
          await this.client.cancelPayment(paymentRef, idempotencyKey)
        } else {
          throw new GatewayError({
            type: "invalid_request_error",
            code: "payment_not_cancelable",
            message: `The Mollie payment is ${payment.status} and cannot be canceled now.`,
            httpStatus: 422,
          })
        }
      } catch (err) {
        // 422: someone else moved the payment on meanwhile (captured, canceled, expired).
        // Final now means there is nothing left to release; anything else is a real refusal.
        if (!isStatus(err, 422)) throw err
        const fresh = await this.retrieve(paymentRef)
        if (!FINAL_STATUSES.has((fresh.raw as { status: MolliePaymentStatus }).status)) throw err
        return fresh
      }
    }
    return this.retrieve(paymentRef)
  }

  /**
   * By Mollie id when known, else the capture whose `metadata.medusa_key` is our key; null when
   * Mollie has none (it never received the request, or the payment does not exist). The listing
   * stops at the page where the key is found, and reads at most `lookup.maxPages` pages (then
   * throws `LOOKUP_PAGE_LIMIT`).
   */
  async retrieveCapture(lookup: OperationLookup): Promise<CaptureResult | null> {
    try {
      if (lookup.gatewayId) {
        const { data } = await this.client.getCapture(lookup.paymentRef, lookup.gatewayId)
        return this.captureResult(data)
      }
      const ours = (capture: MollieCapture) => medusaKeyOf(capture) === lookup.idempotencyKey
      const found = (await this.client.listAllCaptures(lookup.paymentRef, { maxPages: lookup.maxPages, until: ours })).find(ours)
      return found ? this.captureResult(found) : null
    } catch (err) {
      if (isStatus(err, 404)) return null
      throw err
    }
  }

  /**
   * Same as retrieveCapture for refunds. Mollie answers 404 for a canceled refund ("No item
   * with this ID exists, or the refund was canceled", get-refund in docs/gateways/mollie.md#refunds),
   * so a canceled refund is null too.
   */
  async retrieveRefund(lookup: OperationLookup): Promise<RefundResult | null> {
    try {
      if (lookup.gatewayId) {
        return toRefundResult((await this.client.getRefund(lookup.paymentRef, lookup.gatewayId)).data)
      }
      const ours = (refund: MollieRefund) => medusaKeyOf(refund) === lookup.idempotencyKey
      const found = (await this.client.listAllRefunds(lookup.paymentRef, { maxPages: lookup.maxPages, until: ours })).find(ours)
      return found ? toRefundResult(found) : null
    } catch (err) {
      if (isStatus(err, 404)) return null
      throw err
    }
  }

  // --- extras beyond the port ------------------------------------------------------------------

  /** Every capture of the payment, oldest first. */
  async listCaptures(paymentRef: string): Promise<CaptureResult[]> {
    const captures = await this.client.listAllCaptures(paymentRef)
    return Promise.all(captures.map((capture) => this.captureResult(capture)))
  }

  /** Every (not canceled) refund of the payment, oldest first. */
  async listRefunds(paymentRef: string): Promise<RefundResult[]> {
    return (await this.client.listAllRefunds(paymentRef)).map(toRefundResult)
  }

  /**
   * Cancels a refund. Mollie allows it only while the refund is `queued` or `pending`
   * (cancel-refund, docs/gateways/mollie.md#refunds); we check first for a clear error, and
   * Mollie checks again (the refund may move on in between). Returns the refund as canceled:
   * Mollie itself answers 404 for it from now on.
   */
  async cancelRefund(paymentRef: string, refundId: string): Promise<RefundResult> {
    const { data: refund } = await this.client.getRefund(paymentRef, refundId)
    if (refund.status !== "queued" && refund.status !== "pending") {
      throw new GatewayError({
        type: "invalid_request_error",
        code: "refund_not_cancelable",
        param: "refundId",
        message: `The refund is ${refund.status}; Mollie cancels refunds only while queued or pending.`,
        httpStatus: 422,
      })
    }
    // Deterministic key: cancelling the same refund again is the same request.
    await this.client.cancelRefund(paymentRef, refundId, `cancel_refund_${refundId}`)
    return toRefundResult({ ...refund, status: "canceled" })
  }

  /** A capture without an amount captured "the full authorized amount" (spec): ask the payment. */
  private async captureResult(wire: MollieCapture): Promise<CaptureResult> {
    if (wire.amount) return toCaptureResult(wire, { amount: 0, currency: wire.amount.currency })
    const { data: payment } = await this.client.getPayment(wire.paymentId)
    return toCaptureResult(wire, fromMollieAmount(payment.amount))
  }
}
