import {
  AbstractPaymentProcessor,
  PaymentSessionStatus,
  type PaymentProcessorContext,
  type PaymentProcessorError,
  type PaymentProcessorSessionResponse,
} from "@medusajs/medusa"
import type { EntityManager } from "typeorm"
import { randomUUID } from "crypto"
import { SANDBOX_PROVIDER_ID, type RegisteredGateway } from "../gateways/registry"
import type CaptureService from "./capture"
import type { Actor } from "./capture"
import { parsePluginOptions } from "../types/options"
import { findPaymentIdByRef, processorError, sessionStatusOf } from "./ledger/processor-support"

type SessionData = Record<string, unknown>
type Cradle = { captureService: CaptureService; manager: EntityManager }

const processorActor: Actor = { type: "processor", id: SANDBOX_PROVIDER_ID }

/**
 * Medusa payment provider `captures-sandbox`: authorizes against the sandbox
 * gateway (an HTTP simulator shipped in this package) and hands every capture
 * and refund to CaptureService, so core routes land in the ledger too.
 *
 * Session data: { amount, currency_code, source, attempt } before
 * authorization; + { payment_ref, status, mode } after.
 */
class CapturesSandboxPaymentProcessor extends AbstractPaymentProcessor {
  static override identifier = SANDBOX_PROVIDER_ID
  // The plugin loader would otherwise re-register processors as SCOPED.
  static LIFE_TIME = "SINGLETON"

  constructor(container: Cradle, options?: Record<string, unknown>) {
    super(container as unknown as Record<string, unknown>, options)
    // Medusa builds payment processors while it boots (to register them), so a
    // wrong option stops the server here with its message rather than at the
    // first capture.
    parsePluginOptions(options)
  }

  private get cradle(): Cradle {
    return this.container as unknown as Cradle
  }

  private gateway(): RegisteredGateway {
    const registered = this.cradle.captureService.gatewayFor(SANDBOX_PROVIDER_ID)
    if (!registered) {
      throw new Error(`medusa-plugin-captures: the "sandbox" option is not set, so ${SANDBOX_PROVIDER_ID} cannot be used`)
    }
    return registered
  }

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
    const { gateway, mode } = this.gateway()
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

  async retrievePayment(data: SessionData): Promise<PaymentProcessorError | SessionData> {
    return data
  }

  async getPaymentStatus(data: SessionData): Promise<PaymentSessionStatus> {
    if (!data.payment_ref) return PaymentSessionStatus.PENDING
    const snapshot = await this.gateway().gateway.retrieve(String(data.payment_ref))
    return sessionStatusOf(snapshot)
  }

  /** Core's "capture the payment": capture whatever the ledger has not captured yet. */
  async capturePayment(data: SessionData): Promise<PaymentProcessorError | SessionData> {
    const service = this.cradle.captureService
    const paymentId = await findPaymentIdByRef(this.cradle.manager, SANDBOX_PROVIDER_ID, data.payment_ref)
    if (!paymentId) return processorError("No payment carries this sandbox payment reference", { code: "payment_not_found" })
    try {
      const totals = await service.totalsForPayment(paymentId)
      if (totals.capturable > 0) {
        const { capture } = await service.createCapture({ payment_id: paymentId, actor: processorActor })
        if (capture.status === "failed") {
          return processorError(`Capture ${capture.id} was declined`, {
            code: capture.decline_code ?? capture.error_code ?? "declined",
            message: capture.message,
          })
        }
        if (capture.status !== "succeeded") {
          return processorError(`Capture ${capture.id} is ${capture.status}; it will be settled by reconciliation`, {
            code: "capture_unsettled",
            message: capture.message ?? capture.status,
          })
        }
      }
      return { ...data, captured_amount: (await service.totalsForPayment(paymentId)).captured }
    } catch (err) {
      return processorError("The capture could not be made", err)
    }
  }

  /** Core's refund: spread over the payment's captures, newest first, through the ledger. */
  async refundPayment(data: SessionData, refundAmount: number): Promise<PaymentProcessorError | SessionData> {
    const service = this.cradle.captureService
    const paymentId = await findPaymentIdByRef(this.cradle.manager, SANDBOX_PROVIDER_ID, data.payment_ref)
    if (!paymentId) return processorError("No payment carries this sandbox payment reference", { code: "payment_not_found" })
    try {
      const refunds = await service.refundPaymentAmount(paymentId, refundAmount, processorActor)
      const failed = refunds.find((r) => r.status !== "succeeded")
      if (failed) {
        return processorError(`Refund ${failed.id} is ${failed.status}`, {
          code: failed.decline_code ?? failed.error_code ?? "refund_unsettled",
          message: failed.message ?? failed.status,
        })
      }
      return data
    } catch (err) {
      return processorError("The refund could not be made", err)
    }
  }

  async cancelPayment(data: SessionData): Promise<PaymentProcessorError | SessionData> {
    if (!data.payment_ref) return { ...data, status: "canceled" }
    try {
      const ref = String(data.payment_ref)
      const snapshot = await this.gateway().gateway.cancel(ref, `cancel_${ref}`)
      return { ...data, status: snapshot.status }
    } catch (err) {
      return processorError("The authorization could not be released", err)
    }
  }

  async deletePayment(data: SessionData): Promise<PaymentProcessorError | SessionData> {
    return data
  }
}

export default CapturesSandboxPaymentProcessor
