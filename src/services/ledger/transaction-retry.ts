import { ExponentialBackoff, handleWhen, retry } from "cockatiel"

/**
 * PostgreSQL aborts one of two transactions that wait for each other
 * (deadlock_detected, 40P01) or that cannot both commit under SERIALIZABLE
 * (serialization_failure, 40001). The ledger's transactions only touch the
 * database (no gateway call is ever made inside one), so the aborted one can
 * simply run again: it did nothing. One lock order everywhere (payment, then
 * capture, then refund) keeps this rare; this keeps it invisible.
 */
const RETRYABLE_CODES = new Set(["40P01", "40001"])

export function isTransientTransactionFailure(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code
  return typeof code === "string" && RETRYABLE_CODES.has(code)
}

const policy = retry(handleWhen(isTransientTransactionFailure), {
  maxAttempts: 3,
  backoff: new ExponentialBackoff({ initialDelay: 5, maxDelay: 100 }),
})

/** Runs a database-only unit of work again when PostgreSQL aborted it as a deadlock victim. */
export function retryTransientTransaction<T>(work: () => Promise<T>): Promise<T> {
  return policy.execute(work)
}
