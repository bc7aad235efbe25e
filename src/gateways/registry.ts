import type { CloverOptions, PluginOptions, StripeOptions } from "../types/options"
import { CloverGateway } from "./clover"
import type { PaymentGateway } from "./gateway"
import { MollieGateway } from "./mollie"
import { SandboxGateway } from "./sandbox"
import { StripeGateway, stripeLongestCallMs } from "./stripe"
import { longestCallMs } from "./common/transport-options"

export type LedgerMode = "test" | "live"

/** What a capture may tell a gateway about its order, beyond amount and currency. */
export type CaptureContext = {
  amount: number
  /** The payment's authorized amount. */
  authorized: number
  orderEmail: string | null
  orderDisplayId: number | null
  orderTaxTotal: number | null
}

export type RegisteredGateway = {
  /** The Medusa payment provider id (`payment.provider_id`) this gateway serves. */
  providerId: string
  gateway: PaymentGateway
  mode: LedgerMode
  /**
   * One capture per authorization: a capture (even partial) releases the rest
   * (Clover; Mollie by default). A function decides per payment, from the data
   * its processor kept (Stripe: whether the card allows multicapture).
   */
  singleCapture?: boolean | ((paymentData: Record<string, unknown> | null) => boolean)
  /** Gateway-specific fields for a capture request, from its order; needs the order loaded. */
  captureExtras?: (ctx: CaptureContext) => Record<string, unknown>
  /** The longest one call to it can take with its retries (transport-options.ts longestCallMs). */
  longestCallMs: number
  /**
   * Refunds of a payment one at a time while one's outcome is unclear: a gateway whose refunds can
   * only be told apart by amount and time (Clover, which keeps no key on them) could not say which
   * of two unclear refunds it made.
   */
  serialRefunds?: boolean
}

/** Whether a payment's authorization takes one capture only (RegisteredGateway.singleCapture). */
export function isSingleCapture(registered: RegisteredGateway | undefined, paymentData: Record<string, unknown> | null): boolean {
  const single = registered?.singleCapture
  return typeof single === "function" ? single(paymentData) : !!single
}

export const SANDBOX_PROVIDER_ID = "captures-sandbox"
export const MOLLIE_PROVIDER_ID = "mollie"
export const CLOVER_PROVIDER_ID = "clover"
/** Not `stripe`: it runs beside medusa-payment-stripe in one store while the store moves over. */
export const STRIPE_PROVIDER_ID = "stripe-captures"

/** The gateways configured in the plugin options, keyed by Medusa provider id. */
export class GatewayRegistry {
  private readonly byProvider = new Map<string, RegisteredGateway>()

  constructor(options: PluginOptions) {
    if (options.sandbox) {
      const { baseUrl, apiKey, timeoutMs, maxRetries } = options.sandbox
      this.byProvider.set(SANDBOX_PROVIDER_ID, {
        providerId: SANDBOX_PROVIDER_ID,
        gateway: new SandboxGateway({ baseUrl, apiKey, timeoutMs, maxRetries }),
        mode: apiKey.startsWith("sk_live_") ? "live" : "test",
        longestCallMs: longestCallMs({ timeoutMs, maxRetries }),
      })
    }
    if (options.mollie) this.registerMollie(options.mollie)
    if (options.clover) this.registerClover(options.clover)
    if (options.stripe) this.registerStripe(options.stripe)
  }

  private registerStripe(options: StripeOptions): void {
    const gateway = new StripeGateway({
      apiKey: options.apiKey,
      baseUrl: options.baseUrl,
      multicapture: options.multicapture,
      webhookSecret: options.webhookSecret,
      timeoutMs: options.timeoutMs,
      maxRetries: options.maxRetries,
    })
    this.byProvider.set(STRIPE_PROVIDER_ID, {
      providerId: STRIPE_PROVIDER_ID,
      gateway,
      mode: gateway.mode,
      // Only a card with multicapture available keeps its rest after a capture (the processor records which).
      singleCapture: (data) => data?.multicapture !== "available",
      longestCallMs: stripeLongestCallMs(options),
    })
  }

  private registerClover(options: CloverOptions): void {
    const gateway = new CloverGateway({
      privateKey: options.privateKey,
      environment: options.environment,
      baseUrl: options.baseUrl,
      clientIp: options.clientIp,
      timeoutMs: options.timeoutMs,
      maxRetries: options.maxRetries,
    })
    this.byProvider.set(CLOVER_PROVIDER_ID, {
      providerId: CLOVER_PROVIDER_ID,
      gateway,
      mode: gateway.mode,
      singleCapture: true,
      serialRefunds: true,
      captureExtras: (ctx) => cloverCaptureExtras(options, ctx),
      longestCallMs: longestCallMs(options),
    })
  }

  private registerMollie(options: NonNullable<PluginOptions["mollie"]>): void {
    const gateway = new MollieGateway({
      apiKey: options.apiKey,
      baseUrl: options.baseUrl,
      redirectUrl: options.redirectUrl,
      webhookUrl: options.webhookUrl,
      timeoutMs: options.timeoutMs,
      maxRetries: options.maxRetries,
    })
    this.byProvider.set(MOLLIE_PROVIDER_ID, {
      providerId: MOLLIE_PROVIDER_ID,
      gateway,
      mode: gateway.mode,
      singleCapture: !options.multipleCaptures,
      longestCallMs: longestCallMs(options),
    })
  }

  get(providerId: string): RegisteredGateway | undefined {
    return this.byProvider.get(providerId)
  }

  providerIds(): string[] {
    return [...this.byProvider.keys()]
  }
}

/**
 * receipt_email and level 2 data for a Clover capture. The tax sent is the
 * captured part of the order's tax, so a partial capture does not claim the
 * whole order's tax.
 */
export function cloverCaptureExtras(options: Pick<CloverOptions, "sendReceiptEmail" | "level2">, ctx: CaptureContext) {
  const extras: Record<string, unknown> = {}
  if (options.sendReceiptEmail && ctx.orderEmail) extras.receiptEmail = ctx.orderEmail
  if (options.level2 && ctx.orderTaxTotal !== null && ctx.authorized > 0) {
    extras.level2 = {
      tax_amount: Math.round((ctx.orderTaxTotal * ctx.amount) / ctx.authorized),
      ...(ctx.orderDisplayId !== null ? { pc_order_number: String(ctx.orderDisplayId) } : {}),
    }
  }
  return extras
}
