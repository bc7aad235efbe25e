import type { SubscriberConfig } from "@medusajs/medusa"
import { autoCaptureSubscriber, subscriberId } from "../events/auto-capture-subscriber"

/** swap.fulfillment_created → capture what the fulfillment contains, when `captureOn` is "fulfillment". */
export default autoCaptureSubscriber("swap", "fulfillment")

export const config: SubscriberConfig = {
  event: "swap.fulfillment_created",
  context: { subscriberId: subscriberId("swap.fulfillment_created") },
}
