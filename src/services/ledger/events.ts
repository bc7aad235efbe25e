import type { EntityManager } from "typeorm"
import { CaptureEvent, type ActorType, type CaptureEventType } from "../../models/capture-event"

export type Actor = { type: ActorType; id?: string | null }

export const systemActor: Actor = { type: "system" }

export async function recordEvent(
  manager: EntityManager,
  event: {
    payment_id: string
    capture_id?: string | null
    refund_id?: string | null
    type: CaptureEventType
    actor: Actor
    data?: Record<string, unknown>
  }
): Promise<CaptureEvent> {
  const repo = manager.getRepository(CaptureEvent)
  return repo.save(
    repo.create({
      payment_id: event.payment_id,
      capture_id: event.capture_id ?? null,
      refund_id: event.refund_id ?? null,
      type: event.type,
      actor_type: event.actor.type,
      actor_id: event.actor.id ?? null,
      data: event.data ?? null,
    })
  )
}
