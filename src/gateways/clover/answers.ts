/**
 * How the Clover adapter reads Clover's answers: amounts it may send, a lookup's verdict as the
 * gateway port says it, reads that decide an operation Clover may already have done, and the error
 * codes it acts on. Pure except `confirm`, whose only I/O is the read it is given.
 */
import { GatewayLookupDiscrepancy, isGatewayError } from "../gateway"
import type { LookupVerdict } from "./lookup"
import { asOutcomeUnknown, invalidRequest, type CloverApiError } from "./mapper"

export function assertCents(amount: number, param = "amount"): void {
  if (!Number.isSafeInteger(amount) || amount <= 0) {
    throw invalidRequest("parameter_invalid", `${param} must be a positive integer in minor units, got ${String(amount)}.`, param)
  }
}

/**
 * A read that decides an operation Clover may already have done (after a 200 we could not read
 * as a capture, or an "already captured/refunded" answer). If the read fails, the operation's
 * outcome is unknown, never "failed": marking it failed could hide money moved.
 */
export async function confirm<T>(read: () => Promise<T>): Promise<T> {
  try {
    return await read()
  } catch (err) {
    throw isGatewayError(err) && !err.outcomeUnknown ? asOutcomeUnknown(err) : err
  }
}

export const hasCode = (err: unknown, code: string): err is CloverApiError => isGatewayError(err) && err.code === code
export const isMissing = (err: unknown): boolean => isGatewayError(err) && err.httpStatus === 404

/** A lookup's verdict as the port says it: the result, null for "nothing there", or a thrown discrepancy. */
export function settle<T, R extends { message?: string }>(verdict: LookupVerdict<T>, toResult: (item: T) => R): R | null {
  if (verdict.kind === "none") return null
  if (verdict.kind === "discrepancy") throw new GatewayLookupDiscrepancy(verdict)
  const result = toResult(verdict.item)
  if (verdict.by !== "fields") return result
  // Worth a line on the row: Clover did not give back the key we sent.
  return { ...result, message: "Found at Clover by charge, amount and time; the refund does not carry this refund's key." }
}
