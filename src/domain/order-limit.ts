/**
 * What an order still owes, the ceiling of every capture on its payments once
 * an order edit may have lowered its total below what they authorize.
 *
 * A payment's money already taken counts whatever became of it: a refund (a
 * return, a goodwill gesture) gives money back, it does not make it
 * capturable again. Money on its way (a capture requested or pending) counts
 * too, so two captures decided one after the other cannot both take the
 * same part of the order.
 */
export type OrderPaymentTake = {
  /** Succeeded captures (gross: refunds are not subtracted). */
  captured: number
  /** Captures requested or pending. */
  pending: number
}

export function orderStillOwes(orderTotal: number, payments: readonly OrderPaymentTake[]): number {
  const taken = payments.reduce((sum, p) => sum + p.captured + p.pending, 0)
  return Math.max(0, orderTotal - taken)
}
