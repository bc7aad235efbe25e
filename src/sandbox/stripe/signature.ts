/**
 * Stripe's webhook signature (https://docs.stripe.com/webhooks#verify-manually): the header
 * `Stripe-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>" keyed with the
 * endpoint's secret>`. The official SDK's `webhooks.constructEvent` recomputes exactly this and,
 * by default, refuses a timestamp more than 300 seconds old.
 */
import { createHmac } from "node:crypto"

export const SIGNATURE_HEADER = "Stripe-Signature"

/** The SDK's default tolerance; `stale` deliveries are signed twice as long ago. */
export const DEFAULT_TOLERANCE_SECONDS = 300
export const STALE_SIGNATURE_AGE_SECONDS = 2 * DEFAULT_TOLERANCE_SECONDS

export function computeSignature(payload: string, secret: string, timestamp: number): string {
  return createHmac("sha256", secret).update(`${timestamp}.${payload}`, "utf8").digest("hex")
}

export function signatureHeader(payload: string, secret: string, timestamp: number): string {
  return `t=${timestamp},v1=${computeSignature(payload, secret, timestamp)}`
}
