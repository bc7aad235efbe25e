import type { EntityManager } from "typeorm"
import { CAPTURE_STATUSES, canTransition } from "../../domain"
import { isSingleCapture } from "../../gateways/registry"
import { Capture } from "../../models/capture"
import { recordSingleCaptureAuthorization } from "../ledger/authorization"
import { insertRequestedCapture, writeCaptureOutcome } from "../ledger/capture-writes"
import { ledgerErrors } from "../ledger/errors"
import type { Actor } from "../ledger/events"
import { lockOrderPayments, needsOrderLimit, orderOwes } from "../ledger/order-limit"
import { patchFromError, patchFromResult, type OutcomePatch } from "../ledger/outcome"
import { SELECT_LEDGER_PAYMENT, readLedger, type LockedPayment } from "../ledger/payment-lock"
import { requestHash } from "../ledger/request-hash"
import { retryTransientTransaction } from "../ledger/transaction-retry"
import type { LedgerContext } from "./context"
import { decideCapture } from "./decide-capture"
import { validateCaptureInput, type CreateCaptureInput, type LedgerResult } from "./inputs"
import type { CaptureReads } from "./reads"
import { gatewayMetadata, isInFlight, paymentRef } from "./rows"

/**
 * Taking money: a capture is decided and its `requested` row committed before
 * the gateway is called; the outcome is written in a second short transaction,
 * so no transaction is open during a network call.
 */
export class CaptureTaking {
  constructor(
    private readonly ctx: LedgerContext,
    private readonly reads: CaptureReads
  ) {}

  async createCapture(input: CreateCaptureInput): Promise<LedgerResult<{ capture: Capture }>> {
    validateCaptureInput(input)
    const hash = requestHash({
      op: "capture",
      payment_id: input.payment_id,
      amount: input.amount,
      // Derived from a fulfillment event, not part of what the request is (see decideCapture).
      up_to: input.fulfillment_id ? undefined : input.up_to,
      currency_code: input.currency_code?.toLowerCase(),
      description: input.description,
      reference: input.reference,
      reference_origin: input.reference_origin,
      metadata: input.metadata,
      fulfillment_id: input.fulfillment_id,
    })
    const ctx = this.ctx

    // The payment's captures answer the idempotency replay, the fulfillment's
    // earlier capture and the totals (a payment has a handful of captures, not
    // thousands). They are read without a lock first, and the row is inserted
    // only if nothing it was decided from changed meanwhile (the fingerprint,
    // checked under the lock in the same call); else the decision is made
    // again under the lock. A refusal or a replay from the unlocked read is
    // what a request made at that moment got.
    // A payment of an edited order is decided against what the order still
    // owes, under the lock of all the order's payments (ledger/order-limit.ts).
    let orderToLock: string | null = null
    const prepare = async (m: EntityManager, lock: boolean) => {
      const state = await readLedger(m, input.payment_id, lock)
      let owes: number | null = null
      if (needsOrderLimit(state.payment)) {
        if (!lock) {
          orderToLock = state.payment.order_id
          return null
        }
        // Edited since the unlocked read: its other payments are locked now.
        if (orderToLock === null) await lockOrderPayments(m, state.payment.order_id)
        owes = await orderOwes(m, ctx.orderService(), state.payment.order_id)
      }
      const decided = decideCapture(ctx, input, hash, state, owes)
      if ("replay" in decided) return decided
      // Under the lock no token is passed: the row is always inserted.
      const capture = await insertRequestedCapture(m, lock ? null : state.token, decided.values, input.actor, decided.event)
      return capture && { capture, payment: state.payment, registered: decided.registered }
    }
    const prepared =
      (await ctx.guard(() => prepare(ctx.manager, false))) ??
      (await ctx.write(async (m) => {
        if (orderToLock) await lockOrderPayments(m, orderToLock)
        const locked = await prepare(m, true)
        if (!locked) throw new Error(`capture on payment ${input.payment_id} was not inserted under the lock`)
        return locked
      }))

    if ("replay" in prepared) {
      if (isInFlight(prepared.replay)) throw ledgerErrors.inFlight(prepared.replay.id)
      // Refunds may have been made since: answer with the capture as it is now.
      return { capture: await this.reads.retrieve(prepared.replay.id, ["refunds"]), replayed: true }
    }
    const { capture, payment, registered } = prepared
    if (isSingleCapture(registered, payment.data)) await ctx.guard(() => recordSingleCaptureAuthorization(ctx.manager, payment.id))

    let patch: OutcomePatch
    try {
      const extras = registered.captureExtras ? registered.captureExtras(await ctx.captureContext(payment, capture.amount)) : {}
      const result = await registered.gateway.capture({
        ...extras,
        paymentRef: paymentRef(payment),
        amount: capture.amount,
        currency: capture.currency_code,
        idempotencyKey: capture.id,
        description: capture.description ?? undefined,
        metadata: gatewayMetadata(capture.metadata, capture.id, payment.id),
      })
      patch = patchFromResult(result)
    } catch (err) {
      patch = patchFromError(err)
      ctx.logger?.warn(`captures: capture ${capture.id} at ${registered.providerId}: ${patch.message}`)
    }

    const settled = await this.applyCaptureOutcome(capture.id, patch, input.actor)
    return { capture: settled, replayed: false }
  }

  /**
   * Writes a gateway outcome onto a capture row. A row already settled (by a
   * webhook, the reconciler, another server) is left as it is: outcomes only
   * move a row forward. Medusa's own rows are updated unless core's hooks
   * asked for the capture (they update them themselves).
   */
  async applyCaptureOutcome(captureId: string, patch: OutcomePatch, actor: Actor): Promise<Capture> {
    const from = patch.status === "requested" ? ["requested" as const] : CAPTURE_STATUSES.filter((s) => canTransition(s, patch.status))
    // One database call is the whole outcome transaction (capture-writes.ts).
    const written = await this.ctx.guard(() =>
      retryTransientTransaction(() => writeCaptureOutcome(this.ctx.manager, captureId, from, patch, actor))
    )
    if (written) return written
    // Nothing written: the row had moved on already; answer with it as it is.
    const current = await this.ctx.manager.getRepository(Capture).findOne({ where: { id: captureId } })
    if (!current) throw ledgerErrors.notFound("Capture", captureId)
    return current
  }

  /**
   * Tries a failed capture again: a new capture of the same amount for the same
   * payment (and fulfillment), with the failed one's description, reference and
   * metadata. Only failed captures can be retried; a retry that is already
   * under way is answered with it.
   */
  async retryCapture(id: string, actor: Actor, idempotencyKey?: string): Promise<LedgerResult<{ capture: Capture }>> {
    const failed = await this.reads.retrieve(id)
    if (failed.status !== "failed") {
      throw ledgerErrors.notAllowed(`Capture ${id} is ${failed.status}; only failed captures can be retried`, "capture_not_failed")
    }
    return this.createCapture({
      payment_id: failed.payment_id,
      amount: failed.amount,
      description: failed.description,
      reference: failed.reference,
      reference_origin: failed.reference_origin,
      metadata: failed.metadata,
      fulfillment_id: failed.fulfillment_id,
      idempotency_key: idempotencyKey ?? `retry_${id}`,
      retry_of: id,
      actor,
    })
  }

  /**
   * Core's "capture the order's payment" for the payments Medusa counts as
   * captured already (captured_at is set from the first partial capture on,
   * docs/medusa-view.md), which core's own capture skips: each takes what it
   * still can, within what the order owes. Payments without anything captured
   * are left to core, which asks our processor. Nothing to capture is not an
   * error; the captures made are returned as they ended.
   */
  async captureRestOfOrder(orderId: string, actor: Actor): Promise<Capture[]> {
    const payments: LockedPayment[] = await this.ctx.manager.query(
      `${SELECT_LEDGER_PAYMENT} WHERE p.order_id = $1 AND p.captured_at IS NOT NULL AND p.canceled_at IS NULL ORDER BY p.created_at, p.id`,
      [orderId]
    )
    const made: Capture[] = []
    for (const payment of payments) {
      const capture = await this.captureRestOf(payment, actor)
      if (capture) made.push(capture)
    }
    return made
  }

  /**
   * The same for one payment (core's POST /admin/payments/:id/capture): null
   * when Medusa will capture it itself (nothing captured yet), when the
   * plugin does not handle it, or when nothing is left to capture.
   */
  async captureRestOfPayment(paymentId: string, actor: Actor): Promise<Capture | null> {
    const payment = await this.ctx.requirePayment(paymentId)
    if (!payment.captured_at || payment.canceled_at) return null
    return this.captureRestOf(payment, actor)
  }

  private async captureRestOf(payment: LockedPayment, actor: Actor): Promise<Capture | null> {
    if (!this.ctx.registry.get(payment.provider_id) || payment.closed_at) return null
    if ((await this.ctx.totalsOf(this.ctx.manager, payment)).capturable === 0) return null
    try {
      return (await this.createCapture({ payment_id: payment.id, actor })).capture
    } catch (err) {
      // Taken meanwhile by another request: nothing left for this one.
      if ((err as { code?: string }).code === "nothing_to_capture") return null
      throw err
    }
  }
}
