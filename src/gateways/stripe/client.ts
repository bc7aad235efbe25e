/**
 * The official Stripe SDK, set up the one way the plugin uses it:
 * - pointed at `baseUrl` through the SDK's own host/port/protocol settings (the
 *   simulator in tests; TLS is checked whenever the URL is https);
 * - the pinned API version on every request;
 * - one retry policy, ours (cockatiel, as every gateway client: connection
 *   errors, 409 "in progress", 429 and 5xx, with the same idempotency key):
 *   the SDK's own network retries are off (`maxNetworkRetries: 0`). The SDK
 *   still resends a request once, at once, when the connection closed under it
 *   — with the same key, so that is safe, and `longestCallMs` counts it;
 * - every mutating call carries the ledger's idempotency key, never one the
 *   SDK invents.
 */
import Stripe from "stripe"
import { GatewayError } from "../gateway"
import { gatewayRetryPolicy } from "../common/retry-policy"
import { resolveTransportOptions, type TransportOptions } from "../common/transport-options"
import { errorFromStripe, modeOfKey } from "./mapper"
import { STRIPE_API_VERSION, STRIPE_DEFAULT_BASE_URL, type StripeMode } from "./types"

const API_KEY = /^(sk|rk)_(test|live)_\S+$/

export type StripeClientOptions = TransportOptions & { apiKey: string; baseUrl?: string }

export class StripeClient {
  readonly mode: StripeMode
  readonly sdk: Stripe
  readonly #retry: ReturnType<typeof gatewayRetryPolicy>
  readonly #secrets: string[]

  constructor(options: StripeClientOptions) {
    if (typeof options.apiKey !== "string" || !API_KEY.test(options.apiKey)) {
      // Never echo the value: a mistyped key is still a secret.
      throw new GatewayError({
        type: "authentication_error",
        code: "invalid_api_key",
        message: "The Stripe API key must start with sk_test_, sk_live_, rk_test_ or rk_live_ and contain no whitespace.",
      })
    }
    let base: URL
    try {
      base = new URL(options.baseUrl ?? STRIPE_DEFAULT_BASE_URL)
      if (base.protocol !== "http:" && base.protocol !== "https:") throw new Error("protocol")
    } catch {
      throw new GatewayError({ type: "invalid_request_error", code: "invalid_base_url", message: "The Stripe baseUrl is not a valid http(s) URL." })
    }
    const transport = resolveTransportOptions(options, { initialBackoffMs: 500 })
    this.mode = modeOfKey(options.apiKey)
    this.#secrets = [options.apiKey]
    this.sdk = new Stripe(options.apiKey, {
      apiVersion: STRIPE_API_VERSION,
      protocol: base.protocol === "http:" ? "http" : "https",
      host: base.hostname,
      port: Number(base.port || (base.protocol === "http:" ? 80 : 443)),
      timeout: transport.timeoutMs,
      maxNetworkRetries: 0,
      telemetry: false,
      appInfo: { name: "medusa-plugin-captures" },
    })
    this.#retry = gatewayRetryPolicy({ ...transport, jitter: "full" })
  }

  /**
   * One SDK call under the retry policy, its errors mapped to the port's.
   * `mutating`: whether the call can change something at Stripe.
   */
  call<T>(mutating: boolean, work: (sdk: Stripe) => Promise<T>): Promise<T> {
    return this.#retry.execute(async () => {
      try {
        return await work(this.sdk)
      } catch (err) {
        throw errorFromStripe(err, { mutating, secrets: this.#secrets })
      }
    })
  }

  /** Stripe's webhook signature check, with its default tolerance (300 s). */
  verifyEvent(rawBody: Buffer | string, signature: string, secret: string): Stripe.Event {
    return this.sdk.webhooks.constructEvent(rawBody, signature, secret)
  }
}

/**
 * The longest one call can take: each attempt may be sent twice by the SDK
 * (its immediate resend when a connection closed), and between attempts our
 * policy waits at most its backoff ceiling or an accepted Retry-After.
 */
export function stripeLongestCallMs(options: TransportOptions): number {
  const t = resolveTransportOptions(options, { initialBackoffMs: 500 })
  return (t.maxRetries + 1) * 2 * t.timeoutMs + t.maxRetries * Math.max(t.maxBackoffMs, t.maxRetryAfterMs)
}
