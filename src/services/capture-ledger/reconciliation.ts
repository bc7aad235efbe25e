import { generateEntityId } from "@medusajs/medusa"
import { GatewayLookupDiscrepancy, isLookupDiscrepancy } from "../../gateways/gateway"
import { Capture } from "../../models/capture"
import { CaptureRefund } from "../../models/capture-refund"
import { syncCoreView } from "../ledger/authorization"
import { writeCaptureOutcome } from "../ledger/capture-writes"
import { recordDiscrepancy } from "../ledger/discrepancy"
import { fromDatabaseError, ledgerErrors } from "../ledger/errors"
import { recordEvent, type Actor } from "../ledger/events"
import { NEVER_RECEIVED_CODE, patchFromLookup, patchFromResult } from "../ledger/outcome"
import { lockPayment } from "../ledger/payment-lock"
import { findPaymentIdByRef } from "../ledger/processor-support"
import { requestHash } from "../ledger/request-hash"
import { retryTransientTransaction } from "../ledger/transaction-retry"
import { WebhookCoalescer, type WebhookReceipt } from "../ledger/webhook-coalescing"
import { refreshFromGateway } from "../ledger/webhook-refresh"
import type { LedgerContext } from "./context"
import type { CaptureReads } from "./reads"
import type { CaptureRefunds } from "./refunds"
import { NEVER_RECEIVED_AFTER_MS, paymentRef, rowTiming } from "./rows"
import type { CaptureTaking } from "./taking"

type RowIds = { payment_id: string; capture_id: string; refund_id?: string }

/**
 * Settling what is unclear by asking the gateway: one row (the reconciler's
 * run, an operator), a payment's rows (a webhook), a row declared never
 * received that arrived after all, money captured outside the ledger.
 * Outcomes only move rows forward, so a repeated or late look changes nothing.
 */
export class Reconciliation {
  /** Webhooks in flight in this process, per payment (made on first use). */
  private webhooks_?: WebhookCoalescer

  constructor(
    private readonly ctx: LedgerContext,
    private readonly reads: CaptureReads,
    private readonly captures: CaptureTaking,
    private readonly refunds: CaptureRefunds
  ) {}

  /**
   * A gateway told us something changed about one of its payments (a webhook).
   * The message is only a trigger: nothing from it is trusted. We find our
   * payment by the gateway's reference and ask the gateway for the state of
   * the captures and refunds we have not settled yet. Calls are coalesced per
   * payment across servers, and each refresh is bounded
   * (ledger/webhook-coalescing.ts, ledger/webhook-refresh.ts).
   */
  async syncFromGateway(providerId: string, ref: string, actor: Actor): Promise<WebhookReceipt> {
    const registered = this.ctx.registry.get(providerId)
    if (!registered) return { known: false, settled: 0, coalesced: false }
    const manager = this.ctx.manager
    this.webhooks_ ??= new WebhookCoalescer(manager, { logger: this.ctx.logger })
    const ledger = {
      manager,
      applyCaptureOutcome: this.captures.applyCaptureOutcome.bind(this.captures),
      applyRefundOutcome: this.refunds.applyRefundOutcome.bind(this.refunds),
    }
    return this.webhooks_.receive(
      `${providerId}:${ref}`,
      () => findPaymentIdByRef(manager, providerId, ref),
      async ({ paymentId, webhooks }) =>
        (await refreshFromGateway(ledger, registered.gateway, { paymentId, paymentRef: ref, actor, webhooks })).settled
    )
  }

  /**
   * Asks the gateway where one capture stands and settles the row: found →
   * the gateway's outcome; not found once its own call can no longer be
   * running (and at least `neverReceivedAfterMs` old) → failed, the gateway
   * never received the call (a retry is then safe); otherwise left as it is.
   * Something that does not match (GatewayLookupDiscrepancy) leaves it as it
   * is too, never failed: the finding is recorded and thrown.
   */
  async reconcileCapture(id: string, actor: Actor, opts: { neverReceivedAfterMs?: number } = {}): Promise<Capture> {
    const capture = await this.reads.retrieve(id)
    if (capture.status === "succeeded" || capture.status === "failed") return capture
    const ids = { payment_id: capture.payment_id, capture_id: capture.id }
    const payment = await this.ctx.requirePayment(capture.payment_id)
    const registered = this.ctx.requireGateway(payment)
    const found = await registered.gateway
      .retrieveCapture({
        paymentRef: paymentRef(payment),
        gatewayId: capture.gateway_capture_id ?? undefined,
        idempotencyKey: capture.id,
        amount: capture.amount,
        requestedAt: capture.created_at,
      })
      .catch((err) => this.noteDiscrepancy(ids, actor, err))
    const patch = patchFromLookup(found, rowTiming(capture, registered), opts.neverReceivedAfterMs ?? NEVER_RECEIVED_AFTER_MS, "capture")
    if (!patch) return capture
    await this.recordReconciled(ids, actor, found)
    return this.captures.applyCaptureOutcome(capture.id, patch, actor)
  }

  /** As reconcileCapture, for one refund. */
  async reconcileRefund(id: string, actor: Actor, opts: { neverReceivedAfterMs?: number } = {}): Promise<CaptureRefund> {
    const refund = await this.ctx.manager.getRepository(CaptureRefund).findOne({ where: { id } })
    if (!refund) throw ledgerErrors.notFound("Refund", id)
    if (refund.status === "succeeded" || refund.status === "failed") return refund
    const ids = { payment_id: refund.payment_id, capture_id: refund.capture_id, refund_id: refund.id }
    const payment = await this.ctx.requirePayment(refund.payment_id)
    const registered = this.ctx.requireGateway(payment)
    const found = await registered.gateway
      .retrieveRefund({
        paymentRef: paymentRef(payment),
        gatewayId: refund.gateway_refund_id ?? undefined,
        idempotencyKey: refund.id,
        amount: refund.amount,
        requestedAt: refund.created_at,
        claimedIds: await this.claimedRefundIds(refund.payment_id, refund.id),
      })
      .catch((err) => this.noteDiscrepancy(ids, actor, err))
    const patch = patchFromLookup(found, rowTiming(refund, registered), opts.neverReceivedAfterMs ?? NEVER_RECEIVED_AFTER_MS, "refund")
    if (!patch) return refund
    await this.recordReconciled(ids, actor, found)
    return (await this.refunds.applyRefundOutcome(refund.id, patch, actor)).refund
  }

  /**
   * A capture or refund that reconciliation declared never received, and that
   * the gateway shows after all (its call arrived very late): recorded, never
   * dropped. The row takes the gateway's outcome, with a `reconciled` event
   * saying it came late, when the money still fits the ledger; when it does not
   * (a retry took the same money meanwhile, so it was taken twice at the
   * gateway), the row stays failed and a `late_success` discrepancy tells the
   * operator to refund one. Null when the gateway still has nothing (or a
   * failure) for it.
   */
  async recheckNeverReceived(kind: "capture" | "refund", id: string, actor: Actor): Promise<{ after: string } | null> {
    const row =
      kind === "capture" ? await this.reads.retrieve(id) : await this.ctx.manager.getRepository(CaptureRefund).findOne({ where: { id } })
    if (!row) throw ledgerErrors.notFound(kind === "capture" ? "Capture" : "Refund", id)
    if (row.status !== "failed" || row.error_code !== NEVER_RECEIVED_CODE) return null
    const payment = await this.ctx.requirePayment(row.payment_id)
    const { gateway } = this.ctx.requireGateway(payment)
    const lookup = {
      paymentRef: paymentRef(payment),
      gatewayId: undefined,
      idempotencyKey: row.id,
      amount: row.amount,
      requestedAt: row.created_at,
      claimedIds: kind === "refund" ? await this.claimedRefundIds(row.payment_id, row.id) : undefined,
    }
    const found = kind === "capture" ? await gateway.retrieveCapture(lookup) : await gateway.retrieveRefund(lookup)
    if (!found || found.status === "failed") return null

    const ids: RowIds =
      kind === "capture"
        ? { payment_id: row.payment_id, capture_id: row.id }
        : { payment_id: row.payment_id, capture_id: (row as CaptureRefund).capture_id, refund_id: row.id }
    const patch = { ...patchFromResult(found), message: `The gateway shows this ${kind} after it was declared never received: its call arrived late` }
    try {
      if (kind === "capture") {
        const written = await retryTransientTransaction(() => writeCaptureOutcome(this.ctx.manager, row.id, ["failed"], patch, actor))
        if (!written) return null
      } else {
        const { refund } = await this.refunds.applyRefundOutcome(row.id, patch, actor, { late: true })
        if (refund.status === "failed") return null
      }
    } catch (err) {
      if ((err as { code?: string }).code !== "23514") throw fromDatabaseError(err)
      const taken = kind === "capture" ? "captured" : "refunded"
      const discrepancy = new GatewayLookupDiscrepancy({
        reason: "late_success",
        message:
          `The gateway took ${kind} ${row.id} (${row.amount}) after it was declared never received, and the ledger has ` +
          `${taken} that money again since: it was ${taken} twice at the gateway. ` +
          `${kind === "capture" ? "Refund one of them" : "Ask the shopper's bank or the gateway to recover one of them"}.`,
        candidates: [{ id: patch.gatewayId, amount: found.amount, status: found.status }],
      })
      return this.noteDiscrepancy(ids, actor, discrepancy)
    }
    await this.ctx.write((m) => recordEvent(m, { ...ids, type: "reconciled", actor, data: { found_at_gateway: true, gateway_status: found.status, late: true } }))
    return { after: found.status }
  }

  /** Gateway ids the payment's other refunds hold: a lookup by fields never takes them for this one. */
  private async claimedRefundIds(paymentId: string, exceptId: string): Promise<string[]> {
    const rows: Array<{ id: string }> = await this.ctx.manager.query(
      `SELECT gateway_refund_id AS id FROM capture_refund WHERE payment_id = $1 AND id <> $2 AND gateway_refund_id IS NOT NULL`,
      [paymentId, exceptId]
    )
    return rows.map((r) => r.id)
  }

  /**
   * Money the gateway captured that the ledger does not know of (a capture made
   * in the gateway's dashboard, or one whose row was lost) is recorded as a
   * succeeded capture, so the ledger never shows less than was taken. Only when
   * nothing of the payment is unsettled: in-flight rows may still explain it.
   */
  async recordUnknownCaptures(paymentId: string, actor: Actor): Promise<Capture | null> {
    const payment = await this.ctx.requirePayment(paymentId)
    const registered = this.ctx.requireGateway(payment)
    const snapshot = await registered.gateway.retrieve(paymentRef(payment))
    return this.ctx.write(async (m) => {
      const locked = await lockPayment(m, paymentId)
      const totals = await this.ctx.totalsOf(m, locked)
      // In-flight rows may still explain it; a gateway that does not say how much it captured
      // (Clover without amount_captured) gives nothing to record.
      if (totals.pending > 0 || snapshot.capturedAmountUnknown) return null
      const unknown = snapshot.amountCaptured - totals.captured
      if (unknown <= 0) return null
      const repo = m.getRepository(Capture)
      const id = generateEntityId(undefined, "cap")
      const capture = await repo.save(
        repo.create({
          id,
          payment_id: locked.id,
          order_id: locked.order_id,
          provider_id: locked.provider_id,
          mode: registered.mode,
          status: "succeeded",
          amount: unknown,
          currency_code: locked.currency_code.toLowerCase(),
          refunded_amount: 0,
          message: "Captured at the gateway outside the ledger; recorded by reconciliation",
          idempotency_key: id,
          request_hash: requestHash({ op: "recorded", payment_id: locked.id, amount: unknown }),
          initiated_by: actor.type,
          captured_at: new Date(),
        })
      )
      await recordEvent(m, {
        payment_id: locked.id,
        capture_id: capture.id,
        type: "reconciled",
        actor,
        data: { recorded_unknown_capture: unknown, gateway_captured: snapshot.amountCaptured },
      })
      await syncCoreView(m, locked.id, locked.order_id)
      return capture
    })
  }

  /**
   * A lookup that found something not matching the row (GatewayLookupDiscrepancy):
   * the row is left as it is, the finding goes to the trail, and the error goes on
   * to the caller (the reconciler lists it under `discrepancies`).
   */
  private async noteDiscrepancy(ids: RowIds, actor: Actor, err: unknown): Promise<never> {
    if (isLookupDiscrepancy(err)) await this.ctx.write((m) => recordDiscrepancy(m, ids, actor, err))
    throw err
  }

  /**
   * Only a look that found something (or concluded "never received") is worth
   * a line in the trail; a row the gateway does not know yet is looked at
   * again on every run.
   */
  private recordReconciled(ids: RowIds, actor: Actor, found: { status: string } | null): Promise<unknown> {
    return this.ctx.write((m) =>
      recordEvent(m, { ...ids, type: "reconciled", actor, data: { found_at_gateway: !!found, gateway_status: found?.status ?? null } })
    )
  }
}
