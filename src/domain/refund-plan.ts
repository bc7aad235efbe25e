import type { RefundStatus } from "./status"

/**
 * Medusa's refund hook asks for one amount per payment and knows nothing of
 * captures. The ledger makes it one operation, with parts on the payment's
 * captures; a retry of the same operation (Medusa rolled back because a part
 * failed or was unclear) must complete it, never spread the amount again.
 * This decides, from the operation's parts so far and the captures' refund
 * balances, what is left to do.
 */
export type RefundPart = { captureId: string; amount: number; status: RefundStatus }
/** A succeeded capture's refund balance; in the order parts are taken from (newest capture first). */
export type CaptureBalance = { captureId: string; balance: number }

export type RefundPlan =
  /** The parts that went through (succeeded, or accepted and settling) cover the amount. */
  | { kind: "complete" }
  /** A part's outcome is not known yet: nothing new is sent until it is (reconciliation settles it). */
  | { kind: "unresolved"; unknown: number }
  /** New parts for what is left: declined parts' amounts are taken again, from the balances. */
  | { kind: "send"; parts: Array<{ captureId: string; amount: number }> }
  /** What is left is more than the captures can still refund. */
  | { kind: "exceeds"; rest: number; refundable: number }

export function planOperationRefund(amount: number, existing: readonly RefundPart[], balances: readonly CaptureBalance[]): RefundPlan {
  let covered = 0
  let unknown = 0
  for (const part of existing) {
    if (part.status === "succeeded" || part.status === "pending") covered += part.amount
    else if (part.status === "requested") unknown += part.amount
  }
  if (unknown > 0) return { kind: "unresolved", unknown }
  const rest = amount - covered
  if (rest <= 0) return { kind: "complete" }

  const parts: Array<{ captureId: string; amount: number }> = []
  let left = rest
  for (const { captureId, balance } of balances) {
    // Stryker disable next-line ConditionalExpression: without the break the loop takes min(0, balance) <= 0 from each remaining capture and skips it (`true` would send nothing, which every send test catches)
    if (left === 0) break
    const take = Math.min(left, balance)
    if (take <= 0) continue
    parts.push({ captureId, amount: take })
    left -= take
  }
  if (left > 0) return { kind: "exceeds", rest, refundable: rest - left }
  return { kind: "send", parts }
}

/**
 * What an operation Medusa gave up on refunded, once it is final: every part
 * settled (none requested, nor pending at the gateway), the sum of the
 * succeeded ones — the whole amount, or less when a part was declined. Null
 * while a part is still in flight: its outcome decides.
 */
export function settledRefundAmount(parts: readonly RefundPart[]): number | null {
  let succeeded = 0
  for (const part of parts) {
    if (part.status === "requested" || part.status === "pending") return null
    if (part.status === "succeeded") succeeded += part.amount
  }
  return succeeded
}
