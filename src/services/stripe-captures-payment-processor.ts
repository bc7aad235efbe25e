import {
  PaymentSessionStatus,
  type PaymentProcessorContext,
  type PaymentProcessorError,
  type PaymentProcessorSessionResponse,
} from "@medusajs/medusa"
import { randomUUID } from "crypto"
import { STRIPE_PROVIDER_ID } from "../gateways/registry"
import { StripeGateway } from "../gateways/stripe"
import { captureBefore, multicaptureAvailable } from "../gateways/stripe/mapper"
import type { PaymentIntent } from "../gateways/stripe/types"
import { LedgerPaymentProcessor, type SessionData } from "./ledger/ledger-payment-processor"

/**
 * Medusa payment provider `stripe-captures`: Stripe PaymentIntents with manual
 * capture, beside (or instead of) medusa-payment-stripe. initiate creates the
 * intent and hands the storefront its `client_secret`, with which Stripe.js
 * (the Payment Element) confirms it; authorize asks Stripe whether it was
 * authorized and keeps what the ledger needs from the card: whether it allows
 * multicapture, and its capture deadline. Captures, refunds and release go
 * through the ledger (LedgerPaymentProcessor); Stripe's signed webhooks settle
 * them (/hooks/captures/stripe).
 *
 * Session data: { payment_ref: "pi_…", client_secret, status, amount,
 * currency_code, mode, multicapture: "available" | "unavailable",
 * capture_before: ISO time | null }.
 */
class StripeCapturesPaymentProcessor extends LedgerPaymentProcessor {
  static override identifier = STRIPE_PROVIDER_ID

  private stripe(): StripeGateway {
    return this.registered().gateway as StripeGateway
  }

  initiatePayment(context: PaymentProcessorContext): Promise<PaymentProcessorError | PaymentProcessorSessionResponse> {
    return this.startGatewayPayment(context, {
      storefront: (snapshot) => ({ client_secret: snapshot.clientSecret ?? null }),
      failure: "Stripe could not create the payment",
    })
  }

  /**
   * A changed cart changes the intent's amount while the shopper has not
   * confirmed it yet; an intent past that (or one Stripe refuses to change) is
   * replaced by a new one.
   */
  async updatePayment(context: PaymentProcessorContext): Promise<PaymentProcessorError | PaymentProcessorSessionResponse | void> {
    const data = context.paymentSessionData
    if (data.status === "authorized") return
    if (data.amount === context.amount && data.currency_code === context.currency_code) return
    if (data.payment_ref) {
      try {
        const ref = String(data.payment_ref)
        const snapshot = await this.stripe().updateAmount(ref, context.amount, context.currency_code, `update_${ref}_${randomUUID()}`)
        return { session_data: { ...data, status: snapshot.status, amount: context.amount, currency_code: context.currency_code } }
      } catch {
        await this.cancelPayment(data) // best effort: an unconfirmed intent simply stays unused
      }
    }
    return this.initiatePayment(context)
  }

  /** Nothing the storefront may change: the shopper confirms on Stripe's side. */
  async updatePaymentData(): Promise<PaymentProcessorError | SessionData> {
    return {}
  }

  authorizePayment(data: SessionData): Promise<PaymentProcessorError | { status: PaymentSessionStatus; data: SessionData }> {
    return this.authorizeFromGateway(data, {
      what: "Stripe PaymentIntent",
      gatewayName: "Stripe",
      errorCode: (snapshot) => snapshot.declineCode ?? `payment_${snapshot.status}`,
      sessionData: (snapshot) => {
        const intent = snapshot.raw as PaymentIntent
        const deadline = captureBefore(intent)
        return {
          // Only a pure authorization is the ledger's to capture; an intent Stripe
          // captured by itself keeps its status, and reconciliation records its money.
          status: snapshot.status === "authorized" ? "authorized" : snapshot.status,
          multicapture: multicaptureAvailable(intent) ? "available" : "unavailable",
          capture_before: deadline ? deadline.toISOString() : null,
        }
      },
    })
  }
}

export default StripeCapturesPaymentProcessor
