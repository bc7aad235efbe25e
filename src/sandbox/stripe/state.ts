/**
 * In-memory store of the Stripe simulator: intents, charges, refunds, events, idempotency records,
 * configuration, queued faults and the simulated clock. Handlers check and mutate it without an
 * `await` in between, so requests on one intent apply strictly one at a time. Later changes (a
 * pending capture or refund settling) go through `effects`, wired to the server's timers, and
 * every event through `effects.event`, wired to the webhook dispatcher.
 */
import { FaultQueue } from "../common/faults"
import { SimClock } from "./clock"
import { cloneConfig, DEFAULT_CONFIG, type StripeSandboxConfig } from "./config"
import type { TestCard } from "./test-cards"

export type Mode = "test" | "live"
export type IntentStatus =
  | "requires_payment_method"
  | "requires_confirmation"
  | "requires_action"
  | "processing"
  | "requires_capture"
  | "canceled"
  | "succeeded"
export type CaptureMethod = "automatic" | "automatic_async" | "manual"
export type RefundStatus = "pending" | "requires_action" | "succeeded" | "failed" | "canceled"

export type IntentRecord = {
  id: string
  mode: Mode
  created: number
  amount: number
  currency: string
  captureMethod: CaptureMethod
  status: IntentStatus
  paymentMethod: string | null
  /** The explicit payment method types in effect; null: automatic payment methods (the API's default). */
  paymentMethodTypes: string[] | null
  /** `allowed_payment_method_types` as sent. */
  allowedPaymentMethodTypes: string[] | null
  allowRedirects: "always" | "never"
  requestMulticapture: "if_available" | "never" | null
  metadata: Record<string, string>
  description: string | null
  receiptEmail: string | null
  statementDescriptorSuffix: string | null
  returnUrl: string | null
  clientSecret: string
  amountCapturable: number
  amountReceived: number
  latestCharge: string | null
  lastPaymentError: Record<string, unknown> | null
  nextAction: Record<string, unknown> | null
  canceledAt: number | null
  cancellationReason: string | null
  /** Captures made (multicapture allows 50). */
  captures: number
}

export type ChargeRecord = {
  id: string
  mode: Mode
  paymentIntent: string
  paymentMethod: string
  card: TestCard
  created: number
  amount: number
  currency: string
  status: "succeeded" | "pending" | "failed"
  /** True after the final capture (with multicapture, also at the end of the authorization window). */
  captured: boolean
  amountCaptured: number
  /** `available` / `unavailable` when multicapture was requested, else absent. */
  multicapture: "available" | "unavailable" | null
  /** Unix seconds; null for a charge that was not an uncaptured authorization. */
  captureBefore: number | null
  failureCode: string | null
  failureMessage: string | null
  declineCode: string | null
  threeDSecure: boolean
  metadata: Record<string, string>
  description: string | null
  refundIds: string[]
}

export type RefundRecord = {
  id: string
  mode: Mode
  charge: string
  paymentIntent: string
  amount: number
  currency: string
  created: number
  status: RefundStatus
  reason: string | null
  metadata: Record<string, string>
  failureReason: string | null
}

export type EventRecord = {
  id: string
  mode: Mode
  type: string
  created: number
  apiVersion: string
  object: Record<string, unknown>
  previousAttributes?: Record<string, unknown>
  request: { id: string | null; idempotency_key: string | null }
  /** Endpoints that have not answered 2xx yet. */
  pendingWebhooks: number
}

/**
 * One capture as the simulator applied it. Stripe has no capture object (each capture only moves
 * the charge's `amount_captured`), so this log is the simulator's own bookkeeping, shown only on
 * `GET /__control/state`: what tests compare the ledger with, independent of what the plugin
 * wrote into the intent's metadata.
 */
export type CaptureLogEntry = {
  paymentIntent: string
  charge: string
  amount: number
  final: boolean
  /** The Idempotency-Key of the request that made it (null without one). */
  idempotencyKey: string | null
  created: number
}

/** A stored first answer, replayed for the same key and parameters (docs/gateways/stripe.md#idempotency). */
export type IdempotencyRecord = {
  fingerprint: string
  endpoint: string
  status: number
  body: string
  requestId: string
  createdMs: number
}

/** Side effects the server provides: timers that close() cancels, and event delivery. */
export type Effects = {
  setTimer(fn: () => void, ms: number): void
  event(event: EventRecord): void
}

export class StripeSandboxState {
  readonly intents = new Map<string, IntentRecord>()
  readonly charges = new Map<string, ChargeRecord>()
  readonly refunds = new Map<string, RefundRecord>()
  /** In creation order (lists are newest first). */
  readonly events = new Map<string, EventRecord>()
  /** Captures of money (not releases of nothing), oldest first. */
  readonly captureLog: CaptureLogEntry[] = []
  /** Keyed by `<mode>:<Idempotency-Key>`: Stripe scopes keys to the account, whichever key sent them. */
  readonly idempotency = new Map<string, IdempotencyRecord>()
  readonly inFlight = new Map<string, symbol>()
  readonly faults = new FaultQueue()
  readonly clock = new SimClock()
  config: StripeSandboxConfig
  /** Hashes of the only keys that authenticate (start option `apiKeys`); undefined: any well-formed key. */
  allowedKeys?: ReadonlySet<string>
  /** `/v1` requests received (faulted and refused ones too). */
  requests = 0
  effects: Effects = { setTimer: () => undefined, event: () => undefined }

  constructor(private readonly initialConfig: StripeSandboxConfig = DEFAULT_CONFIG) {
    this.config = cloneConfig(initialConfig)
  }

  refundsOf(charge: ChargeRecord): RefundRecord[] {
    return charge.refundIds.map((id) => this.refunds.get(id)!)
  }

  /** Pending and succeeded refunds count (a failed or canceled one gives the amount back). */
  amountRefunded(charge: ChargeRecord): number {
    return this.refundsOf(charge)
      .filter((r) => r.status === "pending" || r.status === "requires_action" || r.status === "succeeded")
      .reduce((sum, r) => sum + r.amount, 0)
  }

  /** Takes one unit of a "next N" control counter; true when one was left. */
  take(counter: "declineNextCaptures" | "pendNextCaptures" | "failNextRefunds" | "pendNextRefunds"): boolean {
    if (this.config[counter] <= 0) return false
    this.config[counter] -= 1
    return true
  }

  counts(): { intents: number; charges: number; refunds: number; events: number; requests: number } {
    return { intents: this.intents.size, charges: this.charges.size, refunds: this.refunds.size, events: this.events.size, requests: this.requests }
  }

  reset(): void {
    this.intents.clear()
    this.charges.clear()
    this.refunds.clear()
    this.events.clear()
    this.captureLog.length = 0
    this.idempotency.clear()
    this.inFlight.clear()
    this.faults.clear()
    this.clock.reset()
    this.requests = 0
    this.config = cloneConfig(this.initialConfig)
  }
}
