/**
 * In-memory store of the sandbox gateway: payments, captures, refunds, idempotency records,
 * queued faults and a request counter. Everything here is synchronous on purpose: a handler
 * checks and mutates the store without an `await` in between, so requests on one payment are
 * applied strictly one at a time.
 */
import { randomBytes } from "node:crypto"
import { FaultQueue } from "./faults"

export type Metadata = Record<string, unknown>

export type SandboxPaymentStatus =
  | "authorized"
  | "partially_captured"
  | "captured"
  | "canceled"
  | "refunded"
  | "partially_refunded"

/** The stored payment. Amounts that follow from captures and refunds are derived, never kept. */
export type PaymentRecord = {
  id: string
  amount: number
  /** Lower case. */
  currency: string
  source: string
  /** Set for `tok_capture_decline_<code>` sources: every capture is declined with this code. */
  captureDeclineCode?: string
  description: string | null
  metadata: Metadata
  created: number
  /** The uncaptured rest was released. */
  canceled: boolean
  captureIds: string[]
  refundIds: string[]
}

export type SandboxCapture = {
  id: string
  object: "capture"
  payment: string
  amount: number
  currency: string
  status: "succeeded"
  transaction_id: string
  idempotency_key: string
  description: string | null
  metadata: Metadata
  created: number
}

export type SandboxRefund = {
  id: string
  object: "refund"
  payment: string
  capture: string | null
  amount: number
  currency: string
  status: "succeeded"
  reason: string | null
  idempotency_key: string
  created: number
}

export type SandboxPayment = {
  id: string
  object: "payment"
  status: SandboxPaymentStatus
  amount: number
  currency: string
  amount_captured: number
  amount_refunded: number
  amount_capturable: number
  captures: SandboxCapture[]
  refunds: SandboxRefund[]
  description: string | null
  created: number
  metadata: Metadata
}

/** A stored response, replayed verbatim for the same key and request. */
export type IdempotencyRecord = {
  /** method + path + canonical body. */
  fingerprint: string
  status: number
  body: string
  created: number
}

export type SandboxCounts = { payments: number; captures: number; refunds: number; requests: number }

export type SandboxStateSnapshot = {
  counts: SandboxCounts
  payments: SandboxPayment[]
  captures: SandboxCapture[]
  refunds: SandboxRefund[]
  faults: ReturnType<FaultQueue["list"]>
}

export type SandboxOptions = { captureMode: "sync" }

export function randomId(prefix: string): string {
  return `${prefix}${randomBytes(12).toString("hex")}`
}

const clone = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T

export class SandboxState {
  readonly payments = new Map<string, PaymentRecord>()
  readonly captures = new Map<string, SandboxCapture>()
  readonly refunds = new Map<string, SandboxRefund>()
  /** Keyed by `<api key scope>:<Idempotency-Key>`; the scope is a hash, never the key itself. */
  readonly idempotency = new Map<string, IdempotencyRecord>()
  readonly faults = new FaultQueue()
  /** `/v1/*` requests received (including rejected and faulted ones). */
  requests = 0

  constructor(readonly options: SandboxOptions = { captureMode: "sync" }) {}

  capturesOf(payment: PaymentRecord): SandboxCapture[] {
    return payment.captureIds.map((id) => this.captures.get(id)!)
  }

  refundsOf(payment: PaymentRecord): SandboxRefund[] {
    return payment.refundIds.map((id) => this.refunds.get(id)!)
  }

  totals(payment: PaymentRecord): { captured: number; refunded: number; capturable: number } {
    const captured = sum(this.capturesOf(payment).map((c) => c.amount))
    const refunded = sum(this.refundsOf(payment).map((r) => r.amount))
    const capturable = payment.canceled ? 0 : payment.amount - captured
    return { captured, refunded, capturable }
  }

  /** Refunded so far against one capture (refunds that named it). */
  refundedOfCapture(captureId: string): number {
    let total = 0
    for (const refund of this.refunds.values()) if (refund.capture === captureId) total += refund.amount
    return total
  }

  paymentStatus(payment: PaymentRecord): SandboxPaymentStatus {
    const { captured, refunded, capturable } = this.totals(payment)
    if (refunded > 0) return refunded >= captured ? "refunded" : "partially_refunded"
    if (captured === 0) return payment.canceled ? "canceled" : "authorized"
    return captured === payment.amount && capturable === 0 ? "captured" : "partially_captured"
  }

  /** The wire object: a fresh copy, safe to serialize later. */
  renderPayment(payment: PaymentRecord): SandboxPayment {
    const { captured, refunded, capturable } = this.totals(payment)
    return {
      id: payment.id,
      object: "payment",
      status: this.paymentStatus(payment),
      amount: payment.amount,
      currency: payment.currency,
      amount_captured: captured,
      amount_refunded: refunded,
      amount_capturable: capturable,
      captures: this.capturesOf(payment).map(clone),
      refunds: this.refundsOf(payment).map(clone),
      description: payment.description,
      created: payment.created,
      metadata: clone(payment.metadata),
    }
  }

  counts(): SandboxCounts {
    return {
      payments: this.payments.size,
      captures: this.captures.size,
      refunds: this.refunds.size,
      requests: this.requests,
    }
  }

  snapshot(): SandboxStateSnapshot {
    return {
      counts: this.counts(),
      payments: [...this.payments.values()].map((p) => this.renderPayment(p)),
      captures: [...this.captures.values()].map(clone),
      refunds: [...this.refunds.values()].map(clone),
      faults: this.faults.list(),
    }
  }

  reset(): void {
    this.payments.clear()
    this.captures.clear()
    this.refunds.clear()
    this.idempotency.clear()
    this.faults.clear()
    this.requests = 0
  }
}

function sum(values: number[]): number {
  return values.reduce((a, b) => a + b, 0)
}
