import type { PluginOptions } from "../types/options"
import type { PaymentGateway } from "./gateway"
import { MollieGateway } from "./mollie"
import { SandboxGateway } from "./sandbox"

export type LedgerMode = "test" | "live"

export type RegisteredGateway = {
  /** The Medusa payment provider id (`payment.provider_id`) this gateway serves. */
  providerId: string
  gateway: PaymentGateway
  mode: LedgerMode
}

export const SANDBOX_PROVIDER_ID = "captures-sandbox"
export const MOLLIE_PROVIDER_ID = "mollie"

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
      })
    }
    if (options.mollie) this.registerMollie(options.mollie)
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
    this.byProvider.set(MOLLIE_PROVIDER_ID, { providerId: MOLLIE_PROVIDER_ID, gateway, mode: gateway.mode })
  }

  get(providerId: string): RegisteredGateway | undefined {
    return this.byProvider.get(providerId)
  }

  providerIds(): string[] {
    return [...this.byProvider.keys()]
  }
}
