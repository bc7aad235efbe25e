/**
 * Reading the PaymentIntent parameters that create, update and confirm share
 * (https://docs.stripe.com/api/payment_intents/create): amounts with Stripe's limits, currency,
 * capture method, payment method, payment method types and card options.
 */
import type { RouteContext } from "./context"
import { badParam, resourceMissing } from "./errors"
import type { Params } from "./form"
import type { CaptureMethod, IntentRecord } from "./state"
import { testCard } from "./test-cards"

export const CAPTURE_METHODS: readonly CaptureMethod[] = ["automatic", "automatic_async", "manual"]

/**
 * Minimum charge amounts for the common currencies (https://docs.stripe.com/currencies#minimum-and-maximum-charge-amounts);
 * other currencies are not checked. The maximum is eight digits ("a value of 99999999").
 */
const MINIMUM_AMOUNTS: Readonly<Record<string, number>> = { usd: 50, eur: 50, gbp: 30, chf: 50, cad: 50, aud: 50, jpy: 50, sek: 300, dkk: 250, nok: 300 }
export const MAXIMUM_AMOUNT = 99_999_999

export function readAmount(params: Params, currency: string, required: boolean): number | undefined {
  const amount = params.integer("amount", { required })
  if (amount === undefined) return undefined
  const minimum = MINIMUM_AMOUNTS[currency] ?? 1
  if (amount < minimum) {
    throw badParam(`Amount must be at least ${minimum} in the smallest unit of ${currency}.`, "amount", "amount_too_small")
  }
  if (amount > MAXIMUM_AMOUNT) throw badParam(`Amount must be no more than ${MAXIMUM_AMOUNT}.`, "amount", "amount_too_large")
  return amount
}

export function readCurrency(params: Params, required: boolean): string | undefined {
  const currency = params.string("currency", { required })
  if (currency === undefined) return undefined
  if (!/^[A-Za-z]{3}$/.test(currency)) throw badParam(`Invalid currency: ${currency}.`, "currency")
  return currency.toLowerCase()
}

/** A known test PaymentMethod of the caller's mode (test cards exist in test mode only). */
export function readPaymentMethod(ctx: RouteContext, params: Params): string | undefined {
  const id = params.string("payment_method")
  if (id === undefined) return undefined
  if (!testCard(id)) throw resourceMissing("PaymentMethod", id, "payment_method")
  if (ctx.mode === "live") throw resourceMissing("PaymentMethod", id, "payment_method", "test")
  return id
}

/** `payment_method_types` stopped being a request parameter in 2026-09-30.endive (changelog). */
export const PAYMENT_METHOD_TYPES_REMOVED = "2026-09-30"

export type PaymentMethodTypes = { effective: string[]; allowed: string[] | null }

/**
 * `allowed_payment_method_types` (since 2026-07-29.dahlia): "silently filters out incompatible
 * methods", here everything but cards. `payment_method_types`, for older versions only; on endive
 * it answers 400 `payment_method_types_no_longer_supported`.
 */
export function readPaymentMethodTypes(ctx: RouteContext, params: Params): PaymentMethodTypes | undefined {
  const allowed = params.stringArray("allowed_payment_method_types")
  let legacy: string[] | undefined
  if (params.has("payment_method_types")) {
    if (ctx.version.slice(0, 10) >= PAYMENT_METHOD_TYPES_REMOVED) {
      params.raw("payment_method_types")
      throw badParam(
        `payment_method_types is no longer supported on API version ${ctx.version}. Use allowed_payment_method_types, or automatic payment methods.`,
        "payment_method_types",
        "payment_method_types_no_longer_supported"
      )
    }
    legacy = params.stringArray("payment_method_types")
    // Cards are the only payment method this simulator has; the old parameter refused others.
    const other = legacy?.find((type) => type !== "card")
    if (other !== undefined) throw badParam(`The payment method type "${other}" is not supported by this simulator; only "card" is.`, "payment_method_types")
  }
  if (allowed && legacy) {
    throw badParam("You may only specify one of these parameters: allowed_payment_method_types, payment_method_types.", "allowed_payment_method_types", "parameters_exclusive")
  }
  const list = allowed ?? legacy
  if (list === undefined) return undefined
  if (!list.includes("card")) {
    const param = allowed ? "allowed_payment_method_types" : "payment_method_types"
    throw badParam(`${param} must include "card", the only payment method this simulator has.`, param)
  }
  return { effective: ["card"], allowed: allowed ? [...allowed] : null }
}

export type CardOptions = { requestMulticapture?: "if_available" | "never" }

/** `payment_method_options[card][request_multicapture]` (and `request_three_d_secure`, read and ignored). */
export function readCardOptions(params: Params): CardOptions | undefined {
  const options = params.object("payment_method_options")
  if (!options) return undefined
  const card = options.object("card")
  if (!card) return {}
  card.enumOf("request_three_d_secure", ["any", "automatic", "challenge"] as const)
  return { requestMulticapture: card.enumOf("request_multicapture", ["if_available", "never"] as const) }
}

/** `automatic_payment_methods[enabled]` / `[allow_redirects]`. */
export function readAutomaticPaymentMethods(params: Params): { enabled: boolean; allowRedirects?: "always" | "never" } | undefined {
  const apm = params.object("automatic_payment_methods")
  if (!apm) return undefined
  const enabled = apm.boolean("enabled")
  if (enabled === undefined) throw badParam("Missing required param: automatic_payment_methods[enabled].", "automatic_payment_methods[enabled]", "parameter_missing")
  return { enabled, allowRedirects: apm.enumOf("allow_redirects", ["always", "never"] as const) }
}

export function readReturnUrl(params: Params): string | undefined {
  const url = params.string("return_url")
  if (url === undefined) return undefined
  try {
    new URL(url)
  } catch {
    throw badParam("Not a valid URL", "return_url", "url_invalid")
  }
  return url
}

/**
 * With automatic payment methods that may redirect (the default when no payment method types are
 * sent), confirming needs a `return_url`: Stripe refuses the confirmation otherwise.
 */
export function requireReturnUrl(intent: Pick<IntentRecord, "paymentMethodTypes" | "allowRedirects" | "returnUrl">): void {
  if (intent.paymentMethodTypes === null && intent.allowRedirects === "always" && !intent.returnUrl) {
    throw badParam(
      "This PaymentIntent is configured to accept payment methods enabled in your Dashboard. Because some of these payment methods might redirect your customer off of your page, you must provide a `return_url`. If you don't want to accept redirect-based payment methods, set `automatic_payment_methods[enabled]` to `true` and `automatic_payment_methods[allow_redirects]` to `never` when creating Setup Intents and Payment Intents.",
      "return_url"
    )
  }
}
