import {
  PaymentSessionStatus,
  type PaymentProcessorContext,
  type PaymentProcessorError,
  type PaymentProcessorSessionResponse,
} from "@medusajs/medusa"
import { MOLLIE_PROVIDER_ID } from "../gateways/registry"
import { parsePluginOptions } from "../types/options"
import { LedgerPaymentProcessor, type SessionData } from "./ledger/ledger-payment-processor"
import { processorError, sessionStatusOf } from "./ledger/processor-support"

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

  async authorizePayment(
    data: SessionData
  ): Promise<PaymentProcessorError | { status: PaymentSessionStatus; data: SessionData }> {
    if (!data.payment_ref) return processorError("The session has no Mollie payment", { code: "payment_missing" })
    try {
      const snapshot = await this.registered().gateway.retrieve(String(data.payment_ref))
      const status = sessionStatusOf(snapshot)
      if (status === PaymentSessionStatus.ERROR || status === PaymentSessionStatus.CANCELED) {
        return processorError(`The Mollie payment is ${snapshot.status}`, {
          code: `payment_${snapshot.status}`,
          message: snapshot.message ?? `Mollie reports the payment as ${snapshot.status}`,
        })
      }
      const authorized = status === PaymentSessionStatus.AUTHORIZED
      return { status, data: { ...data, status: authorized ? "authorized" : snapshot.status } }
    } catch (err) {
      return processorError("Mollie could not be asked about the payment", err)
    }
  }
}

export default MolliePaymentProcessor
