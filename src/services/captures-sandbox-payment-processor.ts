import {
  PaymentSessionStatus,
  type PaymentProcessorContext,
  type PaymentProcessorError,
  type PaymentProcessorSessionResponse,
} from "@medusajs/medusa"
import { randomUUID } from "crypto"
import { SANDBOX_PROVIDER_ID } from "../gateways/registry"
import { LedgerPaymentProcessor, type SessionData } from "./ledger/ledger-payment-processor"
import { processorError, sessionStatusOf } from "./ledger/processor-support"

/**
 * Medusa payment provider `captures-sandbox`: authorizes against the sandbox
 * gateway (an HTTP simulator shipped in this package); captures and refunds go
 * through the ledger (LedgerPaymentProcessor).
 *
 * Session data: { amount, currency_code, source, attempt } before
 * authorization; + { payment_ref, status, mode } after.
 */
class CapturesSandboxPaymentProcessor extends LedgerPaymentProcessor {
  static override identifier = SANDBOX_PROVIDER_ID

  async initiatePayment(context: PaymentProcessorContext): Promise<PaymentProcessorError | PaymentProcessorSessionResponse> {
    const source = (context.paymentSessionData?.source ?? context.context?.payment_source ?? "tok_visa") as string
    return {
      session_data: {
        amount: context.amount,
        currency_code: context.currency_code,
        source,
        // A fresh attempt per session keeps the authorization's idempotency key unique.
        attempt: randomUUID(),
        status: "pending",
      },
    }
  }

  async updatePayment(context: PaymentProcessorContext): Promise<PaymentProcessorError | PaymentProcessorSessionResponse | void> {
    const data = context.paymentSessionData
    if (data.payment_ref) return // authorized: amounts are fixed now
    return { session_data: { ...data, amount: context.amount, currency_code: context.currency_code } }
  }

  /** The storefront may set the card token (`source`) before authorization; nothing else. */
  async updatePaymentData(_sessionId: string, data: SessionData): Promise<PaymentProcessorError | SessionData> {
    return typeof data.source === "string" ? { source: data.source } : {}
  }

  async authorizePayment(
    data: SessionData
  ): Promise<PaymentProcessorError | { status: PaymentSessionStatus; data: SessionData }> {
    if (data.payment_ref && data.status === "authorized") {
      return { status: PaymentSessionStatus.AUTHORIZED, data }
    }
    const { gateway, mode } = this.registered()
    try {
      const snapshot = await gateway.authorize({
        amount: Number(data.amount),
        currency: String(data.currency_code),
        source: String(data.source ?? "tok_visa"),
        idempotencyKey: `auth_${String(data.attempt)}_${String(data.amount)}`,
      })
      const status = sessionStatusOf(snapshot)
      if (status === PaymentSessionStatus.ERROR) {
        return processorError(`The payment was declined${snapshot.declineCode ? ` (${snapshot.declineCode})` : ""}`, {
          code: snapshot.declineCode ?? "declined",
        })
      }
      return {
        status,
        data: { ...data, payment_ref: snapshot.paymentRef, status: snapshot.status, mode },
      }
    } catch (err) {
      return processorError("The sandbox gateway could not authorize the payment", err)
    }
  }
}

export default CapturesSandboxPaymentProcessor
