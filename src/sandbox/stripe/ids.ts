/**
 * Stripe-looking identifiers: an object prefix (`pi_`, `ch_`, `re_`, `evt_`, `req_`) and random
 * base62 characters. Only the prefix is part of Stripe's contract; the length is cosmetic.
 */
import { randomBytes } from "node:crypto"

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"

export type IdPrefix = "pi_" | "ch_" | "re_" | "evt_" | "req_" | "whd_"

export function stripeId(prefix: IdPrefix, length = 24): string {
  let out = prefix
  for (const byte of randomBytes(length)) out += ALPHABET[byte % ALPHABET.length]
  return out
}

/** The `Request-Id` header of every answer (and `request.id` of the events it causes). */
export const requestId = (): string => stripeId("req_", 14)

/** `pi_…_secret_…`, the shape of `client_secret`. */
export const clientSecret = (intentId: string): string => `${intentId}_secret_${stripeId("pi_", 25).slice(3)}`
