/** The transport knobs every gateway client takes, with the defaults they share. */

export type TransportOptions = {
  /** Per attempt. Default 10 000 ms. */
  timeoutMs?: number
  /** Retries after the first attempt. Default 2. */
  maxRetries?: number
  /** First backoff delay. Default 200 ms unless the client says otherwise. */
  initialBackoffMs?: number
  /** Backoff ceiling. Default 5 000 ms. */
  maxBackoffMs?: number
  /** A longer `Retry-After` is not waited for: the error is thrown instead. Default 30 000 ms. */
  maxRetryAfterMs?: number
  /** Defaults to the global fetch. */
  fetch?: typeof fetch
}

export type ResolvedTransportOptions = Required<TransportOptions>

export function resolveTransportOptions(
  options: TransportOptions,
  defaults: { initialBackoffMs?: number } = {}
): ResolvedTransportOptions {
  return {
    timeoutMs: options.timeoutMs ?? 10_000,
    maxRetries: options.maxRetries ?? 2,
    initialBackoffMs: options.initialBackoffMs ?? defaults.initialBackoffMs ?? 200,
    maxBackoffMs: options.maxBackoffMs ?? 5_000,
    maxRetryAfterMs: options.maxRetryAfterMs ?? 30_000,
    fetch: options.fetch ?? fetch,
  }
}

/**
 * The longest one gateway call can take with these options: every attempt up
 * to its timeout, and between attempts the longest wait the retry policy
 * accepts (its backoff ceiling, or a gateway's Retry-After up to
 * maxRetryAfterMs). Until then a request whose answer was lost may still be
 * on its way to the gateway; it can be declared never received only after.
 */
export function longestCallMs(options: TransportOptions): number {
  const t = resolveTransportOptions(options)
  return (t.maxRetries + 1) * t.timeoutMs + t.maxRetries * Math.max(t.maxBackoffMs, t.maxRetryAfterMs)
}
