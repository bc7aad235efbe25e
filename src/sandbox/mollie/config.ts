/** The Mollie simulator's settings (start options and `/__control/config`), and their defaults. */

export type MollieSandboxConfig = {
  /** How long a capture stays `pending` before it settles. Default 50. */
  captureDelayMs: number
  /** How long a refund stays `queued` before it is `refunded` (or `failed`). Default 50. */
  refundDelayMs: number
  /**
   * Several partial captures per payment (the payment stays `authorized` until fully captured
   * or released). Default false: one capture per payment, the rest released, payment `paid`
   * (docs/gateways/mollie.md#placing-a-hold). Fixed per payment when it is created.
   */
  multiCapture: boolean
  /** The next N captures settle `failed`. */
  failNextCaptures: number
  /** Every capture of these payments settles `failed`. */
  failCapturesFor: string[]
  /** The next N refunds end `failed`. */
  failNextRefunds: number
  /** Identical refund requests on one payment within this window → 409 (create-refund). Default 2000. */
  duplicateRefundWindowMs: number
  /** Delivery attempts per webhook (non-2xx or no answer → retry). Default 3. */
  webhookAttempts: number
  webhookRetryDelayMs: number
  webhookTimeoutMs: number
  /** Queue webhooks instead of sending them; `POST /__control/webhooks/flush` sends them. */
  holdWebhooks: boolean
}

export const DEFAULT_CONFIG: MollieSandboxConfig = {
  captureDelayMs: 50,
  refundDelayMs: 50,
  multiCapture: false,
  failNextCaptures: 0,
  failCapturesFor: [],
  failNextRefunds: 0,
  duplicateRefundWindowMs: 2000,
  webhookAttempts: 3,
  webhookRetryDelayMs: 50,
  webhookTimeoutMs: 2000,
  holdWebhooks: false,
}

export function cloneConfig(config: MollieSandboxConfig): MollieSandboxConfig {
  return { ...config, failCapturesFor: [...config.failCapturesFor] }
}
