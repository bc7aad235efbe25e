/** What the Clover gateway takes: its options, and the port's requests with Clover's extra fields. */
import type { AuthorizeRequest, CaptureRequest, RefundRequest } from "../gateway"
import type { CloverClientOptions, CloverEnvironment } from "./client"
import type { CloverLevel2Input } from "./level2"

export type CloverGatewayOptions = {
  /** The Ecommerce private key. */
  privateKey: string
  /** Default "sandbox"; "production" is live mode. */
  environment?: CloverEnvironment
  /** Overrides the environment's base URL (e.g. the local simulator). */
  baseUrl?: string
  /** Per attempt. Default 10 000 ms. */
  timeoutMs?: number
  /** Retries after the first attempt. Default 2. */
  maxRetries?: number
  /** Sent as `x-forwarded-for`, which Clover requires on charges and captures. */
  clientIp?: string
  fetch?: typeof fetch
} & Pick<CloverClientOptions, "initialBackoffMs" | "maxBackoffMs" | "maxRetryAfterMs">

export type CloverCaptureRequest = CaptureRequest & {
  /** Overrides any receipt email of the charge (docs/gateways/clover.md#capture). */
  receiptEmail?: string
  /** Level 2 purchase-card data; money in integer minor units. */
  level2?: CloverLevel2Input
  clientIp?: string
}

export type CloverAuthorizeRequest = AuthorizeRequest & { receiptEmail?: string; clientIp?: string }

export type CloverRefundRequest = RefundRequest & { clientIp?: string }
