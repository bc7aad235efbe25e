import type { CloverOptions, PluginOptions } from "../types/options"
import { CloverGateway } from "./clover"
import type { PaymentGateway } from "./gateway"
import { MollieGateway } from "./mollie"
import { SandboxGateway } from "./sandbox"
import { longestCallMs } from "./shared/transport-options"

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
  /** One capture per authorization: a capture (even partial) releases the rest (Clover; Mollie by default). */
  singleCapture?: boolean
  /** Gateway-specific fields for a capture request, from its order; needs the order loaded. */
  captureExtras?: (ctx: CaptureContext) => Record<string, unknown>
  /** The longest one call to it can take with its retries (transport-options.ts longestCallMs). */
  longestCallMs: number
}

export const SANDBOX_PROVIDER_ID = "captures-sandbox"
export const MOLLIE_PROVIDER_ID = "mollie"
export const CLOVER_PROVIDER_ID = "clover"

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
