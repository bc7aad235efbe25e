/**
 * Authentication and versioning (docs/gateways/stripe.md#authentication):
 * - `Authorization: Bearer sk_test_…` (or `rk_…`, restricted), or Basic with the key as the user
 *   name and an empty password, as `curl -u sk_test_…:` sends it. The key's `test`/`live` decides
 *   the mode of everything created with it. Anything else → 401 `invalid_request_error`.
 * - `Stripe-Version`: optional; `YYYY-MM-DD[.name]`, optionally followed by `; flag=value` beta
 *   flags. Another shape → 400. Answers carry the version used in `Stripe-Version`.
 * The key itself is never stored or echoed whole: only a hash (for the `apiKeys` option) and the
 * last four characters in the 401 message, as Stripe masks it.
 */
import { createHash } from "node:crypto"
import { API_VERSION } from "./config"
import { StripeApiError } from "./errors"
import type { Mode } from "./state"

const SECRET_KEY = /^(sk|rk)_(test|live)_[0-9A-Za-z_]+$/

export const hashApiKey = (apiKey: string): string => createHash("sha256").update(apiKey).digest("hex").slice(0, 16)

const unauthorized = (message: string): StripeApiError => new StripeApiError(401, "invalid_request_error", message, {}, "validation")

function keyFrom(authorization: string): string | undefined {
  const bearer = /^Bearer\s+(\S+)\s*$/i.exec(authorization)
  if (bearer) return bearer[1]
  const basic = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(authorization)
  if (!basic) return undefined
  const decoded = Buffer.from(basic[1], "base64").toString("utf8")
  const colon = decoded.indexOf(":")
  return colon < 0 ? decoded : decoded.slice(0, colon)
}

/** The mode of a valid key; throws Stripe's 401 otherwise. */
export function authenticate(authorization: string | undefined, allowed?: ReadonlySet<string>): Mode {
  if (!authorization || authorization.trim() === "") {
    throw unauthorized(
      "You did not provide an API key. You need to provide your API key in the Authorization header, using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY'). See https://stripe.com/docs/api#authentication for details, or we can help at https://support.stripe.com/."
    )
  }
  const key = keyFrom(authorization)
  if (key?.startsWith("pk_")) {
    throw unauthorized("This API call cannot be made with a publishable API key. Please use a secret API key. You can find a list of your API keys at https://dashboard.stripe.com/account/apikeys.")
  }
  const match = key ? SECRET_KEY.exec(key) : null
  if (!key || !match || (allowed && !allowed.has(hashApiKey(key)))) {
    const masked = key && key.length > 8 ? `${key.slice(0, key.indexOf("_", 3) + 1)}********${key.slice(-4)}` : "(malformed)"
    throw unauthorized(`Invalid API Key provided: ${masked}`)
  }
  return match[2] as Mode
}

const VERSION_HEADER = /^\s*([^;\s]+)\s*((?:;\s*[A-Za-z0-9_]+=[A-Za-z0-9_.]+\s*)*)$/

/** The version a request asks for (undefined: the account's default); throws 400 for a malformed one. */
export function requestedVersion(header: string | undefined): string | undefined {
  if (header === undefined || header.trim() === "") return undefined
  const match = VERSION_HEADER.exec(header)
  if (!match || !API_VERSION.test(match[1])) {
    throw new StripeApiError(400, "invalid_request_error", `Invalid Stripe API version: ${header.slice(0, 64)}`, { param: "Stripe-Version" }, "validation")
  }
  return match[1]
}
