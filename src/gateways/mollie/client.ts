/**
 * A small typed fetch client for Mollie's Payments API v2. Written by hand because the official
 * SDK cannot reach an http:// simulator (or a self-signed one) without disabling TLS checks
 * (docs/gateways/mollie.md#the-official-node-sdk), has no request timeout and does not retry
 * network errors.
 *
 * - `Authorization: Bearer test_…|live_…`; the key lives in a private field, is only ever written
 *   into that header and is scrubbed from every error message.
 * - Every POST and DELETE carries the caller's `Idempotency-Key` (never a random one: a key
 *   invented here would be new on the caller's next try, which is how double captures happen;
 *   docs/gateways/mollie.md#idempotency).
 * - Each attempt has its own timeout; retryable failures (connection errors, timeouts, 429,
 *   5xx, 409 "still processing") are retried by cockatiel with exponential backoff and jitter,
 *   honouring `Retry-After`, with the same key.
 */
import { GatewayError, LOOKUP_PAGE_LIMIT } from "../gateway"
import { missingIdempotencyKey } from "../common/failures"
import { HttpTransport, withQuery, type Guard } from "../common/http-transport"
import { resolveTransportOptions, type TransportOptions } from "../common/transport-options"
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
  MollieCapture,
  MollieList,
  MollieMode,
  MolliePayment,
  MollieRefund,
} from "./types"

export const MOLLIE_DEFAULT_BASE_URL = "https://api.mollie.com"

export type MollieClientOptions = TransportOptions & {
  /** `test_…` or `live_…`: each key targets one mode (docs/gateways/mollie.md#authentication). */
  apiKey: string
  /** Default `https://api.mollie.com`; a simulator's URL in tests. Paths `/v2/…` are appended. */
  baseUrl?: string
}

export type MollieRequest = {
  method: "GET" | "POST" | "DELETE"
  /** Path below the base URL (`/v2/payments`), or an absolute `_links` href on the same origin. */
  path: string
  query?: Record<string, string | undefined>
  body?: unknown
  /** Required for POST and DELETE. */
  idempotencyKey?: string
}

export type MollieResponse<T> = {
  status: number
  data: T
  /** Mollie replayed the stored response of this idempotency key (`Idempotent-Replayed: true`). */
  replayed: boolean
}

/** For 202/204 answers without a body (release-authorization, cancel refund). */
const noContent = (value: unknown): value is undefined => value === undefined

const API_KEY = /^(test|live)_\S+$/
const MAX_PAGES = 1000

const seg = (value: string): string => encodeURIComponent(value)

export type ListOptions<T> = {
  /** Read at most this many pages (of 250); more → a `LOOKUP_PAGE_LIMIT` error. Default and ceiling: 1000. */
  maxPages?: number
  /** Stop after the page holding an item this accepts (a lookup reads no further than it needs). */
  until?: (item: T) => boolean
}

export class MollieClient {
  readonly baseUrl: string
  readonly mode: MollieMode
  readonly timeoutMs: number
  readonly maxRetries: number
  readonly #origin: string
  readonly #transport: HttpTransport

  constructor(options: MollieClientOptions) {
    const match = typeof options.apiKey === "string" ? API_KEY.exec(options.apiKey) : null
    if (!match) {
      // Never echo the value: a mistyped key is still a secret.
      throw new GatewayError({
        type: "authentication_error",
        code: "invalid_api_key",
        message: "The Mollie API key must start with test_ or live_ and contain no whitespace.",
      })
    }
    let base: URL
    try {
      base = new URL(options.baseUrl ?? MOLLIE_DEFAULT_BASE_URL)
      if (base.protocol !== "http:" && base.protocol !== "https:") throw new Error("protocol")
    } catch {
      throw new GatewayError({ type: "invalid_request_error", code: "invalid_base_url", message: "The Mollie baseUrl is not a valid http(s) URL." })
    }
    this.baseUrl = base.toString().replace(/\/+$/, "")
    this.#origin = base.origin
    this.mode = match[1] as MollieMode
    const transport = resolveTransportOptions(options)
    this.timeoutMs = transport.timeoutMs
    this.maxRetries = transport.maxRetries
    const apiKey = options.apiKey
    this.#transport = new HttpTransport({
      ...transport,
      jitter: "decorrelated",
      // The key is only ever written into this header (and scrubbed from every error message).
      headers: { Authorization: `Bearer ${apiKey}`, Accept: "application/hal+json" },
      errors: {
        response: ({ status, body, retryAfter }, ctx) =>
          errorFromResponse(status, body, { ...ctx, retryAfter, secrets: [apiKey] }),
        transport: transportError,
        malformed: malformedResponseError,
        // Mollie answers no card errors: a declined payment is a payment status, not an error.
        isDecline: () => false,
      },
    })
  }

  // --- payments -------------------------------------------------------------------------------

  createPayment(body: CreatePaymentBody, idempotencyKey: string): Promise<MollieResponse<MolliePayment>> {
    return this.request({ method: "POST", path: "/v2/payments", body, idempotencyKey }, isPaymentWire)
  }

  /** `embed` e.g. ["captures"], so pending captures can be counted (get-payment's `embed`). */
  getPayment(paymentId: string, opts: { embed?: Array<"captures" | "refunds"> } = {}): Promise<MollieResponse<MolliePayment>> {
    const embed = opts.embed?.length ? opts.embed.join(",") : undefined
    return this.request({ method: "GET", path: `/v2/payments/${seg(paymentId)}`, query: { embed } }, isPaymentWire)
  }

  /** `DELETE /v2/payments/{id}`: only while Mollie says `isCancelable` (cancel-payment). */
  cancelPayment(paymentId: string, idempotencyKey: string): Promise<MollieResponse<MolliePayment>> {
    return this.request({ method: "DELETE", path: `/v2/payments/${seg(paymentId)}`, idempotencyKey }, isPaymentWire)
  }

  /** `POST …/release-authorization`: 202 without a body, processed asynchronously (release-authorization). */
  releaseAuthorization(paymentId: string, idempotencyKey: string): Promise<MollieResponse<undefined>> {
    return this.request(
      { method: "POST", path: `/v2/payments/${seg(paymentId)}/release-authorization`, idempotencyKey },
      noContent
    )
  }

  // --- captures -------------------------------------------------------------------------------

  createCapture(paymentId: string, body: CreateCaptureBody, idempotencyKey: string): Promise<MollieResponse<MollieCapture>> {
    return this.request({ method: "POST", path: `/v2/payments/${seg(paymentId)}/captures`, body, idempotencyKey }, isCaptureWire)
  }

  getCapture(paymentId: string, captureId: string): Promise<MollieResponse<MollieCapture>> {
    return this.request({ method: "GET", path: `/v2/payments/${seg(paymentId)}/captures/${seg(captureId)}` }, isCaptureWire)
  }

  /**
   * Every capture of the payment, following `_links.next` page by page (or up to the page where
   * `until` matched); with `maxPages`, a payment that has more pages throws `LOOKUP_PAGE_LIMIT`
   * after reading that many.
   */
  listAllCaptures(paymentId: string, opts: ListOptions<MollieCapture> = {}): Promise<MollieCapture[]> {
    return this.listAll(`/v2/payments/${seg(paymentId)}/captures`, "captures", isCaptureWire, opts)
  }

  // --- refunds --------------------------------------------------------------------------------

  createRefund(paymentId: string, body: CreateRefundBody, idempotencyKey: string): Promise<MollieResponse<MollieRefund>> {
    return this.request({ method: "POST", path: `/v2/payments/${seg(paymentId)}/refunds`, body, idempotencyKey }, isRefundWire)
  }

  getRefund(paymentId: string, refundId: string): Promise<MollieResponse<MollieRefund>> {
    return this.request({ method: "GET", path: `/v2/payments/${seg(paymentId)}/refunds/${seg(refundId)}` }, isRefundWire)
  }

  listAllRefunds(paymentId: string, opts: ListOptions<MollieRefund> = {}): Promise<MollieRefund[]> {
    return this.listAll(`/v2/payments/${seg(paymentId)}/refunds`, "refunds", isRefundWire, opts)
  }

  /** `DELETE …/refunds/{id}`: 204; only while the refund is queued or pending (cancel-refund). */
  cancelRefund(paymentId: string, refundId: string, idempotencyKey: string): Promise<MollieResponse<undefined>> {
    return this.request(
      { method: "DELETE", path: `/v2/payments/${seg(paymentId)}/refunds/${seg(refundId)}`, idempotencyKey },
      noContent
    )
  }

  // --- transport ------------------------------------------------------------------------------

  private async listAll<Name extends string, T>(path: string, name: Name, item: Guard<T>, opts: ListOptions<T>): Promise<T[]> {
    const guard = (value: unknown): value is MollieList<Name, T> => isListOf(value, name, item)
    const items: T[] = []
    const seen = new Set<string>()
    const limit = opts.maxPages === undefined ? MAX_PAGES : Math.max(1, Math.min(MAX_PAGES, Math.floor(opts.maxPages)))
    let next: string | undefined = path
    for (let page = 0; next !== undefined; page++) {
      if (page >= limit && limit < MAX_PAGES) {
        // The caller's budget, not a fault of Mollie's: it decides what to do with the rest.
        throw new GatewayError({
          type: "api_error",
          code: LOOKUP_PAGE_LIMIT,
          message: `Mollie has more than ${limit} page(s) of ${name} for this payment; stopped reading at the caller's limit.`,
        })
      }
      if (page >= MAX_PAGES || seen.has(next)) {
        throw malformedResponseError(200, { method: "GET", path })
      }
      seen.add(next)
      const { data }: MollieResponse<MollieList<Name, T>> = await this.request({ method: "GET", path: next, query: next === path ? { limit: "250" } : undefined }, guard)
      items.push(...data._embedded[name])
      if (opts.until && data._embedded[name].some(opts.until)) break
      next = data._links.next?.href ?? undefined
    }
    return items
  }

  /**
   * Resolves a path or a `_links` href. An href on another origin is refused: following it
   * would send our bearer key to whoever wrote that link.
   */
  private resolve(req: MollieRequest): URL {
    let url: URL
    if (/^https?:\/\//i.test(req.path)) {
      url = new URL(req.path)
      if (url.origin !== this.#origin) {
        throw new GatewayError({
          type: "api_error",
          code: "foreign_link",
          message: `Refusing to follow a link to another origin (${url.origin}); it would receive the API key.`,
        })
      }
    } else {
      url = new URL(this.baseUrl + req.path)
    }
    return withQuery(url, req.query)
  }

  /**
   * Sends the request with retries (see `HttpTransport.send`): every non-2xx answer and every
   * transport failure is a thrown `GatewayError`; once an attempt's outcome was unknown, a
   * later failure stays outcome-unknown (a 409 "in progress" or a 4xx on the retry says
   * nothing about the first attempt).
   */
  async request<T>(req: MollieRequest, guard: Guard<T>): Promise<MollieResponse<T>> {
    if ((req.method === "POST" || req.method === "DELETE") && !req.idempotencyKey) throw missingIdempotencyKey(req)
    const url = this.resolve(req)
    return this.#transport.send(
      {
        method: req.method,
        url,
        path: url.pathname,
        headers: req.idempotencyKey ? { "Idempotency-Key": req.idempotencyKey } : undefined,
        body: req.body,
      },
      guard
    )
  }
}
