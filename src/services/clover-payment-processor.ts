import { CLOVER_PROVIDER_ID } from "../gateways/registry"
import { parsePluginOptions } from "../types/options"
import type { SessionData } from "./ledger/ledger-payment-processor"
import { TokenPaymentProcessor } from "./ledger/token-payment-processor"

/**
 * Medusa payment provider `clover`: the storefront tokenizes the card with
 * Clover's iframe and sets the `clv_…` token as `source` on the payment session;
 * authorization is an auth-only charge (`capture: false`). Captures (one per
 * charge: a partial capture releases the rest), refunds and release go through
 * the ledger. Options decide whether captures send the order's email as
 * receipt_email and level 2 tax data.
 */
class CloverPaymentProcessor extends TokenPaymentProcessor {
  static override identifier = CLOVER_PROVIDER_ID

  /** Clover wants the shopper's IP on the charge; the configured server IP when Medusa has none. */
  protected override authorizeExtras(data: SessionData): Record<string, unknown> {
    const fallback = parsePluginOptions(this.config).clover?.clientIp
    return { clientIp: typeof data.client_ip === "string" && data.client_ip ? data.client_ip : fallback }
  }
}

export default CloverPaymentProcessor
