import { InvalidMoneyError } from "./errors"
import type { CaptureStatus, RefundStatus } from "./status"

export type LedgerRefund = { status: RefundStatus; amount: number }
export type LedgerCapture = { status: CaptureStatus; amount: number; refunds: LedgerRefund[] }

/** All values in integer minor units of the payment's currency. */
export type PaymentTotals = {
  /** the payment's authorized amount (input) */
  authorized: number
  /** sum of succeeded captures */
  captured: number
  /** sum of requested + pending captures: money spoken for whose outcome is not final */
  pending: number
  /** sum of succeeded refunds of succeeded captures */
  refunded: number
  /** sum of requested + pending refunds of succeeded captures */
  refund_pending: number
  /**
   * authorized - captured - pending, and never more than the order still owes
   * (`orderOwes`); 0 once the authorization is canceled or closed; never negative
   */
  capturable: number
  /**
   * Authorized, not captured, and more than the order still owes (an order
   * edit lowered its total): can only be released, never captured
   */
  not_owed: number
  /** captured - refunded - refund_pending; never negative */
  refundable: number
}

// In-flight rows are counted as spent so two concurrent requests cannot both claim the
// same headroom; if they later fail, the headroom comes back on its own.
const isInFlight = (status: CaptureStatus | RefundStatus): boolean =>
  status === "requested" || status === "pending"

function assertLedgerAmount(amount: unknown, field: string): asserts amount is number {
  if (typeof amount !== "number" || !Number.isSafeInteger(amount) || amount < 0) {
    throw new InvalidMoneyError("invalid_amount", field, `${field} must be a non-negative integer, got ${String(amount)}`)
  }
}

type RefundSums = { succeeded: number; inFlight: number }

function sumRefunds(refunds: readonly LedgerRefund[], field: string): RefundSums {
  const sums: RefundSums = { succeeded: 0, inFlight: 0 }
  refunds.forEach((refund, i) => {
    assertLedgerAmount(refund.amount, `${field}[${i}].amount`)
    if (refund.status === "succeeded") sums.succeeded += refund.amount
    else if (isInFlight(refund.status)) sums.inFlight += refund.amount
  })
  return sums
}

/**
 * Refunds only have money to draw on once their capture succeeded, so refunds hanging off
 * any other capture are ignored rather than allowed to skew the totals.
 */
export function derivePaymentTotals(input: {
  authorized: number
  canceled?: boolean
  captures: LedgerCapture[]
  /** What the payment's order still owes (orderStillOwes), when it can be less than the authorization. */
  orderOwes?: number | null
}): PaymentTotals {
  assertLedgerAmount(input.authorized, "authorized")
  if (input.orderOwes != null) assertLedgerAmount(input.orderOwes, "orderOwes")
  let captured = 0
  let pending = 0
  let refunded = 0
  let refund_pending = 0

  input.captures.forEach((capture, i) => {
    assertLedgerAmount(capture.amount, `captures[${i}].amount`)
    if (isInFlight(capture.status)) pending += capture.amount
    if (capture.status !== "succeeded") return
    captured += capture.amount
    const refunds = sumRefunds(capture.refunds, `captures[${i}].refunds`)
    refunded += refunds.succeeded
    refund_pending += refunds.inFlight
  })

  const open = input.canceled ? 0 : Math.max(0, input.authorized - captured - pending)
  const capturable = input.orderOwes == null ? open : Math.min(open, input.orderOwes)
  return {
    authorized: input.authorized,
    captured,
    pending,
    refunded,
    refund_pending,
    capturable,
    not_owed: open - capturable,
    refundable: Math.max(0, captured - refunded - refund_pending),
  }
}

/**
 * What is still refundable against one capture. Clamped at 0 like `refundable`, so an
 * over-refunded capture (bad data) reads as "nothing left" rather than as a credit.
 */
export function captureRefundBalance(capture: LedgerCapture): number {
  if (capture.status !== "succeeded") return 0
  assertLedgerAmount(capture.amount, "amount")
  const refunds = sumRefunds(capture.refunds, "refunds")
  return Math.max(0, capture.amount - refunds.succeeded - refunds.inFlight)
}
