import { DomainError } from "./errors"

/**
 * Captures and refunds share one lifecycle today. They are exported separately so that
 * callers say which one they mean, and so either can diverge without touching call sites.
 */
const LEDGER_STATUSES = ["requested", "pending", "succeeded", "failed"] as const

export type LedgerStatus = (typeof LEDGER_STATUSES)[number]
export type CaptureStatus = LedgerStatus
export type RefundStatus = LedgerStatus
export type TransitionKind = "capture" | "refund"

export const CAPTURE_STATUSES: readonly CaptureStatus[] = LEDGER_STATUSES
export const REFUND_STATUSES: readonly RefundStatus[] = LEDGER_STATUSES

/**
 * Outcomes are final: once a gateway has said succeeded or failed we never rewrite it,
 * because the ledger must stay auditable. A failed row is retried as a new row, which is
 * why failed -> succeeded is deliberately absent.
 */
const TRANSITIONS: Readonly<Record<LedgerStatus, readonly LedgerStatus[]>> = {
  requested: ["pending", "succeeded", "failed"],
  pending: ["succeeded", "failed"],
  succeeded: [],
  failed: [],
}

export function isCaptureStatus(value: unknown): value is CaptureStatus {
  return (CAPTURE_STATUSES as readonly unknown[]).includes(value)
}

export function isRefundStatus(value: unknown): value is RefundStatus {
  return (REFUND_STATUSES as readonly unknown[]).includes(value)
}

export function isTerminal(status: LedgerStatus): boolean {
  return (TRANSITIONS[status]?.length ?? 0) === 0
}

/**
 * Webhooks and polling can report the same outcome twice; callers use this to accept the
 * replay silently instead of treating it as an illegal transition.
 */
export function isNoopTransition(from: LedgerStatus, to: LedgerStatus): boolean {
  return from === to
}

// Statuses come from the database at runtime, hence the `?.` for unknown values.
export function canTransition(from: LedgerStatus, to: LedgerStatus): boolean {
  return TRANSITIONS[from]?.includes(to) ?? false
}

export function assertTransition(kind: TransitionKind, from: LedgerStatus, to: LedgerStatus): void {
  if (!canTransition(from, to)) throw new InvalidTransitionError(kind, from, to)
}

/** A move the lifecycle above does not allow (an outcome rewritten, a settled row reopened). */
export class InvalidTransitionError extends DomainError {
  declare readonly code: "invalid_transition"
  readonly kind: TransitionKind
  readonly from: LedgerStatus
  readonly to: LedgerStatus

  constructor(kind: TransitionKind, from: LedgerStatus, to: LedgerStatus) {
    super("invalid_transition", `Cannot move a ${kind} from "${from}" to "${to}"`)
    this.name = "InvalidTransitionError"
    this.kind = kind
    this.from = from
    this.to = to
  }
}
