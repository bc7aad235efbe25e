/** Lives outside subscribers/: Medusa would try to load any file there as a subscriber. */
import type { SubscriberArgs } from "@medusajs/medusa"
import type AutoCaptureService from "../services/auto-capture"
import type { FulfillmentEvent } from "../services/auto-capture"

type EventData = { id: string; fulfillment_id: string }

/**
 * One subscriber file per event: Medusa's local event bus does not tell a
 * handler which event it got, so each file fixes its own. All hand over to
 * AutoCaptureService, which decides from the plugin options whether to capture.
 */
export function autoCaptureSubscriber(source: FulfillmentEvent["source"], trigger: FulfillmentEvent["trigger"]) {
  return async function handler({ data, container }: SubscriberArgs<EventData>): Promise<void> {
    if (!data?.id || !data?.fulfillment_id) return
    const service = container.resolve<AutoCaptureService>("autoCaptureService")
    await service.handle({ source, trigger, id: data.id, fulfillment_id: data.fulfillment_id })
  }
}

export const subscriberId = (event: string) => `medusa-plugin-captures:${event}`
