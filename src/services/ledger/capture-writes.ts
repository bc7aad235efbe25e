import { generateEntityId } from "@medusajs/medusa"
import type { EntityManager } from "typeorm"
import type { QueryDeepPartialEntity } from "typeorm/query-builder/QueryPartialEntity"
import type { LedgerStatus } from "../../domain"
import { Capture } from "../../models/capture"
import type { CaptureEventType } from "../../models/capture-event"
import type { Actor } from "./events"
import type { OutcomePatch } from "./outcome"

/**
 * The capture row writes of the hot path, each with its audit event in the
 * same statement or database call. A data-modifying CTE writes the row, and the event is
 * inserted from what the row write returned, so there is no event without its
 * row change (and no row change without its event), at one round trip
 * instead of two. The foreign key from the event to a capture inserted in the
 * same statement holds: PostgreSQL checks it at the end of the statement.
 */

type EventSpec = {
  type: CaptureEventType
  actor: Actor
  data: Record<string, unknown>
}

async function writeWithEvent(
  manager: EntityManager,
  write: { sql: string; params: unknown[] },
  event: EventSpec
): Promise<Capture | null> {
  const n = write.params.length
  const rows: Array<Record<string, unknown>> = await manager.query(
    `WITH written AS (${write.sql}),
          event AS (
            INSERT INTO capture_event (id, payment_id, capture_id, type, actor_type, actor_id, data)
            SELECT $${n + 1}, written.payment_id, written.id, $${n + 2}, $${n + 3}, $${n + 4}, $${n + 5}::jsonb FROM written
          )
     SELECT * FROM written`,
    [
      ...write.params,
      generateEntityId(undefined, "capevt"),
      event.type,
      event.actor.type,
      event.actor.id ?? null,
      JSON.stringify(event.data),
    ]
  )
  return rows.length ? manager.getRepository(Capture).create(rows[0] as Partial<Capture>) : null
}

/**
 * Inserts a capture row with its event. The column list and value conversion
 * (jsonb, defaults for number and the timestamps) come from the entity, through
 * TypeORM's insert builder; a plain `save()` would first SELECT the row by its id
 * to decide between INSERT and UPDATE.
 */
export async function insertCaptureWithEvent(
  manager: EntityManager,
  values: Partial<Capture> & { id: string },
  event: EventSpec
): Promise<Capture> {
  const [sql, params] = manager
    .createQueryBuilder()
    .insert()
    .into(Capture)
    // TypeORM's deep-partial type does not accept an arbitrary jsonb object (metadata); the values are the entity's own columns.
    .values(values as QueryDeepPartialEntity<Capture>)
    .returning("*")
    .getQueryAndParameters()
  const capture = await writeWithEvent(manager, { sql, params }, event)
  // An INSERT without ON CONFLICT returns its row or raises.
  if (!capture) throw new Error(`capture ${values.id} was not inserted`)
  return capture
}

/**
 * Writes a gateway outcome onto a capture in one call of the database function
 * capture_apply_outcome (migration 1795518000000), which is the whole outcome
 * transaction: lock the payment, move the row on only if it is still in one of
 * `from` (the statuses that may move to `patch.status`; an outcome only moves a
 * row forward), append the event, and set Medusa's payment.captured_at and
 * order.payment_status once the succeeded captures cover the authorization.
 * A `requested` patch records an unclear outcome: the message only, while the
 * row is still `requested`, for reconciliation.
 *
 * Null when nothing was written: the row had moved on already (settled by a
 * webhook, the reconciler, another server) or does not exist.
 */
export async function writeCaptureOutcome(
  manager: EntityManager,
  captureId: string,
  from: readonly LedgerStatus[],
  patch: OutcomePatch,
  actor: Actor
): Promise<Capture | null> {
  const data =
    patch.status === "requested"
      ? { message: patch.message ?? null }
      : patch.status === "failed"
        ? { error_code: patch.error_code ?? null, decline_code: patch.decline_code ?? null, message: patch.message ?? null }
        : {}
  const rows: Array<Partial<Capture>> = await manager.query(
    `SELECT * FROM capture_apply_outcome($1, $2::varchar[], $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14::jsonb)`,
    [
      captureId,
      from,
      patch.status,
      patch.gatewayId ?? null,
      patch.gatewayTransactionId ?? null,
      patch.token ?? null,
      patch.message ?? null,
      patch.error_code ?? null,
      patch.error_detail ?? null,
      patch.decline_code ?? null,
      generateEntityId(undefined, "capevt"),
      actor.type,
      actor.id ?? null,
      JSON.stringify(data),
    ]
  )
  return rows.length ? manager.getRepository(Capture).create(rows[0]) : null
}
