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
 * same statement. A data-modifying CTE writes the row, and the event is
 * inserted from what the row write returned, so there is no event without its
 * row change (and no row change without its event), at one round trip
 * instead of two. The foreign key from the event to a capture inserted in the
 * same statement holds: PostgreSQL checks it at the end of the statement.
 */

type EventSpec = {
  type: CaptureEventType
  actor: Actor
  data: Record<string, unknown>
  /** Columns of the written row copied into the event's data (values only the database knows, e.g. after a COALESCE). */
  fromRow?: ReadonlyArray<"gateway_capture_id">
}

async function writeWithEvent(
  manager: EntityManager,
  write: { sql: string; params: unknown[] },
  event: EventSpec
): Promise<Capture | null> {
  const n = write.params.length
  const fromRow = (event.fromRow ?? []).map((column) => `'${column}', written.${column}`)
  const data = fromRow.length ? `jsonb_build_object(${fromRow.join(", ")}) || $${n + 5}::jsonb` : `$${n + 5}::jsonb`
  const rows: Array<Record<string, unknown>> = await manager.query(
    `WITH written AS (${write.sql}),
          event AS (
            INSERT INTO capture_event (id, payment_id, capture_id, type, actor_type, actor_id, data)
            SELECT $${n + 1}, written.payment_id, written.id, $${n + 2}, $${n + 3}, $${n + 4}, ${data} FROM written
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
 * Writes a gateway outcome onto a capture, only if the row is still in one of
 * `from` (the statuses that may move to `patch.status`), and records its event.
 * Null when the row had already moved on (settled by a webhook, the reconciler,
 * another server): outcomes only move a row forward. The status guard in the
 * UPDATE's WHERE replaces a read of the row before the write.
 */
export function settleCapture(
  manager: EntityManager,
  captureId: string,
  from: readonly LedgerStatus[],
  patch: OutcomePatch,
  actor: Actor
): Promise<Capture | null> {
  const failed = patch.status === "failed"
  return writeWithEvent(
    manager,
    {
      sql: `UPDATE capture
               SET status = $3,
                   gateway_capture_id = COALESCE($4, gateway_capture_id),
                   gateway_transaction_id = COALESCE($5, gateway_transaction_id),
                   token = COALESCE($6, token),
                   message = $7, error_code = $8, error_detail = $9, decline_code = $10,
                   captured_at = COALESCE($11, captured_at),
                   updated_at = now()
             WHERE id = $1 AND status = ANY($2)
         RETURNING *`,
      params: [
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
        patch.status === "succeeded" ? new Date() : null,
      ],
    },
    {
      type: `capture.${patch.status}` as CaptureEventType,
      actor,
      fromRow: ["gateway_capture_id"],
      data: failed
        ? { error_code: patch.error_code ?? null, decline_code: patch.decline_code ?? null, message: patch.message ?? null }
        : {},
    }
  )
}

/**
 * A gateway call whose outcome is unknown leaves the row `requested`, with the
 * reason in its message, for reconciliation; recorded only while the row is
 * still `requested`.
 */
export function markCaptureUnresolved(
  manager: EntityManager,
  captureId: string,
  message: string | null,
  actor: Actor
): Promise<Capture | null> {
  return writeWithEvent(
    manager,
    {
      sql: `UPDATE capture SET message = $2, updated_at = now() WHERE id = $1 AND status = 'requested' RETURNING *`,
      params: [captureId, message],
    },
    { type: "capture.unresolved", actor, data: { message } }
  )
}
