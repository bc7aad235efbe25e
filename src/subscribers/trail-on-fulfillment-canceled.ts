import type { SubscriberArgs, SubscriberConfig } from "@medusajs/medusa"
import { subscriberId } from "../events/auto-capture-subscriber"
import type CaptureService from "../services/capture"

/**
 * order.fulfillment_canceled → the captures made for that fulfillment stay
 * (the money was taken; refunding it is the operator's choice), and their
 * trail says the goods they paid for were not sent: a new fulfillment of the
 * same goods captures nothing more for them (domain fulfillment-share).
 */
export default async function trailOnFulfillmentCanceled({ data, container }: SubscriberArgs<{ id: string; fulfillment_id: string }>) {
  if (!data?.fulfillment_id) return
  await container.resolve<CaptureService>("captureService").annotations.noteFulfillmentCanceled(data.fulfillment_id)
}

export const config: SubscriberConfig = {
  event: "order.fulfillment_canceled",
  context: { subscriberId: subscriberId("order.fulfillment_canceled") },
}
