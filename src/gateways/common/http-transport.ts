/**
 * The HTTP transport under every gateway client: one fetch per attempt with its own timeout
 * (`AbortSignal.timeout`), retries by `gatewayRetryPolicy`, and the rule that keeps an unclear
 * outcome unclear. A client configures it with its fixed headers (the Authorization header, so
 * the key stays in this object's private field), how its gateway's failures map to
 * `GatewayError`s and which errors are declines; the client itself keeps only its endpoints
 * and its own wire details (URLs, per-request headers, response shapes).
 */
import type { RetryPolicy } from "cockatiel"
import { isGatewayError, type GatewayError } from "../gateway"
import { withUnknownOutcome, type RequestContext } from "./failures"
import { gatewayRetryPolicy, type RetrySettings } from "./retry-policy"
import type { ResolvedTransportOptions } from "./transport-options"

/** Checks that a parsed 2xx body is what the endpoint returns. */
export type Guard<T> = (value: unknown) => value is T

/** How one gateway's failures become `GatewayError`s (its mapper). */
export type TransportErrorMapping = {
  /** A non-2xx answer; `body` is the parsed JSON, undefined when there was none. */
  response(answer: { status: number; body: unknown; retryAfter: string | null }, ctx: RequestContext): GatewayError
  /** No HTTP answer at all. */
  transport(err: unknown, ctx: RequestContext & { timeoutMs: number }): GatewayError
  /** A 2xx whose body the guard refused. */
  malformed(status: number, ctx: RequestContext): GatewayError
  /** A decline is final even after an unclear attempt: the gateway replays it for the same key. */
  isDecline(err: GatewayError): boolean
  /** Marks an error as possibly acted on; default `withUnknownOutcome`. */
  asOutcomeUnknown?(err: GatewayError): GatewayError
}

export type HttpTransportConfig = ResolvedTransportOptions & {
  /** Sent on every request (Authorization, Accept, …). */
  headers: Record<string, string>
  jitter: RetrySettings["jitter"]
  rateLimitPauseMs?: RetrySettings["rateLimitPauseMs"]
  errors: TransportErrorMapping
}

export type HttpCall = {
  method: string
  url: URL
  /** How errors name the request (ids only, never a secret). */
  path: string
  /** Per-request headers, after the fixed ones (idempotency key, forwarded-for). */
  headers?: Record<string, string>
  /** Sent as JSON when not undefined. */
  body?: unknown
  /**
   * false: an attempt that may have acted (outcome unknown) is not sent again; its error is
   * thrown for the caller to find out first. For calls whose idempotency key the gateway does not
   * promise to honour (Clover's refunds), where a blind resend could move money twice. Failures
   * that prove nothing happened (no connection, 429) are still retried. Default true.
   */
  retryUnclear?: boolean
}

export type HttpResult<T> = {
  status: number
  data: T
  /** The gateway replayed a stored response for this idempotency key (`Idempotent-Replayed: true`). */
  replayed: boolean
}

/** Carries an unclear attempt's error out of the retry policy, which retries gateway errors only. */
class StopRetrying extends Error {
  constructor(readonly error: GatewayError) {
    super(error.message)
  }
}

/** undefined for an empty or non-JSON body (JSON.parse never returns undefined). */
function parseJson(text: string): unknown {
  if (text.trim() === "") return undefined
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}

export class HttpTransport {
  readonly timeoutMs: number
  readonly #headers: Record<string, string>
  readonly #fetch: typeof fetch
  readonly #policy: RetryPolicy
  readonly #errors: TransportErrorMapping

  constructor(config: HttpTransportConfig) {
    this.timeoutMs = config.timeoutMs
    this.#headers = config.headers
    this.#fetch = config.fetch
    this.#policy = gatewayRetryPolicy({
      maxRetries: config.maxRetries,
      initialBackoffMs: config.initialBackoffMs,
      maxBackoffMs: config.maxBackoffMs,
      maxRetryAfterMs: config.maxRetryAfterMs,
      jitter: config.jitter,
      rateLimitPauseMs: config.rateLimitPauseMs,
    })
    this.#errors = config.errors
  }

  /**
   * Sends the call with retries. Throws `GatewayError` for every non-2xx answer and every
   * transport failure. Once an attempt may have acted (outcome unknown), a later failure does
   * not prove it did not: the thrown error keeps `outcomeUnknown` (a 409 "in progress" or a
   * 4xx on the retry says nothing about the first attempt). Only a decline is final.
   */
  async send<T>(call: HttpCall, guard: Guard<T>): Promise<HttpResult<T>> {
    let uncertain = false
    try {
      return await this.#policy.execute(async () => {
        try {
          return await this.attempt(call, guard)
        } catch (err) {
          if (isGatewayError(err) && err.outcomeUnknown) {
            if (call.retryUnclear === false) throw new StopRetrying(err)
            uncertain = true
          }
          throw err
        }
      })
    } catch (err) {
      if (err instanceof StopRetrying) throw err.error
      if (uncertain && isGatewayError(err) && !err.outcomeUnknown && !this.#errors.isDecline(err)) {
        throw (this.#errors.asOutcomeUnknown ?? withUnknownOutcome)(err)
      }
      throw err
    }
  }

  private async attempt<T>(call: HttpCall, guard: Guard<T>): Promise<HttpResult<T>> {
    const ctx: RequestContext = { method: call.method, path: call.path }
    const headers: Record<string, string> = { ...this.#headers }
    if (call.body !== undefined) headers["Content-Type"] = "application/json"
    Object.assign(headers, call.headers)

    let response: Response
    let text: string
    try {
      response = await this.#fetch(call.url, {
        method: call.method,
        headers,
        body: call.body === undefined ? undefined : JSON.stringify(call.body),
        signal: AbortSignal.timeout(this.timeoutMs),
      })
      text = await response.text()
    } catch (err) {
      throw this.#errors.transport(err, { ...ctx, timeoutMs: this.timeoutMs })
    }

    const parsed = parseJson(text)
    if (!response.ok) {
      throw this.#errors.response({ status: response.status, body: parsed, retryAfter: response.headers.get("retry-after") }, ctx)
    }
    // An empty 2xx passes only a guard that expects no body (202/204); garbage never does.
    const garbled = text.trim() !== "" && parsed === undefined
    if (garbled || !guard(parsed)) throw this.#errors.malformed(response.status, ctx)
    return {
      status: response.status,
      data: parsed,
      replayed: response.headers.get("idempotent-replayed") === "true",
    }
  }
}

/** Appends the defined query parameters to a URL. */
export function withQuery(url: URL, query: Record<string, string | undefined> = {}): URL {
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined) url.searchParams.set(key, value)
  }
  return url
}
