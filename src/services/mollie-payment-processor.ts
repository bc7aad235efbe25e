import {
  PaymentSessionStatus,
  type PaymentProcessorContext,
  type PaymentProcessorError,
  type PaymentProcessorSessionResponse,
} from "@medusajs/medusa"
import { MOLLIE_PROVIDER_ID } from "../gateways/registry"
import { parsePluginOptions } from "../types/options"
import { LedgerPaymentProcessor, type SessionData } from "./ledger/ledger-payment-processor"

/**
 * Medusa payment provider `mollie`: payments with `captureMode: "manual"`.
 * initiate creates the Mollie payment and hands the storefront its hosted
 * checkout URL (`session_data.checkout_url`); authorize asks Mollie whether the
 * shopper authorized it there. Captures, refunds and release go through the
 * ledger (LedgerPaymentProcessor); Mollie's webhooks settle them
 * (/hooks/captures/mollie).
 *
 * Session data: { payment_ref: "tr_…", checkout_url, status, amount, currency_code, mode }.
 */
class MolliePaymentProcessor extends LedgerPaymentProcessor {
  static override identifier = MOLLIE_PROVIDER_ID

  private description(context: PaymentProcessorContext): string {
    const template = parsePluginOptions(this.config).mollie?.description ?? "Order {cart_id}"
    return template.replace(/\{cart_id\}/g, context.resource_id).replace(/\{email\}/g, context.email ?? "")
  }

  initiatePayment(context: PaymentProcessorContext): Promise<PaymentProcessorError | PaymentProcessorSessionResponse> {
    return this.startGatewayPayment(context, {
      description: this.description(context),
      storefront: (snapshot) => ({ checkout_url: snapshot.redirectUrl ?? null }),
      failure: "Mollie could not create the payment",
    })
  }

  /** Mollie cannot change a payment's amount: a changed cart gets a new payment. */
  async updatePayment(context: PaymentProcessorContext): Promise<PaymentProcessorError | PaymentProcessorSessionResponse | void> {
    const data = context.paymentSessionData
    if (data.status === "authorized") return
    if (data.amount === context.amount && data.currency_code === context.currency_code) return
    if (data.payment_ref) await this.cancelPayment(data) // best effort: an open payment simply expires
    return this.initiatePayment(context)
  }

  /** Nothing the storefront may change: the shopper acts on Mollie's checkout page. */
  async updatePaymentData(): Promise<PaymentProcessorError | SessionData> {
    return {}
  }

  authorizePayment(data: SessionData): Promise<PaymentProcessorError | { status: PaymentSessionStatus; data: SessionData }> {
    return this.authorizeFromGateway(data, {
      what: "Mollie payment",
      gatewayName: "Mollie",
      errorCode: (snapshot) => `payment_${snapshot.status}`,
      sessionData: (snapshot, status) => ({ status: status === PaymentSessionStatus.AUTHORIZED ? "authorized" : snapshot.status }),
    })
  }
}

export default MolliePaymentProcessor
