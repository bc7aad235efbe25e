import type { SubscriberConfig } from "@medusajs/medusa"
import { autoCaptureSubscriber, subscriberId } from "../events/auto-capture-subscriber"

/** order.shipment_created → capture what the shipment contains, when `captureOn` is "shipment". */
export default autoCaptureSubscriber("order", "shipment")

export const config: SubscriberConfig = {
  event: "order.shipment_created",
  context: { subscriberId: subscriberId("order.shipment_created") },
}
