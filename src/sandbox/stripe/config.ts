/**
 * The Stripe simulator's configuration: set at start (`startStripeSandbox(options)`) and changed
 * with `POST /__control/config`. Every key is checked here, for both ways in.
 */

/** The version the official SDK 23.1.0 pins; answered in `Stripe-Version` when none is sent. */
export const PINNED_API_VERSION = "2026-10-28.endive"

export type WebhookSignature = "valid" | "wrong_secret" | "stale"

export type StripeSandboxConfig = {
  /** The account's default API version (docs/gateways/stripe.md#versions). */
  apiVersion: string
  /** How long an authorization can be captured: `capture_before` − authorization. Default 7 days. */
  authorizationWindowSeconds: number
  /** Webhook endpoint(s) that receive every event; null: none. */
  webhookUrl: string | string[] | null
  /** The endpoint's signing secret (`whsec_…`), used for `Stripe-Signature`. */
  webhookSecret: string
  /** `wrong_secret` / `stale` sign deliveries so that a verifying receiver must refuse them. */
  webhookSignature: WebhookSignature
  /** Queue deliveries until `POST /__control/webhooks/flush`. */
  holdWebhooks: boolean
  /** Delivery attempts per event and endpoint (non-2xx or no answer → retry). Default 3. */
  webhookAttempts: number
  webhookRetryDelayMs: number
  webhookTimeoutMs: number
  /** The next N captures are declined (402 card_error) and change nothing. */
  declineNextCaptures: number
  /** The next N captures leave the intent `processing` for `captureSettleDelayMs`, then apply. */
  pendNextCaptures: number
  captureSettleDelayMs: number
  /** The next N refunds are created `pending` and fail after `refundSettleDelayMs`. */
  failNextRefunds: number
  /** The next N refunds stay `pending` until `POST /__control/refunds/settle`. */
  pendNextRefunds: number
  refundSettleDelayMs: number
}

export const DEFAULT_CONFIG: StripeSandboxConfig = {
  apiVersion: PINNED_API_VERSION,
  authorizationWindowSeconds: 7 * 24 * 60 * 60,
  webhookUrl: null,
  webhookSecret: "whsec_stripesandboxsigningsecret",
  webhookSignature: "valid",
  holdWebhooks: false,
  webhookAttempts: 3,
  webhookRetryDelayMs: 50,
  webhookTimeoutMs: 2000,
  declineNextCaptures: 0,
  pendNextCaptures: 0,
  captureSettleDelayMs: 50,
  failNextRefunds: 0,
  pendNextRefunds: 0,
  refundSettleDelayMs: 50,
}

export class ConfigValidationError extends Error {
  constructor(
    message: string,
    readonly param: string
  ) {
    super(message)
    this.name = "ConfigValidationError"
  }
}

const DURATION_KEYS = ["webhookRetryDelayMs", "webhookTimeoutMs", "captureSettleDelayMs", "refundSettleDelayMs"] as const
const COUNT_KEYS = ["declineNextCaptures", "pendNextCaptures", "failNextRefunds", "pendNextRefunds", "webhookAttempts"] as const
const SIGNATURES: readonly WebhookSignature[] = ["valid", "wrong_secret", "stale"]

/** `YYYY-MM-DD` or `YYYY-MM-DD.name`: the shape of Stripe's API versions. */
export const API_VERSION = /^\d{4}-\d{2}-\d{2}(\.[a-z]+)?$/

function httpUrl(value: unknown): value is string {
  if (typeof value !== "string") return false
  try {
    const url = new URL(value)
    return url.protocol === "http:" || url.protocol === "https:"
  } catch {
    return false
  }
}

/** Checks a (partial) configuration; throws `ConfigValidationError` naming the key. */
export function parseConfigPatch(input: unknown): Partial<StripeSandboxConfig> {
  if (typeof input !== "object" || input === null || Array.isArray(input)) throw new ConfigValidationError("config must be an object", "config")
  const patch: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(input)) {
    if ((DURATION_KEYS as readonly string[]).includes(key)) {
      if (typeof value !== "number" || !Number.isFinite(value) || value < 0) throw new ConfigValidationError(`${key} must be a number >= 0`, key)
    } else if ((COUNT_KEYS as readonly string[]).includes(key)) {
      const min = key === "webhookAttempts" ? 1 : 0
      if (!Number.isInteger(value) || (value as number) < min) throw new ConfigValidationError(`${key} must be an integer >= ${min}`, key)
    } else if (key === "authorizationWindowSeconds") {
      if (!Number.isInteger(value) || (value as number) < 1) throw new ConfigValidationError(`${key} must be an integer >= 1`, key)
    } else if (key === "holdWebhooks") {
      if (typeof value !== "boolean") throw new ConfigValidationError(`${key} must be a boolean`, key)
    } else if (key === "apiVersion") {
      if (typeof value !== "string" || !API_VERSION.test(value)) throw new ConfigValidationError(`${key} must look like 2026-10-28.endive`, key)
    } else if (key === "webhookUrl") {
      const ok = value === null || httpUrl(value) || (Array.isArray(value) && value.every(httpUrl))
      if (!ok) throw new ConfigValidationError(`${key} must be an http(s) URL, a list of them, or null`, key)
    } else if (key === "webhookSecret") {
      if (typeof value !== "string" || !/^whsec_\S+$/.test(value)) throw new ConfigValidationError(`${key} must start with whsec_`, key)
    } else if (key === "webhookSignature") {
      if (!SIGNATURES.includes(value as WebhookSignature)) throw new ConfigValidationError(`${key} must be one of ${SIGNATURES.join(", ")}`, key)
    } else {
      throw new ConfigValidationError(`unknown config key ${key}`, key)
    }
    patch[key] = Array.isArray(value) ? [...(value as string[])] : value
  }
  return patch as Partial<StripeSandboxConfig>
}

export function cloneConfig(config: StripeSandboxConfig): StripeSandboxConfig {
  return { ...config, webhookUrl: Array.isArray(config.webhookUrl) ? [...config.webhookUrl] : config.webhookUrl }
}

/** The endpoints to deliver to. */
export const webhookUrls = (config: StripeSandboxConfig): string[] =>
  config.webhookUrl === null ? [] : Array.isArray(config.webhookUrl) ? config.webhookUrl : [config.webhookUrl]
