import {
  PaymentSessionStatus,
  type PaymentProcessorContext,
  type PaymentProcessorError,
  type PaymentProcessorSessionResponse,
} from "@medusajs/medusa"
import { randomUUID } from "crypto"
import { LedgerPaymentProcessor, type SessionData } from "./ledger-payment-processor"
import { processorError, sessionStatusOf } from "./processor-support"

/**
 * Providers whose storefront collects a card token (`source`) and whose
 * authorization is one gateway call (an auth-only charge): the sandbox and
 * Clover. Session data: { amount, currency_code, source, client_ip, attempt }
 * before authorization; + { payment_ref, status, mode } after.
 */
export abstract class TokenPaymentProcessor extends LedgerPaymentProcessor {
  /** Used when the storefront sends no token (the sandbox's test card); none for real gateways. */
  protected readonly defaultSource: string | null = null

  /** Gateway-specific fields for the authorization request. */
  protected authorizeExtras(_data: SessionData): Record<string, unknown> {
    return {}
  }

  async initiatePayment(context: PaymentProcessorContext): Promise<PaymentProcessorError | PaymentProcessorSessionResponse> {
    const source = context.paymentSessionData?.source ?? context.context?.payment_source ?? this.defaultSource
    // Medusa v1's payment collections (the difference of an order edit) have no route that could
    // hand the session a card token, so such a session could never be authorized: say so now,
    // when it is made, rather than at authorization.
    if (!source && context.resource_id?.startsWith("paycol_")) {
      return processorError(
        `${this.getIdentifier()} needs a card token (source) from the storefront, and Medusa's payment collections ` +
          "(an order edit's difference) cannot pass one: collect the difference with another payment provider",
        { code: "source_unavailable" }
      )
    }
    return {
      session_data: {
        amount: context.amount,
        currency_code: context.currency_code,
        source: typeof source === "string" ? source : null,
        // Medusa keeps the shopper's IP in the cart context; some gateways want it.
        client_ip: typeof context.context?.ip === "string" ? context.context.ip : null,
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
    if (typeof data.source !== "string" || !data.source) {
      return processorError("No card token: set `source` on the payment session first", { code: "source_missing" })
    }
    const { gateway, mode } = this.registered()
    try {
      const snapshot = await gateway.authorize({
        ...this.authorizeExtras(data),
        amount: Number(data.amount),
        currency: String(data.currency_code),
        source: data.source,
        idempotencyKey: `auth_${String(data.attempt)}_${String(data.amount)}`,
      })
      const status = sessionStatusOf(snapshot)
      if (status === PaymentSessionStatus.ERROR) {
        return processorError(`The payment was declined${snapshot.declineCode ? ` (${snapshot.declineCode})` : ""}`, {
          code: snapshot.declineCode ?? "declined",
          message: snapshot.message,
        })
      }
      return { status, data: { ...data, payment_ref: snapshot.paymentRef, status: snapshot.status, mode } }
    } catch (err) {
      return processorError(`The ${gateway.name} gateway could not authorize the payment`, err)
    }
  }
}
