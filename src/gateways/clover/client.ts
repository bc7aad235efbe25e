/**
 * A small typed fetch client for Clover's Ecommerce API. Hand-written because the official
 * `clover-ecomm-sdk` cannot send `idempotency-key` or `x-forwarded-for` and resolves some 4xx
 * answers as successes (docs/gateways/clover.md#why-not-the-official-node-sdk).
 *
 * - `Authorization: Bearer <private key>` on every request
 *   (docs/gateways/clover.md#environments-and-authentication). The key lives in a private
 *   field and is only written into that header; errors never contain it.
 * - Every POST carries `idempotency-key` (the caller's deterministic key, never one we make up,
 *   so a retry by us or by the reconciler is the same request) and, when known,
 *   `x-forwarded-for`; charges and captures are refused before sending without it
 *   (docs/gateways/clover.md#required-headers: "Requests that don't include the header will be
 *   unsuccessful").
 * - Each attempt has its own timeout. Retryable failures (see `errors.ts`) are retried by a
 *   cockatiel policy with the same key, waiting what `Retry-After` asks for, else exponential
 *   backoff with full jitter.
 */
import { GatewayError } from "../gateway"
import { HttpTransport, withQuery, type Guard } from "../common/http-transport"
import { resolveTransportOptions, type TransportOptions } from "../common/transport-options"
import {
  asOutcomeUnknown,
  errorFromResponse,
  invalidRequest,
  isChargeWire,
  isDecline,
  isListOf,
  isRefundWire,
  malformedResponseError,
  transportError,
} from "./mapper"
import type { CaptureChargeBody, CloverCharge, CloverList, CloverRefund, CreateChargeBody, CreateRefundBody } from "./types"

export type CloverEnvironment = "sandbox" | "production"

/** docs/gateways/clover.md#environments-and-authentication. */
export const CLOVER_BASE_URLS: Readonly<Record<CloverEnvironment, string>> = {
  sandbox: "https://scl-sandbox.dev.clover.com",
  production: "https://scl.clover.com",
}

/** `initialBackoffMs` defaults to 250 ms here (`CLOVER_INITIAL_BACKOFF_MS`). */
export type CloverClientOptions = TransportOptions & {
  /** The Ecommerce private key (Bearer token). */
  privateKey: string
  /** Picks the base URL preset. Default "sandbox". */
  environment?: CloverEnvironment
  /** Overrides the preset, e.g. the `url` of `startCloverSandbox()`. */
  baseUrl?: string
  /** The buyer's (or, for merchant-initiated calls, this server's) IP, sent as `x-forwarded-for`. */
  clientIp?: string
}

const CLOVER_INITIAL_BACKOFF_MS = 250

/**
 * Clover's advice for a 429 (docs/gateways/clover.md#rate-limits): "pause for one second before
 * making another API request", then back off exponentially. Only its concurrent-limit 429s name a
 * `retry-after`, which wins when present.
 */
export const CLOVER_RATE_LIMIT_PAUSE_MS = 1000

/** Per-call options of a POST. */
export type PostOptions = {
  idempotencyKey: string
  /** Overrides the client's `clientIp` for this call. */
  clientIp?: string
  /** false: an attempt that may have acted is not sent again (HttpCall.retryUnclear). Default true. */
  retryUnclear?: boolean
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
  /**
   * Clover refuses charges and captures without `x-forwarded-for`
   * (docs/gateways/clover.md#required-headers): fail before sending.
   */
  requiresClientIp?: boolean
  retryUnclear?: boolean
}

const seg = (id: string): string => encodeURIComponent(id)

/** Idempotency keys are header values: printable ASCII, bounded. */
const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/

export class CloverClient {
  readonly environment: CloverEnvironment
  readonly baseUrl: string
  readonly timeoutMs: number
  readonly maxRetries: number
  readonly #clientIp?: string
  readonly #transport: HttpTransport

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
    const transport = resolveTransportOptions(options, { initialBackoffMs: CLOVER_INITIAL_BACKOFF_MS })
    this.timeoutMs = transport.timeoutMs
    this.maxRetries = transport.maxRetries
    this.#clientIp = options.clientIp
    const privateKey = options.privateKey
    this.#transport = new HttpTransport({
      ...transport,
      jitter: "full",
      rateLimitPauseMs: CLOVER_RATE_LIMIT_PAUSE_MS,
      // The key is only written into this header; errors never contain it.
      headers: {
        Authorization: `Bearer ${privateKey}`,
        Accept: "application/json",
        "User-Agent": "medusa-plugin-captures (clover)",
      },
      errors: {
        response: ({ status, body, retryAfter }, ctx) =>
          errorFromResponse({ status, body, retryAfter, environment, secrets: [privateKey] }, ctx),
        transport: transportError,
        malformed: malformedResponseError,
        isDecline,
        // Keeps Clover's extra fields (the failed charge, the doc URL).
        asOutcomeUnknown,
      },
    })
  }

  // --- endpoints (docs/gateways/clover.md#endpoints) -----------------------------------------

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

  /**
   * One page of a charge's refunds, newest first. Clover returns 10 by default and at most 100
   * (`limit`); `starting_after` is the id to continue from (docs/gateways/clover.md#listing-refunds).
   */
  listRefunds(filter: { charge: string; limit?: number; startingAfter?: string }): Promise<CloverList<CloverRefund>> {
    const query = { charge: filter.charge, limit: filter.limit?.toString(), starting_after: filter.startingAfter }
    return this.request({ method: "GET", path: "/v1/refunds", query }, isListOf(isRefundWire))
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
    const clientIp = req.clientIp ?? this.#clientIp
    const { data } = await this.#transport.send(
      {
        method: req.method,
        url: withQuery(new URL(this.baseUrl + req.path), req.query),
        path: req.path,
        // A POST always has a JSON body (`{}` at least), its key and, when known, the client's IP.
        headers:
          req.method === "POST"
            ? { "idempotency-key": req.idempotencyKey!, ...(clientIp ? { "x-forwarded-for": clientIp } : {}) }
            : undefined,
        body: req.method === "POST" ? req.body ?? {} : undefined,
        retryUnclear: req.retryUnclear,
      },
      guard
    )
    return data
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
}
