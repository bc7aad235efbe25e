/**
 * In-memory store of the Clover simulator: charges, refunds, idempotency records, queued faults
 * and counters. Synchronous on purpose: a handler checks and mutates without an `await` in
 * between, so requests on one charge are applied strictly one at a time.
 */
import { randomBytes, randomInt } from "node:crypto"
import { FaultQueue } from "../common"

export type Metadata = Record<string, unknown>

export type SimCardSource = { id: string; object: "source"; brand: string; first6: string; last4: string; exp_month: string; exp_year: string }

/** The charge object (docs/gateways/clover.md#the-charge-object), stored exactly as rendered. */
export type SimCharge = {
  id: string
  object: "charge"
  amount: number
  amount_captured: number
  amount_refunded: number
  currency: string
  created: number
  captured: boolean
  paid: boolean
  refunded: boolean
  status: "succeeded" | "failed"
  outcome: { network_status: string; type: string }
  ref_num: string | null
  auth_code: string | null
  order: string
  source: SimCardSource
  description: string | null
  metadata: Metadata
  receipt_email: string | null
  level2: Record<string, unknown> | null
  failure_code: string | null
  failure_message: string | null
  livemode: false
}

export type SimRefund = {
  id: string
  object: "refund"
  amount: number
  charge: string
  currency: string
  created: number
  status: "succeeded"
  reason: string | null
  metadata: Metadata
}

/** What the simulator knows about a charge beyond its wire object. */
export type ChargeBehaviour = {
  /** `clv_test_capture_decline_<code>`: every capture is declined with this code. */
  captureDeclineCode?: string
  /** `clv_test_refund_decline_<code>`: every refund of captured money is declined. */
  refundDeclineCode?: string
}

/** Per charge, for tests that must prove "exactly one capture". */
export type ChargeCounts = {
  /** Captures that changed the charge (0 or 1: Clover captures a charge once). */
  captures: number
  /** Capture requests that reached the handler or were replayed. */
  capture_requests: number
  /** Refunds executed (including a release). */
  refunds: number
  /** Responses replayed for an idempotency key, any endpoint. */
  replays: number
}

/**
 * How much the simulator promises beyond Clover's documents (docs/gateways/clover.md#what-the-simulator-can-be):
 * - `documented`: Clover's documented behaviour, and where Clover is silent the generous reading
 *   (idempotency keys honoured on every POST, `metadata` and `reason` kept on refunds, a capture's
 *   200 showing `captured: true` as the page's text says, `amount_captured` as in the
 *   split-shipment sample, declines with 402 "Request Failed");
 * - `strictest`: nothing Clover does not promise: keys honoured on creating charges only, refunds
 *   as `{ id, object, amount, charge, created, status }`, no `amount_captured`, a capture's 200
 *   saying `captured: false` (as Clover's capture sample does), declines with 400 (as the capture
 *   page lists every error).
 */
export type CloverContract = "documented" | "strictest"

/**
 * What a plain partial capture (no `split_shipment`) does with the rest of the authorization, which
 * Clover does not document for its Ecommerce API: `released` at once (as for its device pre-auths),
 * or `held` on the card until the pre-authorization lapses. Either way it cannot be captured any
 * more; only the control API's state shows the difference (`held_amount`, `held_until`).
 */
export type PartialCaptureRest = "released" | "held"

export type CloverSandboxConfig = { contract: CloverContract; partialCaptureRest: PartialCaptureRest }

/** Pre-authorizations expire (docs/gateways/clover.md#pre-authorization-rules): Visa 7 days, Mastercard 30. */
export const PRE_AUTH_VALIDITY_DAYS: Readonly<Record<string, number>> = { VISA: 7, MC: 30 }

export type IdempotencyRecord = { fingerprint: string; status: number; body: string; chargeId?: string }

export type CloverSandboxCounts = { charges: number; captures: number; refunds: number; requests: number; replays: number }

export type CloverSandboxSnapshot = {
  config: CloverSandboxConfig
  clock: { now: number; offsetMs: number }
  counts: CloverSandboxCounts
  /** `held_amount`/`held_until`: what the card still holds after a partial capture (config `partialCaptureRest: "held"`). */
  charges: Array<SimCharge & { counts: ChargeCounts; held_amount: number; held_until: number | null }>
  refunds: SimRefund[]
  faults: ReturnType<FaultQueue["list"]>
}

const ALNUM = "ABCDEFGHJKMNPQRSTVWXYZ0123456789"

/** Clover ids: 13 upper-case alphanumerics, as in Clover's samples (clover.md, assumed 9). */
export function cloverId(): string {
  const bytes = randomBytes(13)
  let id = ""
  for (const byte of bytes) id += ALNUM[byte % ALNUM.length]
  return id
}

export const digits = (n: number): string => Array.from({ length: n }, () => String(randomInt(10))).join("")

const clone = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T

const zeroCounts = (): ChargeCounts => ({ captures: 0, capture_requests: 0, refunds: 0, replays: 0 })

export class CloverSandboxState {
  readonly charges = new Map<string, SimCharge>()
  readonly behaviour = new Map<string, ChargeBehaviour>()
  readonly refunds = new Map<string, SimRefund>()
  readonly chargeCounts = new Map<string, ChargeCounts>()
  /** Keyed by `<private key hash>:<idempotency-key>`: the private key itself is never stored. */
  readonly idempotency = new Map<string, IdempotencyRecord>()
  readonly faults = new FaultQueue()
  /** Card tokens charges were made with: Clover's tokens are single-use. */
  readonly usedTokens = new Set<string>()
  /** `/v1/*` requests received, including rejected and faulted ones. */
  requests = 0
  replays = 0
  config: CloverSandboxConfig
  /** Moves the simulator's clock (ms), so tests can age authorizations without waiting days. */
  clockOffsetMs = 0

  constructor(private readonly initialConfig: CloverSandboxConfig = { contract: "documented", partialCaptureRest: "released" }) {
    this.config = { ...initialConfig }
  }

  /** What the card still holds of a partly captured charge, and until when (the control API's view). */
  heldOf(charge: SimCharge): { held_amount: number; held_until: number | null } {
    const rest = charge.captured ? charge.amount - charge.amount_captured : 0
    if (rest <= 0 || this.config.partialCaptureRest === "released" || this.now() > this.expiresAt(charge)) return { held_amount: 0, held_until: null }
    return { held_amount: rest, held_until: this.expiresAt(charge) }
  }

  now(): number {
    return Date.now() + this.clockOffsetMs
  }

  /** When an uncaptured charge's pre-authorization lapses (unix ms), by its card brand. */
  expiresAt(charge: Pick<SimCharge, "created" | "source">): number {
    return charge.created + (PRE_AUTH_VALIDITY_DAYS[charge.source.brand] ?? 7) * 86_400_000
  }

  addCharge(charge: SimCharge, behaviour: ChargeBehaviour = {}): void {
    this.charges.set(charge.id, charge)
    this.behaviour.set(charge.id, behaviour)
    this.chargeCounts.set(charge.id, zeroCounts())
  }

  countsOf(chargeId: string): ChargeCounts {
    let counts = this.chargeCounts.get(chargeId)
    if (!counts) {
      counts = zeroCounts()
      this.chargeCounts.set(chargeId, counts)
    }
    return counts
  }

  refundsOf(chargeId: string): SimRefund[] {
    return [...this.refunds.values()].filter((refund) => refund.charge === chargeId)
  }

  counts(): CloverSandboxCounts {
    let captures = 0
    for (const counts of this.chargeCounts.values()) captures += counts.captures
    return { charges: this.charges.size, captures, refunds: this.refunds.size, requests: this.requests, replays: this.replays }
  }

  snapshot(): CloverSandboxSnapshot {
    return {
      config: { ...this.config },
      clock: { now: this.now(), offsetMs: this.clockOffsetMs },
      counts: this.counts(),
      charges: [...this.charges.values()].map((charge) => ({ ...clone(charge), counts: { ...this.countsOf(charge.id) }, ...this.heldOf(charge) })),
      refunds: [...this.refunds.values()].map(clone),
      faults: this.faults.list(),
    }
  }

  reset(): void {
    this.charges.clear()
    this.behaviour.clear()
    this.refunds.clear()
    this.chargeCounts.clear()
    this.idempotency.clear()
    this.faults.clear()
    this.usedTokens.clear()
    this.requests = 0
    this.replays = 0
    this.clockOffsetMs = 0
    this.config = { ...this.initialConfig }
  }
}
