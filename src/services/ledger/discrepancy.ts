import type { EntityManager } from "typeorm"
import type { GatewayLookupDiscrepancy } from "../../gateways/gateway"
import { recordEvent, type Actor } from "./events"
import { requestHash } from "./request-hash"

/**
 * What the trail keeps of a lookup that found something not matching the row (a
 * `GatewayLookupDiscrepancy`): the row itself is not touched, it stays `requested` or `pending`
 * until a person looks. Pure, so the event's shape is tested without a database.
 */
export function discrepancyEventData(err: GatewayLookupDiscrepancy): Record<string, unknown> {
  return {
    // "incomplete" means the gateway's list could not be read to its end: nothing was found yet.
    found_at_gateway: err.reason !== "incomplete",
    gateway_status: null,
    discrepancy: { reason: err.reason, message: err.message, candidates: err.candidates },
  }
}

/**
 * Adds a `reconciled` event with the discrepancy, unless the row's last `reconciled` event
 * already says exactly that: the reconciler looks at the row again on every run, and a
 * discrepancy stays until someone acts, so one event per distinct finding keeps the trail
 * readable. Returns whether an event was written.
 */
export async function recordDiscrepancy(
  manager: EntityManager,
  ids: { payment_id: string; capture_id: string; refund_id?: string },
  actor: Actor,
  err: GatewayLookupDiscrepancy
): Promise<boolean> {
  const data = discrepancyEventData(err)
  const rows: Array<{ data: Record<string, unknown> | null }> = await manager.query(
    ids.refund_id
      ? `SELECT data FROM capture_event WHERE refund_id = $1 AND type = 'reconciled' ORDER BY created_at DESC, id DESC LIMIT 1`
      : `SELECT data FROM capture_event WHERE capture_id = $1 AND refund_id IS NULL AND type = 'reconciled' ORDER BY created_at DESC, id DESC LIMIT 1`,
    [ids.refund_id ?? ids.capture_id]
  )
  // Compared canonically: jsonb does not keep key order.
  const last = rows[0]?.data?.discrepancy
  if (last && typeof last === "object" && requestHash(last as Record<string, unknown>) === requestHash(data.discrepancy as Record<string, unknown>)) {
    return false
  }
  await recordEvent(manager, { ...ids, type: "reconciled", actor, data })
  return true
}
