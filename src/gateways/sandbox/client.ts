/**
 * A small typed fetch client for the sandbox gateway. Each attempt has its own timeout
 * (`AbortSignal.timeout`); retryable failures (connection errors, timeouts, 429, 5xx) are
 * retried with exponential backoff and jitter, honouring `Retry-After`. Retrying a POST is safe
 * because every attempt re-sends the same `Idempotency-Key`.
 *
 * The API key lives in a private field and is only ever written into the Authorization header;
 * error messages never contain it.
 */
import {
  ExponentialBackoff,
  handleWhen,
  retry,
  type IBackoff,
  type IBackoffFactory,
  type IRetryBackoffContext,
  type RetryPolicy,
} from "cockatiel"
import { GatewayError, isGatewayError } from "../gateway"
import {
  errorFromResponse,
  isCaptureWire,
  isListOf,
  isPaymentWire,
  isRefundWire,
  malformedResponseError,
  transportError,
} from "./mapper"
import type {
  CreateCaptureBody,
  CreatePaymentBody,
  CreateRefundBody,
  SandboxCaptureWire,
  SandboxList,
  SandboxPaymentWire,
  SandboxRefundWire,
} from "./types"

export type SandboxClientOptions = {
  /** e.g. the `url` of `startSandboxGateway()`. */
  baseUrl: string
  /** `sk_test_…` or `sk_live_…`. */
  apiKey: string
  /** Per attempt. Default 10 000 ms. */
  timeoutMs?: number
  /** Retries after the first attempt. Default 2. */
  maxRetries?: number
  /** First backoff delay. Default 200 ms. */
  initialBackoffMs?: number
  /** Backoff ceiling. Default 5 000 ms. */
  maxBackoffMs?: number
  /** A longer `Retry-After` is not waited for: the error is thrown instead. Default 30 000 ms. */
  maxRetryAfterMs?: number
  /** Defaults to the global fetch. */
  fetch?: typeof fetch
}

export type SandboxRequest = {
  method: "GET" | "POST"
  /** Path below the base URL, e.g. `/v1/payments`. */
  path: string
  query?: Record<string, string | undefined>
  body?: unknown
  /** Required for POST. */
  idempotencyKey?: string
}

export type SandboxResponse<T> = {
  status: number
  data: T
  /** The gateway replayed a stored response for this idempotency key. */
  replayed: boolean
}

type Guard<T> = (value: unknown) => value is T

const seg = (value: string): string => encodeURIComponent(value)

/**
 * Exponential backoff with jitter, except that a `Retry-After` the gateway sent wins (it is
 * what the gateway asked for; it is never shortened by our jitter).
 */
class RetryAfterBackoff implements IBackoffFactory<IRetryBackoffContext<unknown>> {
  constructor(private readonly inner: IBackoffFactory<unknown>) {}

  next(context: IRetryBackoffContext<unknown>): IBackoff<IRetryBackoffContext<unknown>> {
    return withRetryAfter(this.inner.next(context), context)
  }
}

function withRetryAfter(
  backoff: IBackoff<unknown>,
  context: IRetryBackoffContext<unknown>
): IBackoff<IRetryBackoffContext<unknown>> {
  const error = "error" in context.result ? context.result.error : undefined
  const retryAfterMs = isGatewayError(error) ? error.retryAfterMs : undefined
  return {
    duration: retryAfterMs ?? backoff.duration,
    next: (nextContext) => withRetryAfter(backoff.next(nextContext), nextContext),
  }
}

export class SandboxClient {
  readonly baseUrl: string
  readonly timeoutMs: number
  readonly maxRetries: number
  readonly #apiKey: string
  readonly #fetch: typeof fetch
  readonly #policy: RetryPolicy

  constructor(options: SandboxClientOptions) {
    // Only a sanity check: whether the key is valid is the gateway's answer (401).
    if (typeof options.apiKey !== "string" || !/^\S+$/.test(options.apiKey)) {
      throw new GatewayError({
        type: "authentication_error",
        code: "invalid_api_key",
        message: "The sandbox API key must be a non-empty string without whitespace.",
      })
    }
    let base: URL
    try {
      base = new URL(options.baseUrl)
    } catch {
      throw new GatewayError({ type: "invalid_request_error", code: "invalid_base_url", message: "The sandbox baseUrl is not a valid URL." })
    }
    this.baseUrl = base.toString().replace(/\/+$/, "")
    this.timeoutMs = options.timeoutMs ?? 10_000
    this.maxRetries = options.maxRetries ?? 2
    this.#apiKey = options.apiKey
    this.#fetch = options.fetch ?? fetch
    const maxRetryAfterMs = options.maxRetryAfterMs ?? 30_000
    this.#policy = retry(
      handleWhen(
        (err) =>
          err instanceof GatewayError &&
          err.retryable &&
          !(err.retryAfterMs !== undefined && err.retryAfterMs > maxRetryAfterMs)
      ),
      {
        maxAttempts: this.maxRetries,
        backoff: new RetryAfterBackoff(
          new ExponentialBackoff({ initialDelay: options.initialBackoffMs ?? 200, maxDelay: options.maxBackoffMs ?? 5_000 })
        ),
      }
    )
  }

  // --- typed endpoints ----------------------------------------------------------------------

  createPayment(body: CreatePaymentBody, idempotencyKey: string): Promise<SandboxResponse<SandboxPaymentWire>> {
    return this.request({ method: "POST", path: "/v1/payments", body, idempotencyKey }, isPaymentWire)
  }

  getPayment(paymentId: string): Promise<SandboxResponse<SandboxPaymentWire>> {
    return this.request({ method: "GET", path: `/v1/payments/${seg(paymentId)}` }, isPaymentWire)
  }

  cancelPayment(paymentId: string, idempotencyKey: string): Promise<SandboxResponse<SandboxPaymentWire>> {
    return this.request(
      { method: "POST", path: `/v1/payments/${seg(paymentId)}/cancel`, body: {}, idempotencyKey },
      isPaymentWire
    )
  }

  createCapture(paymentId: string, body: CreateCaptureBody, idempotencyKey: string): Promise<SandboxResponse<SandboxCaptureWire>> {
    return this.request(
      { method: "POST", path: `/v1/payments/${seg(paymentId)}/captures`, body, idempotencyKey },
      isCaptureWire
    )
  }

  listCaptures(paymentId: string, filter: { idempotencyKey?: string } = {}): Promise<SandboxResponse<SandboxList<SandboxCaptureWire>>> {
    return this.request(
      { method: "GET", path: `/v1/payments/${seg(paymentId)}/captures`, query: { idempotency_key: filter.idempotencyKey } },
      (v): v is SandboxList<SandboxCaptureWire> => isListOf(v, isCaptureWire)
    )
  }

  getCapture(paymentId: string, captureId: string): Promise<SandboxResponse<SandboxCaptureWire>> {
    return this.request({ method: "GET", path: `/v1/payments/${seg(paymentId)}/captures/${seg(captureId)}` }, isCaptureWire)
  }

  createRefund(paymentId: string, body: CreateRefundBody, idempotencyKey: string): Promise<SandboxResponse<SandboxRefundWire>> {
    return this.request(
      { method: "POST", path: `/v1/payments/${seg(paymentId)}/refunds`, body, idempotencyKey },
      isRefundWire
    )
  }

  listRefunds(paymentId: string, filter: { idempotencyKey?: string } = {}): Promise<SandboxResponse<SandboxList<SandboxRefundWire>>> {
    return this.request(
      { method: "GET", path: `/v1/payments/${seg(paymentId)}/refunds`, query: { idempotency_key: filter.idempotencyKey } },
      (v): v is SandboxList<SandboxRefundWire> => isListOf(v, isRefundWire)
    )
  }

  getRefund(paymentId: string, refundId: string): Promise<SandboxResponse<SandboxRefundWire>> {
    return this.request({ method: "GET", path: `/v1/payments/${seg(paymentId)}/refunds/${seg(refundId)}` }, isRefundWire)
  }

  // --- transport ----------------------------------------------------------------------------

  /**
   * Sends the request with retries. Throws `GatewayError` for every non-2xx answer and every
   * transport failure. Once an attempt may have acted (outcome unknown), a later failure does not
   * prove it did not: the thrown error keeps `outcomeUnknown` (a 409 "in progress" or a 4xx on
   * the retry says nothing about the first attempt). Only a decline is final: the gateway replays
   * a decline it made for the same idempotency key.
   */
  async request<T>(req: SandboxRequest, guard: Guard<T>): Promise<SandboxResponse<T>> {
    if (req.method === "POST" && !req.idempotencyKey) {
      throw new GatewayError({
        type: "invalid_request_error",
        code: "parameter_missing",
        param: "Idempotency-Key",
        message: `${req.method} ${req.path} needs an idempotency key.`,
      })
    }
    let uncertain = false
    try {
      return await this.#policy.execute(async () => {
        try {
          return await this.attempt(req, guard)
        } catch (err) {
          if (isGatewayError(err) && err.outcomeUnknown) uncertain = true
          throw err
        }
      })
    } catch (err) {
      if (uncertain && isGatewayError(err) && !err.outcomeUnknown && err.type !== "card_error") {
        throw new GatewayError({
          type: err.type,
          message: err.message,
          code: err.code,
          declineCode: err.declineCode,
          param: err.param,
          httpStatus: err.httpStatus,
          retryable: err.retryable,
          outcomeUnknown: true,
          retryAfterMs: err.retryAfterMs,
        })
      }
      throw err
    }
  }

  private async attempt<T>(req: SandboxRequest, guard: Guard<T>): Promise<SandboxResponse<T>> {
    const ctx = { method: req.method, path: req.path }
    const url = new URL(this.baseUrl + req.path)
    for (const [key, value] of Object.entries(req.query ?? {})) {
      if (value !== undefined) url.searchParams.set(key, value)
    }
    const headers: Record<string, string> = {
      Authorization: `Bearer ${this.#apiKey}`,
      Accept: "application/json",
    }
    if (req.body !== undefined) headers["Content-Type"] = "application/json"
    if (req.idempotencyKey) headers["Idempotency-Key"] = req.idempotencyKey

    let response: Response
    let text: string
    try {
      response = await this.#fetch(url, {
        method: req.method,
        headers,
        body: req.body === undefined ? undefined : JSON.stringify(req.body),
        signal: AbortSignal.timeout(this.timeoutMs),
      })
      text = await response.text()
    } catch (err) {
      throw transportError(err, { ...ctx, timeoutMs: this.timeoutMs })
    }

    let parsed: unknown
    let isJson = true
    try {
      parsed = JSON.parse(text)
    } catch {
      isJson = false
    }
    if (!response.ok) {
      throw errorFromResponse(response.status, isJson ? parsed : undefined, {
        ...ctx,
        retryAfter: response.headers.get("retry-after"),
      })
    }
    if (!isJson || !guard(parsed)) throw malformedResponseError(response.status, ctx)
    return {
      status: response.status,
      data: parsed,
      replayed: response.headers.get("idempotent-replayed") === "true",
    }
  }
}
