/**
 * A small typed fetch client for Clover's Ecommerce API. Hand-written because the official
 * `clover-ecomm-sdk` cannot send `idempotency-key` or `x-forwarded-for` and resolves some 4xx
 * answers as successes (gateways.md B.5).
 *
 * - `Authorization: Bearer <private key>` on every request (B.1). The key lives in a private
 *   field and is only written into that header; errors never contain it.
 * - Every POST carries `idempotency-key` (the caller's deterministic key, never one we make up,
 *   so a retry by us or by the reconciler is the same request) and, when known,
 *   `x-forwarded-for`; charges and captures are refused before sending without it (B.1:
 *   "Requests that don't include the header are not successful").
 * - Each attempt has its own timeout. Retryable failures (see `errors.ts`) are retried by a
 *   cockatiel policy with the same key, waiting what `Retry-After` asks for, else exponential
 *   backoff with full jitter.
 */
import { DelegateBackoff, handleWhen, retry, type IRetryBackoffContext, type RetryPolicy } from "cockatiel"
import { GatewayError, isGatewayError } from "../gateway"
import {
  asOutcomeUnknown,
  errorFromResponse,
  invalidRequest,
  isChargeWire,
  isListOf,
  isRefundWire,
  malformedResponseError,
  transportError,
} from "./mapper"
import type { CaptureChargeBody, CloverCharge, CloverList, CloverRefund, CreateChargeBody, CreateRefundBody } from "./types"

export type CloverEnvironment = "sandbox" | "production"

/** gateways.md B.1. */
export const CLOVER_BASE_URLS: Readonly<Record<CloverEnvironment, string>> = {
  sandbox: "https://scl-sandbox.dev.clover.com",
  production: "https://scl.clover.com",
}

export type CloverClientOptions = {
  /** The Ecommerce private key (Bearer token). */
  privateKey: string
  /** Picks the base URL preset. Default "sandbox". */
  environment?: CloverEnvironment
  /** Overrides the preset, e.g. the `url` of `startCloverSandbox()`. */
  baseUrl?: string
  /** Per attempt. Default 10 000 ms. */
  timeoutMs?: number
  /** Retries after the first attempt. Default 2. */
  maxRetries?: number
  /** The buyer's (or, for merchant-initiated calls, this server's) IP, sent as `x-forwarded-for`. */
  clientIp?: string
  /** First backoff delay. Default 250 ms. */
  initialBackoffMs?: number
  /** Backoff ceiling. Default 5 000 ms. */
  maxBackoffMs?: number
  /** A longer `Retry-After` is not waited for: the error is thrown. Default 30 000 ms. */
  maxRetryAfterMs?: number
  /** Defaults to the global fetch. */
  fetch?: typeof fetch
}

/** Per-call options of a POST. */
export type PostOptions = {
  idempotencyKey: string
  /** Overrides the client's `clientIp` for this call. */
  clientIp?: string
}

export type CloverRequest = {
  method: "GET" | "POST"
  /** Below the base URL, e.g. `/v1/charges`. Ids are already encoded. */
  path: string
  query?: Record<string, string | undefined>
  body?: unknown
  /** Required for POST. */
  idempotencyKey?: string
  clientIp?: string
  /** Clover refuses charges and captures without `x-forwarded-for` (B.1): fail before sending. */
  requiresClientIp?: boolean
}

type Guard<T> = (value: unknown) => value is T

const seg = (id: string): string => encodeURIComponent(id)

/** Idempotency keys are header values: printable ASCII, bounded. */
const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/

export class CloverClient {
  readonly environment: CloverEnvironment
  readonly baseUrl: string
  readonly timeoutMs: number
  readonly maxRetries: number
  readonly #privateKey: string
  readonly #clientIp?: string
  readonly #fetch: typeof fetch
  readonly #policy: RetryPolicy

  constructor(options: CloverClientOptions) {
    // Only a sanity check; whether the key is valid is Clover's answer (401).
    if (typeof options.privateKey !== "string" || !/^\S+$/.test(options.privateKey)) {
      throw new GatewayError({
        type: "authentication_error",
        code: "invalid_api_key",
        message: "The Clover private key must be a non-empty string without whitespace.",
      })
    }
    const environment = options.environment ?? "sandbox"
    if (!(environment in CLOVER_BASE_URLS)) {
      throw invalidRequest("parameter_invalid", 'Clover environment must be "sandbox" or "production".', "environment")
    }
    let base: URL
    try {
      base = new URL(options.baseUrl ?? CLOVER_BASE_URLS[environment])
    } catch {
      throw invalidRequest("parameter_invalid", "The Clover baseUrl is not a valid URL.", "baseUrl")
    }
    this.environment = environment
    this.baseUrl = base.toString().replace(/\/+$/, "")
    this.timeoutMs = options.timeoutMs ?? 10_000
    this.maxRetries = options.maxRetries ?? 2
    this.#privateKey = options.privateKey
    this.#clientIp = options.clientIp
    this.#fetch = options.fetch ?? fetch
    this.#policy = retryPolicy({
      maxRetries: this.maxRetries,
      initialBackoffMs: options.initialBackoffMs ?? 250,
      maxBackoffMs: options.maxBackoffMs ?? 5_000,
      maxRetryAfterMs: options.maxRetryAfterMs ?? 30_000,
    })
  }

  // --- endpoints (gateways.md B.2) -----------------------------------------------------------

  createCharge(body: CreateChargeBody, opts: PostOptions): Promise<CloverCharge> {
    return this.request({ method: "POST", path: "/v1/charges", body, requiresClientIp: true, ...opts }, isChargeWire)
  }

  getCharge(chargeId: string): Promise<CloverCharge> {
    return this.request({ method: "GET", path: `/v1/charges/${seg(chargeId)}` }, isChargeWire)
  }

  captureCharge(chargeId: string, body: CaptureChargeBody, opts: PostOptions): Promise<CloverCharge> {
    return this.request({ method: "POST", path: `/v1/charges/${seg(chargeId)}/capture`, body, requiresClientIp: true, ...opts }, isChargeWire)
  }

  createRefund(body: CreateRefundBody, opts: PostOptions): Promise<CloverRefund> {
    return this.request({ method: "POST", path: "/v1/refunds", body, ...opts }, isRefundWire)
  }

  getRefund(refundId: string): Promise<CloverRefund> {
    return this.request({ method: "GET", path: `/v1/refunds/${seg(refundId)}` }, isRefundWire)
  }

  listRefunds(filter: { charge: string }): Promise<CloverList<CloverRefund>> {
    return this.request({ method: "GET", path: "/v1/refunds", query: { charge: filter.charge } }, isListOf(isRefundWire))
  }

  // --- transport -----------------------------------------------------------------------------

  /**
   * Sends the request, retrying what is retryable. Throws a `GatewayError` for every non-2xx
   * answer and transport failure. Once an attempt may have acted, every later failure keeps
   * `outcomeUnknown`: a 409 or 400 on the retry says nothing about the first attempt. Only a
   * decline is final (Clover replays the decline it made for the same key).
   */
  async request<T>(req: CloverRequest, guard: Guard<T>): Promise<T> {
    if (req.method === "POST") this.checkPost(req)
    let mayHaveActed = false
    try {
      return await this.#policy.execute(async () => {
        try {
          return await this.attempt(req, guard)
        } catch (err) {
          if (isGatewayError(err) && err.outcomeUnknown) mayHaveActed = true
          throw err
        }
      })
    } catch (err) {
      if (mayHaveActed && isGatewayError(err) && !err.outcomeUnknown && err.type !== "card_error") {
        throw asOutcomeUnknown(err)
      }
      throw err
    }
  }

  private checkPost(req: CloverRequest): void {
    if (!req.idempotencyKey || !IDEMPOTENCY_KEY.test(req.idempotencyKey)) {
      // The key itself is not echoed: it is ours, but errors carry no request data.
      throw invalidRequest(
        "parameter_invalid",
        `POST ${req.path} needs an idempotency key of 1-255 printable ASCII characters.`,
        "idempotency-key"
      )
    }
    if (req.requiresClientIp && !(req.clientIp ?? this.#clientIp)) {
      throw invalidRequest(
        "missing",
        `Clover requires x-forwarded-for on POST ${req.path}: set the clientIp option (the buyer's IP, or this server's for merchant-initiated calls).`,
        "x-forwarded-for"
      )
    }
  }

  private async attempt<T>(req: CloverRequest, guard: Guard<T>): Promise<T> {
    const ctx = { method: req.method, path: req.path }
    const url = new URL(this.baseUrl + req.path)
    for (const [name, value] of Object.entries(req.query ?? {})) {
      if (value !== undefined) url.searchParams.set(name, value)
    }
    const headers: Record<string, string> = {
      Authorization: `Bearer ${this.#privateKey}`,
      Accept: "application/json",
      "User-Agent": "medusa-plugin-captures (clover)",
    }
    if (req.method === "POST") {
      headers["Content-Type"] = "application/json"
      headers["idempotency-key"] = req.idempotencyKey!
      const clientIp = req.clientIp ?? this.#clientIp
      if (clientIp) headers["x-forwarded-for"] = clientIp
    }

    let response: Response
    let body: string
    try {
      response = await this.#fetch(url, {
        method: req.method,
        headers,
        body: req.method === "POST" ? JSON.stringify(req.body ?? {}) : undefined,
        signal: AbortSignal.timeout(this.timeoutMs),
      })
      body = await response.text()
    } catch (err) {
      throw transportError(err, { ...ctx, timeoutMs: this.timeoutMs })
    }

    const parsed = parseJson(body)
    if (!response.ok) {
      throw errorFromResponse(
        {
          status: response.status,
          body: parsed,
          retryAfter: response.headers.get("retry-after"),
          environment: this.environment,
          secrets: [this.#privateKey],
        },
        ctx
      )
    }
    if (!guard(parsed)) throw malformedResponseError(response.status, ctx)
    return parsed
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}

type RetrySettings = { maxRetries: number; initialBackoffMs: number; maxBackoffMs: number; maxRetryAfterMs: number }

/**
 * Retries retryable `GatewayError`s. The wait is the error's `Retry-After` when Clover sent
 * one (what it asked for, not shortened by jitter), else full jitter over an exponential
 * ceiling. A `Retry-After` beyond `maxRetryAfterMs` is not waited out: the error surfaces.
 */
function retryPolicy(settings: RetrySettings): RetryPolicy {
  const shouldRetry = (err: Error): boolean =>
    isGatewayError(err) &&
    err.retryable &&
    !(err.retryAfterMs !== undefined && err.retryAfterMs > settings.maxRetryAfterMs)
  const backoff = new DelegateBackoff((context: IRetryBackoffContext<unknown>) => {
    const failure = "error" in context.result ? context.result.error : undefined
    if (isGatewayError(failure) && failure.retryAfterMs !== undefined) return failure.retryAfterMs
    const ceiling = Math.min(settings.maxBackoffMs, settings.initialBackoffMs * 2 ** Math.max(0, context.attempt - 1))
    return Math.round(Math.random() * ceiling)
  })
  return retry(handleWhen(shouldRetry), { maxAttempts: settings.maxRetries, backoff })
}
