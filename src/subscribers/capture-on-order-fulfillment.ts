import type { SubscriberConfig } from "@medusajs/medusa"
import { autoCaptureSubscriber, subscriberId } from "../events/auto-capture-subscriber"

/** order.fulfillment_created → capture what the fulfillment contains, when `captureOn` is "fulfillment". */
export default autoCaptureSubscriber("order", "fulfillment")

export const config: SubscriberConfig = {
  event: "order.fulfillment_created",
  context: { subscriberId: subscriberId("order.fulfillment_created") },
}
