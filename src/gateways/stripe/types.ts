import type Stripe from "stripe"

export { STRIPE_API_VERSION } from "../../types/options"

export const STRIPE_DEFAULT_BASE_URL = "https://api.stripe.com"

export type StripeMode = "test" | "live"

export type StripeGatewayOptions = {
  /** `sk_test_…`, `sk_live_…`, or a restricted key `rk_test_…`/`rk_live_…`. */
  apiKey: string
  /** Another API host (the Stripe simulator); Stripe's own by default. */
  baseUrl?: string
  /** Ask for multicapture (`request_multicapture: if_available`) on new PaymentIntents. */
  multicapture?: boolean
  /** The webhook endpoint's signing secret (`whsec_…`); without it no event is accepted. */
  webhookSecret?: string
  timeoutMs?: number
  maxRetries?: number
}

export type PaymentIntent = Stripe.PaymentIntent
export type Charge = Stripe.Charge
export type Refund = Stripe.Refund

/**
 * The metadata key under which a refund carries the ledger's refund id (its
 * idempotency key), so it can be found again when its answer was lost.
 */
export const REFUND_KEY_METADATA = "medusa_refund_id"
