import { generateEntityId } from "@medusajs/medusa"
import type { EntityManager } from "typeorm"
import type { LedgerStatus } from "../../domain"
import { Capture } from "../../models/capture"
import type { REQUESTED_CAPTURE_COLUMNS } from "./capture-columns"
import type { Actor } from "./events"
import type { OutcomePatch } from "./outcome"

/**
 * The capture row writes of the hot path. Each is one call of a database
 * function that writes the row and its audit event together, so there is no
 * event without its row change (and no row change without its event), at one
 * round trip.
 */

/**
 * Inserts a `requested` capture row with its `capture.requested` event, under
 * the payment's lock (capture_insert_requested, migrations 1795518000000 and 1796700000000).
 * With a token (from an unlocked readLedger) only if nothing the decision was
 * made from has changed since: null then, and the caller decides again under
 * the lock. Without a token (the caller holds the lock) it always inserts.
 */
export async function insertRequestedCapture(
  manager: EntityManager,
  token: string | null,
  values: RequestedCaptureValues,
  actor: Actor,
  data: Record<string, unknown>
): Promise<Capture | null> {
  const rows: Array<Partial<Capture>> = await manager.query(
    `SELECT * FROM capture_insert_requested($1, $2::jsonb, $3, $4, $5, $6::jsonb)`,
    [token, JSON.stringify(values), generateEntityId(undefined, "capevt"), actor.type, actor.id ?? null, JSON.stringify(data)]
  )
  return rows.length ? manager.getRepository(Capture).create(rows[0]) : null
}

/** The columns of a new capture row; the database fills in its number and timestamps (capture-columns.ts). */
export type RequestedCaptureValues = Pick<Capture, (typeof REQUESTED_CAPTURE_COLUMNS)[number]>

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
