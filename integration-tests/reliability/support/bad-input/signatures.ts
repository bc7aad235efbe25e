/**
 * Stripe-Signature headers for the Stripe webhook's bad-input cases, computed as
 * Stripe documents it (https://docs.stripe.com/webhooks#verify-manually):
 * `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>" under the endpoint's
 * secret>`, several `v1` entries allowed (a secret being rolled), `v0` ignored,
 * 300 s of tolerance. Computed here by hand, not with the SDK the plugin
 * verifies with, so that both sides are not the same code.
 */
import { createHmac } from "node:crypto"
import fc from "fast-check"
import type { Problem } from "./oracle"

export type SignatureChoice =
  | { kind: "valid" }
  | { kind: "valid_among_others" }
  | { kind: "none" }
  | { kind: "garbage"; text: string }
  | { kind: "wrong_secret" }
  | { kind: "stale" }
  | { kind: "other_body" }
  | { kind: "v0_only" }
  | { kind: "no_timestamp" }

const VALID: fc.Arbitrary<SignatureChoice> = fc.constantFrom<SignatureChoice>({ kind: "valid" }, { kind: "valid_among_others" })

const INVALID: fc.Arbitrary<SignatureChoice> = fc.oneof(
  fc.constantFrom<SignatureChoice>(
    { kind: "none" },
    { kind: "wrong_secret" },
    { kind: "stale" },
    { kind: "other_body" },
    { kind: "v0_only" },
    { kind: "no_timestamp" }
  ),
  fc
    .oneof(
      fc.stringMatching(/^[\x20-\x7e]{0,80}$/),
      fc.constantFrom("t=,v1=", "t=1,v1=00", "v1=", "t=abc,v1=abc", "t=9999999999,v1=" + "0".repeat(64))
    )
    .map((text): SignatureChoice => ({ kind: "garbage", text }))
)

/** Mostly signed as Stripe signs, often not: each way of getting it wrong is met alone too. */
export const signatureArb = (focused: boolean): fc.Arbitrary<SignatureChoice> =>
  fc.oneof({ weight: focused ? 8 : 3, arbitrary: VALID }, { weight: focused ? 1 : 3, arbitrary: INVALID })

const hmac = (secret: string, timestamp: number, body: Buffer): string =>
  createHmac("sha256", secret).update(Buffer.concat([Buffer.from(`${timestamp}.`, "utf8"), body])).digest("hex")

/**
 * The header for a choice over the bytes sent (an absent body is signed as
 * empty), and the problem the endpoint must name when the choice is not a valid
 * signature.
 */
export function signatureHeader(choice: SignatureChoice, secret: string, body: Buffer | undefined): { header?: string; problem?: Problem } {
  const bytes = body ?? Buffer.alloc(0)
  const now = Math.floor(Date.now() / 1000)
  const problem = (what: string): Problem => ({ what: `Stripe-Signature: ${what}`, names: /Stripe-Signature|signature/i })
  switch (choice.kind) {
    case "valid":
      return { header: `t=${now},v1=${hmac(secret, now, bytes)}` }
    case "valid_among_others":
      return { header: `t=${now},v1=${hmac("whsec_rolled_out", now, bytes)},v1=${hmac(secret, now, bytes)},v0=${"a".repeat(64)}` }
    case "none":
      return { problem: problem("missing") }
    case "garbage":
      return { header: choice.text, problem: problem(`not a signature (${JSON.stringify(choice.text)})`) }
    case "wrong_secret":
      return { header: `t=${now},v1=${hmac("whsec_someone_else", now, bytes)}`, problem: problem("signed with another secret") }
    case "stale":
      return { header: `t=${now - 600},v1=${hmac(secret, now - 600, bytes)}`, problem: problem("signed 600 s ago, past the 300 s tolerance") }
    case "other_body":
      return { header: `t=${now},v1=${hmac(secret, now, Buffer.from('{"id":"evt_other"}'))}`, problem: problem("signs another body") }
    case "v0_only":
      return { header: `t=${now},v0=${hmac(secret, now, bytes)}`, problem: problem("only a v0 signature, which Stripe's scheme ignores") }
    case "no_timestamp":
      return { header: `v1=${hmac(secret, now, bytes)}`, problem: problem("no timestamp") }
  }
}
