import type { EntityManager } from "typeorm"
import { isLookupPageLimit, type PaymentGateway } from "../../gateways/gateway"
import { recordEvent, type Actor } from "./events"
import { patchFromResult, type OutcomePatch } from "./outcome"

/**
 * One refresh of a payment from its gateway after a webhook (coalesced by
 * webhook-coalescing.ts), with a hard bound on what it asks:
 * - only the payment's unsettled captures and refunds (`requested`, `pending`), oldest first;
 * - at most `REFRESH_MAX_LOOKUPS` of them per refresh;
 * - a lookup by listing (a row without the gateway's id: its answer was lost) reads at most
 *   `REFRESH_MAX_PAGES` pages (Mollie: 250 items each).
 * So a refresh makes at most REFRESH_MAX_LOOKUPS × (REFRESH_MAX_PAGES + 1) = 30 requests to
 * Mollie (+1: a capture without an amount asks for its payment), whatever the payment holds;
 * the client's own retries of a failed request come on top. No lookup starts after
 * `REFRESH_MAX_MS`, so a slow Mollie does not keep a refresh (and its lease) going. What a
 * refresh leaves (more rows, more pages, no time) is left to the reconciler, which runs on a
 * schedule and reads everything.
 */
export const REFRESH_MAX_LOOKUPS = 10
export const REFRESH_MAX_PAGES = 2
export const REFRESH_MAX_MS = 30_000

/** What a refresh needs from the ledger (CaptureService): outcomes move rows forward only. */
export type RefreshLedger = {
  manager: EntityManager
  applyCaptureOutcome(captureId: string, patch: OutcomePatch, actor: Actor): Promise<{ status: string }>
  applyRefundOutcome(refundId: string, patch: OutcomePatch, actor: Actor): Promise<{ refund: { status: string } }>
}

export type RefreshInput = {
  paymentId: string
  paymentRef: string
  actor: Actor
  /** Webhooks this refresh answers (coalesced), for the event. */
  webhooks: number
}

type UnsettledRow = { kind: "capture" | "refund"; id: string; status: string; gateway_id: string | null; total: string | number }

const UNSETTLED = `
  SELECT u.*, count(*) OVER () AS total FROM (
    SELECT 'capture' AS kind, id, status, gateway_capture_id AS gateway_id, created_at
      FROM capture WHERE payment_id = $1 AND status IN ('requested', 'pending')
    UNION ALL
    SELECT 'refund' AS kind, id, status, gateway_refund_id AS gateway_id, created_at
      FROM capture_refund WHERE payment_id = $1 AND status IN ('requested', 'pending')
  ) u
  ORDER BY u.created_at, u.id
  LIMIT $2`

export async function refreshFromGateway(
  ledger: RefreshLedger,
  gateway: PaymentGateway,
  input: RefreshInput
): Promise<{ settled: number; looked: number; left: number }> {
  const { paymentId, paymentRef, actor } = input
  const rows: UnsettledRow[] = await ledger.manager.query(UNSETTLED, [paymentId, REFRESH_MAX_LOOKUPS])
  const total = rows.length ? Number(rows[0].total) : 0
  const deadline = Date.now() + REFRESH_MAX_MS
  let settled = 0
  let looked = 0
  let stoppedAtPages = 0
  let recorded = false
  for (const row of rows) {
    if (Date.now() > deadline) break
    looked += 1
    const lookup = { paymentRef, gatewayId: row.gateway_id ?? undefined, idempotencyKey: row.id, maxPages: REFRESH_MAX_PAGES }
    let result
    try {
      result = row.kind === "capture" ? await gateway.retrieveCapture(lookup) : await gateway.retrieveRefund(lookup)
    } catch (err) {
      // Not within the pages a refresh may read: the reconciler reads on.
      if (!isLookupPageLimit(err)) throw err
      stoppedAtPages += 1
      continue
    }
    // Not found: the call may still be on its way; the reconciler decides later.
    if (!result || result.status === row.status) continue
    if (!recorded) {
      // The trail records a webhook only when its refresh is about to change something (the
      // gateway says otherwise than the row), once per refresh, before the outcomes it explains,
      // with how many webhooks the refresh answered. Anyone can call the webhook (a payment id is
      // no secret), so a webhook that changes nothing must not add to an append-only table: one
      // row per real change at the gateway at most, never one per call. Every call is still
      // counted, in the payment's capture_webhook_refresh row (webhooks_received, last_received_at).
      recorded = true
      await ledger.manager.transaction((m) =>
        recordEvent(m, {
          payment_id: paymentId,
          type: "webhook.received",
          actor,
          data: { payment_ref: paymentRef, webhooks: input.webhooks, unsettled: total },
        })
      )
    }
    const after =
      row.kind === "capture"
        ? (await ledger.applyCaptureOutcome(row.id, patchFromResult(result), actor)).status
        : (await ledger.applyRefundOutcome(row.id, patchFromResult(result), actor)).refund.status
    if (after !== row.status) settled += 1
  }
  return { settled, looked, left: total - looked + stoppedAtPages }
}
