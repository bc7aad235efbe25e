/**
 * In-memory store of the Mollie simulator: payments, captures, refunds, idempotency records,
 * configuration, queued faults. Handlers check and mutate it without an `await` in between, so
 * requests on one payment are applied strictly one at a time. Asynchronous changes (a capture
 * settling, a refund being executed) are scheduled through `effects`, which the server wires
 * to its timers and webhook dispatcher.
 */
import { randomBytes } from "node:crypto"
import { FaultQueue } from "../common/faults"
import { cloneConfig, DEFAULT_CONFIG, type MollieSandboxConfig } from "./config"

export { cloneConfig, DEFAULT_CONFIG, type MollieSandboxConfig } from "./config"

export type Mode = "test" | "live"
export type PaymentStatus = "open" | "pending" | "authorized" | "paid" | "canceled" | "expired" | "failed"
export type CaptureStatus = "pending" | "succeeded" | "failed"
export type RefundStatus = "queued" | "pending" | "processing" | "refunded" | "failed" | "canceled"

export type PaymentRecord = {
  id: string
  mode: Mode
  status: PaymentStatus
  /** Minor units of `currency` (upper case, as on the wire). */
  amount: number
  currency: string
  description: string
  redirectUrl: string | null
  cancelUrl: string | null
  webhookUrl: string | null
  method: string | null
  metadata: unknown
  captureMode: "manual" | "automatic"
  /** Fixed at creation from the config: several partial captures, or one that releases the rest. */
  multiCapture: boolean
  createdAt: number
  expiresAt: number
  authorizedAt?: number
  paidAt?: number
  canceledAt?: number
  expiredAt?: number
  failedAt?: number
  /** The rest of the authorization was released (release-authorization, or the single capture). */
  released: boolean
  /** Captured outside the Captures API: an automatic-capture payment that was paid. */
  autoCaptured: number
  captureIds: string[]
  refundIds: string[]
}

export type CaptureRecord = {
  id: string
  mode: Mode
  paymentId: string
  amount: number
  currency: string
  description?: string
  metadata: unknown
  status: CaptureStatus
  createdAt: number
  /** Decided at creation (control API), applied when the capture settles. */
  willFail: boolean
}

export type RefundRecord = {
  id: string
  mode: Mode
  paymentId: string
  amount: number
  currency: string
  description: string
  metadata: unknown
  status: RefundStatus
  createdAt: number
  /** The canonical request body, for Mollie's duplicate-refund check (create-refund's 409). */
  fingerprint: string
  willFail: boolean
}

/** A stored response, replayed verbatim for the same key and request (docs/gateways/mollie.md#idempotency). */
export type IdempotencyRecord = { fingerprint: string; status: number; body: string; createdAt: number }


/** What happened, for the webhook log ("reason" of a delivery). */
export type WebhookEvent =
  | `payment.${Exclude<PaymentStatus, "open" | "pending">}`
  | "capture.succeeded"
  | "capture.failed"
  | "refund.refunded"
  | "refund.failed"

/** Side effects the server provides: timers that close() cancels, and webhook calls. */
export type Effects = {
  setTimer(fn: () => void, ms: number): void
  webhook(payment: PaymentRecord, event: WebhookEvent): void
}

/** Payment statuses after which nothing changes any more (paid, canceled, expired, failed). */
export const FINAL_PAYMENT_STATUSES: ReadonlySet<PaymentStatus> = new Set(["paid", "canceled", "expired", "failed"])

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"

/** Mollie-looking ids: `tr_` + 10 base62 characters (the id prefixes, docs/gateways/mollie.md#conventions). */
export function mollieId(prefix: "tr_" | "cpt_" | "re_" | "whk_"): string {
  const bytes = randomBytes(10)
  let out = prefix
  for (const byte of bytes) out += ALPHABET[byte % ALPHABET.length]
  return out
}

const sum = (values: number[]): number => values.reduce((a, b) => a + b, 0)

/** Refunds that moved, or will move, money. */
const COUNTED_REFUNDS: ReadonlySet<RefundStatus> = new Set(["queued", "pending", "processing", "refunded"])

export class MollieSandboxState {
  readonly payments = new Map<string, PaymentRecord>()
  readonly captures = new Map<string, CaptureRecord>()
  readonly refunds = new Map<string, RefundRecord>()
  /** Keyed by `<api key hash>:<Idempotency-Key>`; the API key itself is never stored. */
  readonly idempotency = new Map<string, IdempotencyRecord>()
  /** Same keys as `idempotency`: requests whose first attempt is still being processed. */
  readonly inFlight = new Map<string, symbol>()
  readonly faults = new FaultQueue()
  config: MollieSandboxConfig
  /**
   * Hashes of the only API keys that authenticate (start option `apiKeys`); undefined: every
   * well-formed `test_…`/`live_…` key does.
   */
  allowedKeys?: ReadonlySet<string>
  /** `/v2/*` requests received (including rejected and faulted ones). */
  requests = 0
  /** The same, per payment named in the path (`/v2/payments/{id}/…`): how often a client asked about one payment. */
  readonly requestsByPayment = new Map<string, number>()
  effects: Effects = { setTimer: () => undefined, webhook: () => undefined }

  constructor(private readonly initialConfig: MollieSandboxConfig = DEFAULT_CONFIG) {
    this.config = cloneConfig(initialConfig)
  }

  // --- amounts (derived, never stored) ------------------------------------------------------

  capturesOf(payment: PaymentRecord): CaptureRecord[] {
    return payment.captureIds.map((id) => this.captures.get(id)!)
  }

  refundsOf(payment: PaymentRecord): RefundRecord[] {
    return payment.refundIds.map((id) => this.refunds.get(id)!)
  }

  captured(payment: PaymentRecord): number {
    return payment.autoCaptured + sum(this.capturesOf(payment).filter((c) => c.status === "succeeded").map((c) => c.amount))
  }

  pendingCaptured(payment: PaymentRecord): number {
    return sum(this.capturesOf(payment).filter((c) => c.status === "pending").map((c) => c.amount))
  }

  refunded(payment: PaymentRecord): number {
    return sum(this.refundsOf(payment).filter((r) => COUNTED_REFUNDS.has(r.status)).map((r) => r.amount))
  }

  /** What a new capture may still take. */
  capturable(payment: PaymentRecord): number {
    if (payment.status !== "authorized" || payment.released) return 0
    return Math.max(0, payment.amount - this.captured(payment) - this.pendingCaptured(payment))
  }

  /** Mollie's `amountRemaining`: what can still be REFUNDED (docs/gateways/mollie.md#payments). */
  refundable(payment: PaymentRecord): number {
    return Math.max(0, this.captured(payment) - this.refunded(payment))
  }

  /** `isCancelable`; undefined (omitted) once the payment is final (docs/gateways/mollie.md#payments). */
  isCancelable(payment: PaymentRecord): boolean | undefined {
    if (FINAL_PAYMENT_STATUSES.has(payment.status)) return undefined
    if (payment.status === "open") return true
    if (payment.status === "authorized") {
      return !payment.released && this.capturesOf(payment).every((c) => c.status === "failed")
    }
    return false
  }

  // --- transitions ------------------------------------------------------------------------

  /** Sets a status with its timestamp; returns the webhook event it triggers, if any. */
  setStatus(payment: PaymentRecord, status: PaymentStatus, now = Date.now()): WebhookEvent | undefined {
    payment.status = status
    switch (status) {
      case "authorized":
        payment.authorizedAt = now
        break
      case "paid":
        payment.paidAt = now
        break
      case "canceled":
        payment.canceledAt = now
        break
      case "expired":
        payment.expiredAt = now
        break
      case "failed":
        payment.failedAt = now
        break
      default:
        // open and pending call no webhook (docs/gateways/mollie.md#webhooks).
        return undefined
    }
    return `payment.${status}`
  }

  /**
   * After a capture settled or the authorization was released: an authorized payment becomes
   * `paid` once fully captured, or once the rest is released with something captured, and
   * `canceled` when released with nothing captured (release-authorization). With one
   * capture per payment, the first successful capture releases the rest
   * (docs/gateways/mollie.md#placing-a-hold). Returns the
   * webhook event of the status change, if there was one.
   */
  advance(payment: PaymentRecord): WebhookEvent | undefined {
    if (payment.status !== "authorized") return undefined
    const captured = this.captured(payment)
    const pending = this.pendingCaptured(payment)
    if (captured > 0 && !payment.multiCapture && pending === 0) payment.released = true
    if (captured >= payment.amount) return this.setStatus(payment, "paid")
    if (payment.released && pending === 0) return this.setStatus(payment, captured > 0 ? "paid" : "canceled")
    return undefined
  }

  /** Decides, at creation, whether a new capture will fail (control API). */
  takeCaptureFailure(paymentId: string): boolean {
    if (this.config.failCapturesFor.includes(paymentId)) return true
    if (this.config.failNextCaptures > 0) {
      this.config.failNextCaptures -= 1
      return true
    }
    return false
  }

  takeRefundFailure(): boolean {
    if (this.config.failNextRefunds > 0) {
      this.config.failNextRefunds -= 1
      return true
    }
    return false
  }

  // --- control ----------------------------------------------------------------------------

  counts(): { payments: number; captures: number; refunds: number; requests: number } {
    return { payments: this.payments.size, captures: this.captures.size, refunds: this.refunds.size, requests: this.requests }
  }

  /**
   * Per payment: how many captures and refunds were created (tests count double captures here)
   * and how many API requests named the payment in their path (tests count lookups here).
   */
  perPayment(): Record<
    string,
    { status: PaymentStatus; captures: number; refunds: number; captured: number; refunded: number; requests: number }
  > {
    const out: ReturnType<MollieSandboxState["perPayment"]> = {}
    for (const payment of this.payments.values()) {
      out[payment.id] = {
        status: payment.status,
        captures: payment.captureIds.length,
        refunds: payment.refundIds.length,
        captured: this.captured(payment),
        refunded: this.refunded(payment),
        requests: this.requestsByPayment.get(payment.id) ?? 0,
      }
    }
    return out
  }

  reset(): void {
    this.payments.clear()
    this.captures.clear()
    this.refunds.clear()
    this.idempotency.clear()
    this.inFlight.clear()
    this.faults.clear()
    this.requests = 0
    this.requestsByPayment.clear()
    this.config = cloneConfig(this.initialConfig)
  }
}
