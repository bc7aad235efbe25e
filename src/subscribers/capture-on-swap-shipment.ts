import type { SubscriberConfig } from "@medusajs/medusa"
import { autoCaptureSubscriber, subscriberId } from "../events/auto-capture-subscriber"

/** swap.shipment_created → capture what the shipment contains, when `captureOn` is "shipment". */
export default autoCaptureSubscriber("swap", "shipment")

export const config: SubscriberConfig = {
  event: "swap.shipment_created",
  context: { subscriberId: subscriberId("swap.shipment_created") },
}
