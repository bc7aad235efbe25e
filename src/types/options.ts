import { z } from "zod"

/**
 * Plugin options as written in medusa-config.js. Validated once, with one
 * message per wrong option, so a typo fails loudly at start instead of at the
 * first capture.
 */
function isHttpUrl(value: string): boolean {
  try {
    const { protocol } = new URL(value)
    return protocol === "http:" || protocol === "https:"
  } catch {
    return false
  }
}

/** The count GET /admin/captures stops at unless `listCountCap` says otherwise. */
export const DEFAULT_LIST_COUNT_CAP = 10_000

/** When the plugin captures by itself: on each fulfillment, on each shipment, or never (admin/core only). */
export const CAPTURE_TRIGGERS = ["fulfillment", "shipment", "manual"] as const
const captureOn = z.enum(CAPTURE_TRIGGERS)

const sandboxOptions = z
  .object({
    captureOn: captureOn.optional(),
    baseUrl: z.string().refine(isHttpUrl, "must be an http(s) URL"),
    apiKey: z.string().regex(/^sk_(test|live)_\S+$/, "must be sk_test_… or sk_live_… (no spaces)"),
    timeoutMs: z.number().int().positive().default(10_000),
    maxRetries: z.number().int().min(0).max(10).default(2),
  })
  .strict()

const mollieOptions = z
  .object({
    captureOn: captureOn.optional(),
    /** test_… keys talk to Mollie's test mode, live_… to live mode (and set the ledger's mode). */
    apiKey: z.string().regex(/^(test|live)_\S+$/, "must be test_… or live_… (no spaces)"),
    baseUrl: z.string().refine(isHttpUrl, "must be an http(s) URL").default("https://api.mollie.com"),
    /** Where Mollie's hosted checkout sends the shopper back to. */
    redirectUrl: z.string().refine(isHttpUrl, "must be an http(s) URL"),
    /** Public URL of this server's /hooks/captures/mollie; without it captures settle only by reconciliation. */
    webhookUrl: z.string().refine(isHttpUrl, "must be an http(s) URL").optional(),
    /** Payment description shown to the shopper; {cart_id} and {email} are replaced. */
    description: z.string().min(1).max(255).default("Order {cart_id}"),
    /**
     * Mollie takes one capture per payment unless the account has multiple captures enabled:
     * a partial capture releases the rest (docs/gateways/mollie.md#placing-a-hold). Off, the ledger treats Mollie like
     * Clover: nothing is capturable after the first capture, and capture on fulfillment
     * captures the whole authorization on the first fulfillment rather than its share.
     */
    multipleCaptures: z.boolean().default(false),
    timeoutMs: z.number().int().positive().default(10_000),
    maxRetries: z.number().int().min(0).max(10).default(2),
  })
  .strict()

const cloverOptions = z
  .object({
    captureOn: captureOn.optional(),
    /** The Ecommerce private key (Bearer). */
    privateKey: z.string().regex(/^\S{8,}$/, "must be the Ecommerce private key (8+ characters, no spaces)"),
    /** sandbox = Clover's sandbox (ledger mode test), production = live. */
    environment: z.enum(["sandbox", "production"]).default("sandbox"),
    /** Overrides the environment's base URL (e.g. the Clover simulator). */
    baseUrl: z.string().refine(isHttpUrl, "must be an http(s) URL").optional(),
    /** Sent as x-forwarded-for on captures this server makes (Clover requires one). */
    clientIp: z.string().ip({ message: "must be an IP address" }).default("127.0.0.1"),
    /** Send Clover's receipt to the order's email on capture. */
    sendReceiptEmail: z.boolean().default(false),
    /** Send level 2 data (the captured part of the order's tax) on capture. */
    level2: z.boolean().default(false),
    timeoutMs: z.number().int().positive().default(10_000),
    maxRetries: z.number().int().min(0).max(10).default(2),
  })
  .strict()

/**
 * The Stripe API version the plugin speaks: the one the pinned SDK (stripe
 * 23.1.0) was generated for. Sent on every request, so an account's default
 * version never changes what the plugin reads (docs/gateways/stripe.md).
 */
export const STRIPE_API_VERSION = "2026-10-28.endive" as const

const stripeOptions = z
  .object({
    captureOn: captureOn.optional(),
    /** Secret or restricted key; its prefix sets the ledger's mode (test/live). */
    apiKey: z.string().regex(/^(sk|rk)_(test|live)_\S+$/, "must be sk_test_…, sk_live_…, rk_test_… or rk_live_… (no spaces)"),
    /** The signing secret of the webhook endpoint /hooks/captures/stripe; without it webhooks are refused and captures settle by reconciliation. */
    webhookSecret: z.string().regex(/^whsec_\S+$/, "must be whsec_… (no spaces)").optional(),
    /**
     * Ask Stripe for multicapture on new payments (`request_multicapture: if_available`): where
     * the card allows it, each shipment is captured on its own; elsewhere the first capture
     * closes the authorization (docs/gateways/stripe.md#multicapture).
     */
    multicapture: z.boolean().default(false),
    /** Another API host (the Stripe simulator); Stripe's own by default. */
    baseUrl: z.string().refine(isHttpUrl, "must be an http(s) URL").optional(),
    /** Stated for clarity: it can only be the version the plugin speaks. */
    apiVersion: z.literal(STRIPE_API_VERSION, { errorMap: () => ({ message: `must be ${STRIPE_API_VERSION}, the version this plugin is built for` }) }).default(STRIPE_API_VERSION),
    timeoutMs: z.number().int().positive().default(10_000),
    maxRetries: z.number().int().min(0).max(10).default(2),
  })
  .strict()

export const pluginOptionsSchema = z
  .object({
    /** Default for every provider; each provider's own `captureOn` overrides it. */
    captureOn: captureOn.default("manual"),
    /** Captures and refunds left requested/pending longer than this are reconciled. */
    reconcileAfterSeconds: z.number().int().min(0).default(300),
    /**
     * GET /admin/captures counts matching rows exactly up to this many, then
     * answers the cap with count_capped: true (an exact count of a broad filter
     * on a big ledger costs far more than the page).
     */
    listCountCap: z.number().int().positive().default(DEFAULT_LIST_COUNT_CAP),
    /**
     * Canceling an order (or payment) whose payment holds captured money: off,
     * Medusa's cancel is refused naming the amount (refund first); on, that
     * money is refunded through the ledger first, then the rest released.
     */
    refundOnCancel: z.boolean().default(false),
    sandbox: sandboxOptions.optional(),
    mollie: mollieOptions.optional(),
    clover: cloverOptions.optional(),
    stripe: stripeOptions.optional(),
    /** Medusa's admin passes this to every plugin that has a UI. */
    enableUI: z.boolean().optional(),
  })
  .strict()

export type PluginOptions = z.infer<typeof pluginOptionsSchema>
export type SandboxOptions = z.infer<typeof sandboxOptions>
export type MollieOptions = z.infer<typeof mollieOptions>
export type CloverOptions = z.infer<typeof cloverOptions>
export type StripeOptions = z.infer<typeof stripeOptions>
export type CaptureTrigger = (typeof CAPTURE_TRIGGERS)[number]

const PROVIDER_OPTION_KEYS: Record<string, "sandbox" | "mollie" | "clover" | "stripe"> = {
  "captures-sandbox": "sandbox",
  mollie: "mollie",
  clover: "clover",
  "stripe-captures": "stripe",
}

/** The capture trigger for one payment provider: its own setting, else the plugin's. */
export function captureOnFor(options: PluginOptions, providerId: string): CaptureTrigger {
  const key = PROVIDER_OPTION_KEYS[providerId]
  return (key && options[key]?.captureOn) || options.captureOn
}

export class PluginOptionsError extends Error {
  constructor(readonly issues: string[]) {
    super(`medusa-plugin-captures: invalid options:\n  - ${issues.join("\n  - ")}`)
    this.name = "PluginOptionsError"
  }
}

export function parsePluginOptions(raw: unknown): PluginOptions {
  const result = pluginOptionsSchema.safeParse(raw ?? {})
  if (!result.success) {
    throw new PluginOptionsError(
      result.error.issues.map((i) => `${i.path.join(".") || "(options)"}: ${i.message}`)
    )
  }
  return result.data
}
