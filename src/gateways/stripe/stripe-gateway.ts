import type Stripe from "stripe"
import {
  GatewayError,
  LOOKUP_PAGE_LIMIT,
  type AuthorizeRequest,
  type CaptureRequest,
  type CaptureResult,
  type OperationLookup,
  type PaymentGateway,
  type PaymentSnapshot,
  type RefundRequest,
  type RefundResult,
} from "../gateway"
import { StripeClient } from "./client"
import {
  captureFromIntent,
  captureMetadata,
  multicaptureAvailable,
  refundFromList,
  stripeRefundReason,
  toCaptureResult,
  toPaymentSnapshot,
  toRefundResult,
} from "./mapper"
import { REFUND_KEY_METADATA, type PaymentIntent, type StripeGatewayOptions, type StripeMode } from "./types"

const EXPAND_CHARGE = ["latest_charge"]
/** Refunds read per page when one is looked for, and the most pages read. */
const REFUND_PAGE = 100
const REFUND_MAX_PAGES = 10

/**
 * Stripe PaymentIntents with manual capture (docs/gateways/stripe.md):
 * authorize creates the intent (the storefront confirms it with Stripe.js and
 * its client secret), capture is `amount_to_capture` on the intent — with
 * `final_capture: false` while a multicapture authorization keeps a rest —,
 * refunds are made on the intent, cancel releases what is left.
 */
export class StripeGateway implements PaymentGateway {
  readonly name = "stripe"
  readonly mode: StripeMode
  readonly #client: StripeClient
  readonly #multicapture: boolean
  readonly #webhookSecret?: string

  constructor(options: StripeGatewayOptions) {
    this.#client = new StripeClient(options)
    this.mode = this.#client.mode
    this.#multicapture = options.multicapture ?? false
    this.#webhookSecret = options.webhookSecret
  }

  /**
   * A webhook's event, once its `Stripe-Signature` is verified against the
   * endpoint's secret with Stripe's default tolerance; throws otherwise (also
   * when no secret is configured: an unverifiable event is never taken).
   */
  verifyEvent(rawBody: Buffer | string, signature: string | undefined): Stripe.Event {
    if (!this.#webhookSecret) throw new Error("no webhookSecret is configured for stripe-captures")
    if (!signature) throw new Error("the Stripe-Signature header is missing")
    return this.#client.verifyEvent(rawBody, signature, this.#webhookSecret)
  }

  async authorize(req: AuthorizeRequest): Promise<PaymentSnapshot> {
    const intent = await this.#client.call(true, (sdk) =>
      sdk.paymentIntents.create(
        {
          amount: req.amount,
          currency: req.currency.toLowerCase(),
          capture_method: "manual",
          allowed_payment_method_types: ["card"],
          ...(this.#multicapture ? { payment_method_options: { card: { request_multicapture: "if_available" } } } : {}),
          ...(req.description ? { description: req.description } : {}),
          ...(req.metadata ? { metadata: stringMetadata(req.metadata) } : {}),
          ...(req.source ? { payment_method: req.source, confirm: true } : {}),
          expand: EXPAND_CHARGE,
        },
        { idempotencyKey: req.idempotencyKey }
      )
    )
    return toPaymentSnapshot(intent)
  }

  /** A new amount for an intent the shopper has not confirmed yet (the cart changed). */
  async updateAmount(paymentRef: string, amount: number, currency: string, idempotencyKey: string): Promise<PaymentSnapshot> {
    const intent = await this.#client.call(true, (sdk) =>
      sdk.paymentIntents.update(paymentRef, { amount, currency: currency.toLowerCase(), expand: EXPAND_CHARGE }, { idempotencyKey })
    )
    return toPaymentSnapshot(intent)
  }

  /**
   * Captures `amount`. Whether the authorization keeps its rest depends on
   * the card: read from the charge first, so a non-final capture is asked for
   * only where Stripe allows it (elsewhere the first capture closes the
   * authorization, as the ledger knows from the payment's data).
   */
  async capture(req: CaptureRequest): Promise<CaptureResult> {
    const intent = await this.#retrieveIntent(req.paymentRef)
    const keepsRest = multicaptureAvailable(intent) && req.amount < intent.amount_capturable
    const captured = await this.#client.call(true, (sdk) =>
      sdk.paymentIntents.capture(
        req.paymentRef,
        {
          amount_to_capture: req.amount,
          ...(keepsRest ? { final_capture: false } : {}),
          metadata: captureMetadata(req.idempotencyKey, req.amount),
          expand: EXPAND_CHARGE,
        },
        { idempotencyKey: req.idempotencyKey }
      )
    )
    return toCaptureResult(captured, req)
  }

  async refund(req: RefundRequest): Promise<RefundResult> {
    const reason = stripeRefundReason(req.reason)
    const refund = await this.#client.call(true, (sdk) =>
      sdk.refunds.create(
        {
          payment_intent: req.paymentRef,
          amount: req.amount,
          ...(reason ? { reason } : {}),
          metadata: { [REFUND_KEY_METADATA]: req.idempotencyKey },
        },
        { idempotencyKey: req.idempotencyKey }
      )
    )
    return toRefundResult(refund)
  }

  /**
   * Releases what is left of the authorization. An untouched authorization is
   * canceled; one with captures already (multicapture) cannot be, so its rest
   * is released by a final capture of nothing (docs/gateways/stripe.md#how-this-plugin-uses-it).
   * An intent that already ended is answered with its state.
   */
  async cancel(paymentRef: string, idempotencyKey: string): Promise<PaymentSnapshot> {
    const current = await this.#retrieveIntent(paymentRef)
    if (current.status === "canceled" || current.status === "succeeded") return toPaymentSnapshot(current)
    const intent = await this.#client.call(true, (sdk) =>
      current.status === "requires_capture" && current.amount_received > 0
        ? sdk.paymentIntents.capture(paymentRef, { amount_to_capture: 0, final_capture: true, expand: EXPAND_CHARGE }, { idempotencyKey })
        : sdk.paymentIntents.cancel(paymentRef, { expand: EXPAND_CHARGE }, { idempotencyKey })
    )
    return toPaymentSnapshot(intent)
  }

  async retrieve(paymentRef: string): Promise<PaymentSnapshot> {
    return toPaymentSnapshot(await this.#retrieveIntent(paymentRef))
  }

  /** A capture is found in the intent's metadata, where its own request recorded it. */
  async retrieveCapture(lookup: OperationLookup): Promise<CaptureResult | null> {
    return captureFromIntent(await this.#retrieveIntent(lookup.paymentRef), lookup)
  }

  async retrieveRefund(lookup: OperationLookup): Promise<RefundResult | null> {
    if (lookup.gatewayId) {
      const refund = await this.#client.call(false, (sdk) => sdk.refunds.retrieve(lookup.gatewayId as string))
      return refundFromList([refund], lookup) ?? toRefundResult(refund)
    }
    const maxPages = Math.min(lookup.maxPages ?? REFUND_MAX_PAGES, REFUND_MAX_PAGES)
    const refunds: Stripe.Refund[] = []
    let startingAfter: string | undefined
    for (let page = 0; page < maxPages; page++) {
      const list = await this.#client.call(false, (sdk) =>
        sdk.refunds.list({ payment_intent: lookup.paymentRef, limit: REFUND_PAGE, ...(startingAfter ? { starting_after: startingAfter } : {}) })
      )
      refunds.push(...list.data)
      const found = refundFromList(refunds, lookup)
      if (found || !list.has_more || list.data.length === 0) return found
      startingAfter = list.data[list.data.length - 1].id
    }
    throw new GatewayError({
      type: "api_error",
      code: LOOKUP_PAGE_LIMIT,
      message: `Stripe: refund ${lookup.idempotencyKey} is not among the first ${maxPages * REFUND_PAGE} refunds of ${lookup.paymentRef}`,
      outcomeUnknown: true,
    })
  }

  async #retrieveIntent(paymentRef: string): Promise<PaymentIntent> {
    return this.#client.call(false, (sdk) => sdk.paymentIntents.retrieve(paymentRef, { expand: EXPAND_CHARGE }))
  }
}

/** Stripe metadata values are strings (at most 500 characters each). */
function stringMetadata(metadata: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [key, value] of Object.entries(metadata)) {
    if (value === undefined || value === null) continue
    out[key] = (typeof value === "string" ? value : JSON.stringify(value)).slice(0, 500)
  }
  return out
}
