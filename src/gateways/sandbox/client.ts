/**
 * A small typed fetch client for the sandbox gateway. Each attempt has its own timeout
 * (`AbortSignal.timeout`); retryable failures (connection errors, timeouts, 429, 5xx) are
 * retried with exponential backoff and jitter, honouring `Retry-After`. Retrying a POST is safe
 * because every attempt re-sends the same `Idempotency-Key`.
 *
 * The API key lives in a private field and is only ever written into the Authorization header;
 * error messages never contain it.
 */
import { GatewayError } from "../gateway"
import { missingIdempotencyKey } from "../common/failures"
import { HttpTransport, withQuery, type Guard } from "../common/http-transport"
import { resolveTransportOptions, type TransportOptions } from "../common/transport-options"
import {
  errorFromResponse,
  isCaptureWire,
  isDecline,
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

export type SandboxClientOptions = TransportOptions & {
  /** e.g. the `url` of `startSandboxGateway()`. */
  baseUrl: string
  /** `sk_test_…` or `sk_live_…`. */
  apiKey: string
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

const seg = (value: string): string => encodeURIComponent(value)

export class SandboxClient {
  readonly baseUrl: string
  readonly timeoutMs: number
  readonly maxRetries: number
  readonly #transport: HttpTransport

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
    const transport = resolveTransportOptions(options)
    this.timeoutMs = transport.timeoutMs
    this.maxRetries = transport.maxRetries
    this.#transport = new HttpTransport({
      ...transport,
      jitter: "decorrelated",
      // The key is only ever written into this header; the transport keeps it private.
      headers: { Authorization: `Bearer ${options.apiKey}`, Accept: "application/json" },
      errors: {
        response: ({ status, body, retryAfter }, ctx) => errorFromResponse(status, body, { ...ctx, retryAfter }),
        transport: transportError,
        malformed: malformedResponseError,
        isDecline,
      },
    })
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
   * Sends the request with retries (see `HttpTransport.send`): every non-2xx answer and every
   * transport failure is a thrown `GatewayError`; once an attempt's outcome was unknown, a
   * later failure stays outcome-unknown unless it is a decline (the gateway replays a decline
   * it made for the same idempotency key).
   */
  async request<T>(req: SandboxRequest, guard: Guard<T>): Promise<SandboxResponse<T>> {
    if (req.method === "POST" && !req.idempotencyKey) throw missingIdempotencyKey(req)
    return this.#transport.send(
      {
        method: req.method,
        url: withQuery(new URL(this.baseUrl + req.path), req.query),
        path: req.path,
        headers: req.idempotencyKey ? { "Idempotency-Key": req.idempotencyKey } : undefined,
        body: req.body,
      },
      guard
    )
  }
}
