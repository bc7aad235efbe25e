/**
 * The retry policy of every gateway client: retry what the mapper marked retryable, with the
 * same idempotency key, waiting what `Retry-After` asks for (never shortened by our jitter)
 * and otherwise backing off exponentially. A `Retry-After` beyond `maxRetryAfterMs` is not
 * waited out: the error surfaces, so a caller is not parked for minutes.
 */
import {
  DelegateBackoff,
  ExponentialBackoff,
  handleWhen,
  retry,
  type IBackoff,
  type IBackoffFactory,
  type IRetryBackoffContext,
  type RetryPolicy,
} from "cockatiel"
import { isGatewayError } from "../gateway"

export type RetrySettings = {
  /** Retries after the first attempt. */
  maxRetries: number
  initialBackoffMs: number
  maxBackoffMs: number
  maxRetryAfterMs: number
  /**
   * How the wait without a `Retry-After` is drawn: "decorrelated" is cockatiel's
   * `ExponentialBackoff` (decorrelated jitter); "full" is a uniform draw below the exponential
   * ceiling. Each client keeps the one it shipped with.
   */
  jitter: "decorrelated" | "full"
  /**
   * A gateway that asks for a fixed pause after a 429 without `Retry-After` (Clover: "pause for one
   * second before making another API request", then "exponentially increase the time between API
   * requests"): the first wait is this long, each next one twice the last, up to `maxRetryAfterMs`.
   * Unset: such a 429 backs off like any other retryable failure.
   */
  rateLimitPauseMs?: number
}

/** The wait after a 429 that named no Retry-After, when the gateway documents one (RetrySettings.rateLimitPauseMs). */
export function rateLimitPause(settings: Pick<RetrySettings, "rateLimitPauseMs" | "maxRetryAfterMs">, error: unknown, attempt: number): number | undefined {
  if (settings.rateLimitPauseMs === undefined || !isGatewayError(error)) return undefined
  if (error.type !== "rate_limit_error" || error.retryAfterMs !== undefined) return undefined
  return Math.min(settings.maxRetryAfterMs, settings.rateLimitPauseMs * 2 ** Math.max(0, attempt - 1))
}

/** Exponential backoff, except that a `Retry-After` the gateway sent wins. */
class RetryAfterBackoff implements IBackoffFactory<IRetryBackoffContext<unknown>> {
  constructor(private readonly inner: IBackoffFactory<unknown>) {}

  next(context: IRetryBackoffContext<unknown>): IBackoff<IRetryBackoffContext<unknown>> {
    return preferRetryAfter(this.inner.next(context), context)
  }
}

function preferRetryAfter(
  backoff: IBackoff<unknown>,
  context: IRetryBackoffContext<unknown>
): IBackoff<IRetryBackoffContext<unknown>> {
  const error = "error" in context.result ? context.result.error : undefined
  const retryAfterMs = isGatewayError(error) ? error.retryAfterMs : undefined
  return {
    duration: retryAfterMs ?? backoff.duration,
    next: (nextContext) => preferRetryAfter(backoff.next(nextContext), nextContext),
  }
}

/** Full jitter over an exponential ceiling, unless the gateway sent a `Retry-After`. */
function fullJitterBackoff(settings: RetrySettings): DelegateBackoff<IRetryBackoffContext<unknown>> {
  return new DelegateBackoff((context: IRetryBackoffContext<unknown>) => {
    const failure = "error" in context.result ? context.result.error : undefined
    if (isGatewayError(failure) && failure.retryAfterMs !== undefined) return failure.retryAfterMs
    const pause = rateLimitPause(settings, failure, context.attempt)
    if (pause !== undefined) return pause
    const ceiling = Math.min(settings.maxBackoffMs, settings.initialBackoffMs * 2 ** Math.max(0, context.attempt - 1))
    return Math.round(Math.random() * ceiling)
  })
}

export function gatewayRetryPolicy(settings: RetrySettings): RetryPolicy {
  const shouldRetry = (err: Error): boolean =>
    isGatewayError(err) &&
    err.retryable &&
    !(err.retryAfterMs !== undefined && err.retryAfterMs > settings.maxRetryAfterMs)
  const backoff =
    settings.jitter === "full"
      ? fullJitterBackoff(settings)
      : new RetryAfterBackoff(new ExponentialBackoff({ initialDelay: settings.initialBackoffMs, maxDelay: settings.maxBackoffMs }))
  return retry(handleWhen(shouldRetry), { maxAttempts: settings.maxRetries, backoff })
}
