export { startMollieSandbox } from "./server"
export type { MollieSandboxHandle, MollieSandboxOptions } from "./server"
export { DEFAULT_CONFIG as MOLLIE_SANDBOX_DEFAULT_CONFIG, MollieSandboxState } from "./state"
export type {
  CaptureRecord,
  CaptureStatus,
  MollieSandboxConfig,
  PaymentRecord,
  PaymentStatus,
  RefundRecord,
  RefundStatus,
  WebhookEvent,
} from "./state"
export { CHECKOUT_ACTIONS } from "./checkout"
export type { CheckoutAction } from "./checkout"
export { WEBHOOK_USER_AGENT, WebhookDispatcher } from "./webhooks"
export type { WebhookAttempt, WebhookDelivery } from "./webhooks"
