/**
 * `Retry-After` as every gateway client reads it. One reading for all: the header is HTTP's,
 * not a gateway's, and a client that waited differently per gateway would be a bug.
 */

/**
 * `Retry-After` in milliseconds: delta-seconds (fractions accepted, as the simulators may send
 * them) or an HTTP date. undefined when absent or unreadable.
 */
export function parseRetryAfter(value: string | null | undefined, nowMs: number): number | undefined {
  const trimmed = value?.trim()
  if (!trimmed) return undefined
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000)
  // An HTTP date has a weekday and month name; without letters it is junk like "-1".
  const date = /[A-Za-z]/.test(trimmed) ? Date.parse(trimmed) : Number.NaN
  return Number.isNaN(date) ? undefined : Math.max(0, date - nowMs)
}
