/**
 * The sandbox gateway adapter: implements the `PaymentGateway` port on top of
 * `SandboxClient`. Declines (card_error) are returned as failed results; every other failure
 * is a thrown `GatewayError` (see `mapper.ts` for retryable / outcomeUnknown).
 */
import {
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
import { SandboxClient, type SandboxClientOptions } from "./client"
import {
  declinedAuthorization,
  declinedCapture,
  declinedRefund,
  isDecline,
  toCaptureResult,
  toPaymentSnapshot,
  toRefundResult,
} from "./mapper"

export type SandboxGatewayOptions = SandboxClientOptions & {
  /** Source used by `authorize` when the request has none. Default `tok_visa`. */
  defaultSource?: string
}

/** A 404 for the payment or the operation: the gateway has no such object. */
const isMissing = (err: unknown): boolean =>
  isGatewayError(err) && err.httpStatus === 404 && err.code === "resource_missing"

export class SandboxGateway implements PaymentGateway {
  readonly name = "sandbox"
  readonly client: SandboxClient
  private readonly defaultSource: string

  constructor(options: SandboxGatewayOptions) {
    const { defaultSource, ...clientOptions } = options
    this.client = new SandboxClient(clientOptions)
    this.defaultSource = defaultSource ?? "tok_visa"
  }

  async authorize(req: AuthorizeRequest): Promise<PaymentSnapshot> {
    assertMinorUnits(req.amount)
    try {
      const { data } = await this.client.createPayment(
        {
          amount: req.amount,
          currency: req.currency.toLowerCase(),
          source: req.source ?? this.defaultSource,
          description: req.description,
          metadata: req.metadata,
        },
        req.idempotencyKey
      )
      return toPaymentSnapshot(data)
    } catch (err) {
      if (isDecline(err)) return declinedAuthorization(err, req)
      throw err
    }
  }

  async capture(req: CaptureRequest): Promise<CaptureResult> {
    assertMinorUnits(req.amount)
    try {
      const { data } = await this.client.createCapture(
        req.paymentRef,
        { amount: req.amount, description: req.description, metadata: req.metadata },
        req.idempotencyKey
      )
      return toCaptureResult(data)
    } catch (err) {
      if (isDecline(err)) return declinedCapture(err, req)
      throw err
    }
  }

  async refund(req: RefundRequest): Promise<RefundResult> {
    assertMinorUnits(req.amount)
    try {
      const { data } = await this.client.createRefund(
        req.paymentRef,
        { amount: req.amount, capture: req.gatewayCaptureId, reason: req.reason },
        req.idempotencyKey
      )
      return toRefundResult(data)
    } catch (err) {
      if (isDecline(err)) return declinedRefund(err, req)
      throw err
    }
  }

  async cancel(paymentRef: string, idempotencyKey: string): Promise<PaymentSnapshot> {
    const { data } = await this.client.cancelPayment(paymentRef, idempotencyKey)
    return toPaymentSnapshot(data)
  }

  async retrieve(paymentRef: string): Promise<PaymentSnapshot> {
    const { data } = await this.client.getPayment(paymentRef)
    return toPaymentSnapshot(data)
  }

  /** By gateway id when known, else by idempotency key; null when the gateway has none. */
  async retrieveCapture(lookup: OperationLookup): Promise<CaptureResult | null> {
    try {
      if (lookup.gatewayId) {
        return toCaptureResult((await this.client.getCapture(lookup.paymentRef, lookup.gatewayId)).data)
      }
      const { data } = await this.client.listCaptures(lookup.paymentRef, { idempotencyKey: lookup.idempotencyKey })
      const found = data.data.find((capture) => capture.idempotency_key === lookup.idempotencyKey)
      return found ? toCaptureResult(found) : null
    } catch (err) {
      if (isMissing(err)) return null
      throw err
    }
  }

  /** By gateway id when known, else by idempotency key; null when the gateway has none. */
  async retrieveRefund(lookup: OperationLookup): Promise<RefundResult | null> {
    try {
      if (lookup.gatewayId) {
        return toRefundResult((await this.client.getRefund(lookup.paymentRef, lookup.gatewayId)).data)
      }
      const { data } = await this.client.listRefunds(lookup.paymentRef, { idempotencyKey: lookup.idempotencyKey })
      const found = data.data.find((refund) => refund.idempotency_key === lookup.idempotencyKey)
      return found ? toRefundResult(found) : null
    } catch (err) {
      if (isMissing(err)) return null
      throw err
    }
  }
}
