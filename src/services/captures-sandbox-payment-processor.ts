import { SANDBOX_PROVIDER_ID } from "../gateways/registry"
import { TokenPaymentProcessor } from "./ledger/token-payment-processor"

/**
 * Medusa payment provider `captures-sandbox`: authorizes against the sandbox
 * gateway (an HTTP simulator shipped in this package) with a test token
 * (`tok_visa` unless the storefront sets `source`); captures and refunds go
 * through the ledger.
 */
class CapturesSandboxPaymentProcessor extends TokenPaymentProcessor {
  static override identifier = SANDBOX_PROVIDER_ID
  protected override readonly defaultSource = "tok_visa"
}

export default CapturesSandboxPaymentProcessor
