import {
  AbstractPaymentProcessor,
  PaymentSessionStatus,
  type PaymentProcessorContext,
  type PaymentProcessorError,
  type PaymentProcessorSessionResponse,
} from "@medusajs/medusa"
import { randomUUID } from "crypto"
import type { EntityManager } from "typeorm"
import type { PaymentSnapshot } from "../../gateways/gateway"
import type { RegisteredGateway } from "../../gateways/registry"
import { parsePluginOptions } from "../../types/options"
import type CaptureService from "../capture"
import type { Actor } from "./events"
import { findPaymentIdByRef, processorError, sessionStatusOf } from "./processor-support"

export type SessionData = Record<string, unknown>
export type ProcessorCradle = { captureService: CaptureService; manager: EntityManager }

/**
 * What every gateway's Medusa payment processor shares: core's capture and
 * refund hooks go through CaptureService (so they land in the ledger), and
 * status, retrieve, cancel and delete work on the gateway reference kept in
 * `payment.data.payment_ref`. Subclasses add how a payment is started and
 * authorized at their gateway.
 */
export abstract class LedgerPaymentProcessor extends AbstractPaymentProcessor {
  // The plugin loader would otherwise re-register processors as SCOPED.
  static LIFE_TIME = "SINGLETON"

  constructor(container: ProcessorCradle, options?: Record<string, unknown>) {
    super(container as unknown as Record<string, unknown>, options)
    // Medusa builds payment processors while it boots (to register them), so a
    // wrong option stops the server here with its message rather than at the
    // first capture.
    parsePluginOptions(options)
  }

  protected get cradle(): ProcessorCradle {
    return this.container as unknown as ProcessorCradle
  }

  protected get actor(): Actor {
    return { type: "processor", id: this.getIdentifier() }
  }

  protected registered(): RegisteredGateway {
    const registered = this.cradle.captureService.gatewayFor(this.getIdentifier())
    if (!registered) {
      throw new Error(`medusa-plugin-captures: provider "${this.getIdentifier()}" is not configured in the plugin options`)
    }
    return registered
  }

  /**
   * A payment session that starts a payment at the gateway before the shopper
   * acts there (a hosted checkout, Stripe.js): the gateway's payment is created
   * now, and the session carries its reference and what the storefront needs
   * to send the shopper on (`storefront`, from the gateway's answer).
   */
  protected async startGatewayPayment(
    context: PaymentProcessorContext,
    opts: { description?: string; storefront: (snapshot: PaymentSnapshot) => SessionData; failure: string }
  ): Promise<PaymentProcessorError | PaymentProcessorSessionResponse> {
    const { gateway, mode } = this.registered()
    try {
      const snapshot = await gateway.authorize({
        amount: context.amount,
        currency: context.currency_code,
        // One key per attempt: our own retries of this call reuse it, a new
        // session (e.g. after the cart changed) makes a new payment.
        idempotencyKey: `create_${context.resource_id}_${randomUUID()}`,
        ...(opts.description !== undefined ? { description: opts.description } : {}),
        metadata: { cart_id: context.resource_id },
      })
      return {
        session_data: {
          payment_ref: snapshot.paymentRef,
          ...opts.storefront(snapshot),
          status: snapshot.status,
          amount: context.amount,
          currency_code: context.currency_code,
          mode,
        },
      }
    } catch (err) {
      return processorError(opts.failure, err)
    }
  }

  /**
   * Medusa's authorize for a payment the shopper acted on at the gateway (a
   * hosted checkout, Stripe.js): ask the gateway where it stands. A failed or
   * canceled payment is an error naming it; otherwise the session takes the
   * status Medusa should see and the data `sessionData` derives from the
   * gateway's answer.
   */
  protected async authorizeFromGateway(
    data: SessionData,
    opts: {
      /** What the gateway calls the payment: "Mollie payment", "Stripe PaymentIntent". */
      what: string
      gatewayName: string
      /** The error code of a failed or canceled payment. */
      errorCode: (snapshot: PaymentSnapshot) => string
      sessionData: (snapshot: PaymentSnapshot, status: PaymentSessionStatus) => SessionData
    }
  ): Promise<PaymentProcessorError | { status: PaymentSessionStatus; data: SessionData }> {
    if (!data.payment_ref) return processorError(`The session has no ${opts.what}`, { code: "payment_missing" })
    try {
      const snapshot = await this.registered().gateway.retrieve(String(data.payment_ref))
      const status = sessionStatusOf(snapshot)
      if (status === PaymentSessionStatus.ERROR || status === PaymentSessionStatus.CANCELED) {
        return processorError(`The ${opts.what} is ${snapshot.status}`, {
          code: opts.errorCode(snapshot),
          message: snapshot.message ?? `${opts.gatewayName} reports the payment as ${snapshot.status}`,
        })
      }
      return { status, data: { ...data, ...opts.sessionData(snapshot, status) } }
    } catch (err) {
      return processorError(`${opts.gatewayName} could not be asked about the payment`, err)
    }
  }

  async retrievePayment(data: SessionData): Promise<PaymentProcessorError | SessionData> {
    return data
  }

  async getPaymentStatus(data: SessionData): Promise<PaymentSessionStatus> {
    if (!data.payment_ref) return PaymentSessionStatus.PENDING
    return sessionStatusOf(await this.registered().gateway.retrieve(String(data.payment_ref)))
  }

  /**
   * Core's "capture the payment": capture whatever the ledger has not captured
   * yet. Core marks the payment captured as soon as this returns, so only a
   * capture whose money moved may return success: one the gateway accepted but
   * settles later (`pending`) is reported as not done yet (core sets the order
   * to `requires_action`); when it succeeds, the ledger brings Medusa's payment
   * and order in step itself (capture_sync_core).
   */
  async capturePayment(data: SessionData): Promise<PaymentProcessorError | SessionData> {
    const service = this.cradle.captureService
    const paymentId = await findPaymentIdByRef(this.cradle.manager, this.getIdentifier(), data.payment_ref)
    if (!paymentId) return processorError("No payment carries this gateway reference", { code: "payment_not_found" })
    try {
      const totals = await service.reads.totalsForPayment(paymentId)
      if (totals.capturable === 0 && totals.captured === 0 && totals.not_owed > 0) {
        // Core would mark the untouched authorization captured and count it as paid.
        return processorError(`The order owes nothing more: nothing of payment ${paymentId} can be captured`, {
          code: "nothing_owed",
          message: `${totals.not_owed} is authorized beyond what the order owes after its edit; it can only be released`,
        })
      }
      if (totals.capturable > 0) {
        const { capture } = await service.captures.createCapture({ payment_id: paymentId, actor: this.actor })
        if (capture.status === "failed") {
          return processorError(`Capture ${capture.id} was declined`, {
            code: capture.decline_code ?? capture.error_code ?? "declined",
            message: capture.message,
          })
        }
        if (capture.status === "pending") {
          return processorError(`Capture ${capture.id} is pending at the gateway; the order shows it captured once it succeeds`, {
            code: "capture_pending",
            message: capture.message ?? "pending at the gateway",
          })
        }
        if (capture.status === "requested") {
          return processorError(`The outcome of capture ${capture.id} is not known yet; it will be reconciled`, {
            code: "capture_unresolved",
            message: capture.message ?? "no answer from the gateway",
          })
        }
      }
      return { ...data, captured_amount: (await service.reads.totalsForPayment(paymentId)).captured }
    } catch (err) {
      return processorError("The capture could not be made", err)
    }
  }

  /**
   * Core's refund: one ledger operation over the payment's captures, newest
   * first (MedusaRefunds.refundForMedusa). Anything but a complete refund is
   * an error, so core records no Refund and moves no amount; refunding the same
   * amount again completes the same operation.
   */
  async refundPayment(data: SessionData, refundAmount: number): Promise<PaymentProcessorError | SessionData> {
    const service = this.cradle.captureService
    const paymentId = await findPaymentIdByRef(this.cradle.manager, this.getIdentifier(), data.payment_ref)
    if (!paymentId) return processorError("No payment carries this gateway reference", { code: "payment_not_found" })
    try {
      const outcome = await service.medusaRefunds.refundForMedusa(paymentId, refundAmount, this.actor)
      if (!outcome.ok) return processorError("The refund was not completed", { code: outcome.code, message: outcome.message })
      return data
    } catch (err) {
      return processorError("The refund could not be made", err)
    }
  }

  /**
   * Core's cancel (order, swap, claim): release what is left of the
   * authorization through the ledger. A payment with captured money that was
   * not refunded is refused with an error naming the amount, so Medusa does
   * not cancel the order while the money stays taken.
   */
  async cancelPayment(data: SessionData): Promise<PaymentProcessorError | SessionData> {
    if (!data.payment_ref) return { ...data, status: "canceled" }
    const paymentId = await findPaymentIdByRef(this.cradle.manager, this.getIdentifier(), data.payment_ref)
    try {
      if (!paymentId) {
        // A payment Medusa has not created yet (a session): nothing was captured.
        const ref = String(data.payment_ref)
        const snapshot = await this.registered().gateway.cancel(ref, `cancel_${ref}`)
        return { ...data, status: snapshot.status }
      }
      const outcome = await this.cradle.captureService.authorizations.cancelForMedusa(paymentId, this.actor)
      if (!outcome.ok) return processorError("The payment cannot be canceled", { code: outcome.code, message: outcome.message })
      return { ...data, status: "canceled" }
    } catch (err) {
      return processorError("The authorization could not be released", err)
    }
  }

  async deletePayment(data: SessionData): Promise<PaymentProcessorError | SessionData> {
    return data
  }
}
