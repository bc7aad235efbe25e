import { generateEntityId } from "@medusajs/medusa"
import { canTransition, captureRefundBalance } from "../../domain"
import type { RegisteredGateway } from "../../gateways/registry"
import { Capture } from "../../models/capture"
import { CaptureRefund } from "../../models/capture-refund"
import { recordIfLeftAndDone, opKeyOf } from "../ledger/core-refund-ops"
import { syncCoreAfterRefund } from "../ledger/core-sync"
import { ledgerErrors } from "../ledger/errors"
import { recordEvent, type Actor } from "../ledger/events"
import { NEVER_RECEIVED_CODE, patchFromError, patchFromResult, type OutcomePatch } from "../ledger/outcome"
import { lockPayment, type LockedPayment } from "../ledger/payment-lock"
import { requestHash } from "../ledger/request-hash"
import type { LedgerContext } from "./context"
import { validateRefundInput, type LedgerResult, type RefundCaptureInput } from "./inputs"
import type { CaptureReads } from "./reads"
import { findReplay, inFlightUntil, isInFlight, paymentRef } from "./rows"

type PreparedRefund = {
  refund: CaptureRefund
  capture: Capture
  payment: LockedPayment
  registered: RegisteredGateway
  /** Gateway ids of the payment's other refunds (RefundRequest.claimedRefundIds). */
  claimedRefundIds: string[]
}

/**
 * Giving money back, one capture at a time: the refund row is committed
 * (`requested`) under the payment's lock before the gateway is called, checked
 * against the capture's refund balance, and its outcome written after.
 */
export class CaptureRefunds {
  constructor(
    private readonly ctx: LedgerContext,
    private readonly reads: CaptureReads
  ) {}

  async refundCapture(
    captureId: string,
    input: RefundCaptureInput
  ): Promise<LedgerResult<{ refund: CaptureRefund; capture: Capture }>> {
    validateRefundInput(input)
    const hash = requestHash({
      op: "refund",
      capture_id: captureId,
      amount: input.amount,
      reason: input.reason,
      note: input.note,
      metadata: input.metadata,
    })

    const prepared = await this.ctx.write(async (m): Promise<PreparedRefund | { replay: CaptureRefund }> => {
      const captures = m.getRepository(Capture)
      const refunds = m.getRepository(CaptureRefund)
      const found = await captures.findOne({ where: { id: captureId } })
      if (!found) throw ledgerErrors.notFound("Capture", captureId)
      const payment = await lockPayment(m, found.payment_id)
      const capture = await captures
        .createQueryBuilder("c")
        .setLock("pessimistic_write")
        .where("c.id = :id", { id: captureId })
        .getOneOrFail()

      const replay = await findReplay(refunds, { capture_id: capture.id }, input.idempotency_key, hash)
      if (replay) return { replay }

      const registered = this.ctx.requireGateway(payment)
      if (capture.status !== "succeeded") {
        throw ledgerErrors.notAllowed(
          `Capture ${capture.id} is ${capture.status}; only succeeded captures can be refunded`,
          "capture_not_refundable"
        )
      }
      const ofPayment = await refunds.find({ where: { payment_id: payment.id } })
      const unclear = ofPayment.find((r) => r.status === "requested")
      if (registered.serialRefunds && unclear) {
        throw ledgerErrors.notAllowed(
          `Refund ${unclear.id} of payment ${payment.id} has no known outcome yet; this gateway's refunds can only be told apart by amount and time, so reconcile it before refunding again`,
          "refund_unsettled"
        )
      }
      const claimedRefundIds = ofPayment.map((r) => r.gateway_refund_id).filter((v): v is string => !!v)
      const existing = await refunds.find({ where: { capture_id: capture.id } })
      const balance = captureRefundBalance({ status: capture.status, amount: capture.amount, refunds: existing })
      if (balance === 0) {
        throw ledgerErrors.notAllowed(`Capture ${capture.id} has nothing left to refund`, "nothing_to_refund")
      }
      const amount = input.amount ?? balance
      if (amount > balance) {
        throw ledgerErrors.invalid(
          "amount",
          `${amount} exceeds the refund balance of capture ${capture.id}: ${balance} of ${capture.amount}`
        )
      }

      const id = generateEntityId(undefined, "capref")
      const refund = await refunds.save(
        refunds.create({
          id,
          capture_id: capture.id,
          payment_id: payment.id,
          status: "requested",
          amount,
          currency_code: capture.currency_code,
          reason: input.reason ?? null,
          note: input.note ?? null,
          metadata: input.metadata ?? null,
          idempotency_key: input.idempotency_key ?? id,
          request_hash: hash,
          initiated_by: input.actor.type,
          in_flight_until: inFlightUntil(registered),
        })
      )
      await recordEvent(m, {
        payment_id: payment.id,
        capture_id: capture.id,
        refund_id: refund.id,
        type: "refund.requested",
        actor: input.actor,
        data: { amount, idempotency_key: refund.idempotency_key },
      })
      return { refund, capture, payment, registered, claimedRefundIds }
    })

    if ("replay" in prepared) {
      if (isInFlight(prepared.replay)) throw ledgerErrors.inFlight(prepared.replay.id)
      return { refund: prepared.replay, capture: await this.reads.retrieve(captureId), replayed: true }
    }
    const { refund, capture, payment, registered, claimedRefundIds } = prepared

    // A gateway may have to describe the refund (Mollie requires a description): the note, else
    // one naming the order, so read its display id; before the call, so a failed read sends nothing.
    const order: Array<{ display_id: number | null }> =
      refund.note?.trim() || !payment.order_id
        ? []
        : await this.ctx.guard(() => this.ctx.manager.query(`SELECT display_id FROM "order" WHERE id = $1`, [payment.order_id]))
    let patch: OutcomePatch
    try {
      const result = await registered.gateway.refund({
        paymentRef: paymentRef(payment),
        gatewayCaptureId: capture.gateway_capture_id ?? undefined,
        amount: refund.amount,
        currency: refund.currency_code,
        idempotencyKey: refund.id,
        reason: refund.reason ?? undefined,
        description: refund.note ?? undefined,
        refundId: refund.id,
        orderDisplayId: order[0]?.display_id ?? null,
        claimedRefundIds,
      })
      patch = patchFromResult(result)
    } catch (err) {
      patch = patchFromError(err)
      this.ctx.logger?.warn(`captures: refund ${refund.id} at ${registered.providerId}: ${patch.message}`)
    }

    const settled = await this.applyRefundOutcome(refund.id, patch, input.actor)
    return { ...settled, replayed: false }
  }

  /**
   * Writes a gateway outcome onto a refund row, under the payment's lock.
   * Outcomes only move a row forward; `late` lets a refund declared never
   * received that the gateway shows after all move on from failed
   * (Reconciliation.recheckNeverReceived).
   */
  async applyRefundOutcome(
    refundId: string,
    patch: OutcomePatch,
    actor: Actor,
    opts: { late?: boolean } = {}
  ): Promise<{ refund: CaptureRefund; capture: Capture }> {
    return this.ctx.write(async (m) => {
      const refunds = m.getRepository(CaptureRefund)
      const captures = m.getRepository(Capture)
      const current = await refunds.findOneOrFail({ where: { id: refundId } })
      const payment = await lockPayment(m, current.payment_id)
      const refund = await refunds.findOneOrFail({ where: { id: refundId } })
      const capture = await captures.findOneOrFail({ where: { id: refund.capture_id } })

      if (patch.status === "requested") {
        if (refund.status !== "requested") return { refund, capture }
        refund.message = patch.message ?? null
        await refunds.save(refund)
        await recordEvent(m, {
          payment_id: payment.id,
          capture_id: capture.id,
          refund_id: refund.id,
          type: "refund.unresolved",
          actor,
          data: { message: patch.message },
        })
        return { refund, capture }
      }
      const late = !!opts.late && refund.status === "failed" && refund.error_code === NEVER_RECEIVED_CODE
      if (!late && !canTransition(refund.status, patch.status)) return { refund, capture }

      refund.status = patch.status
      refund.gateway_refund_id = patch.gatewayId ?? refund.gateway_refund_id
      refund.message = patch.message ?? null
      refund.error_code = patch.error_code ?? null
      refund.error_detail = patch.error_detail ?? null
      refund.decline_code = patch.decline_code ?? null
      if (patch.status === "succeeded") {
        refund.refunded_at = new Date()
        capture.refunded_amount += refund.amount
        await captures.save(capture)
        if (refund.initiated_by !== "processor") refund.medusa_refund_id = await syncCoreAfterRefund(m, payment, refund)
      }
      await refunds.save(refund)
      const opKey = refund.initiated_by === "processor" && patch.status !== "failed" ? opKeyOf(refund.idempotency_key) : null
      await recordEvent(m, {
        payment_id: payment.id,
        capture_id: capture.id,
        refund_id: refund.id,
        type: `refund.${patch.status}`,
        actor,
        data: {
          gateway_refund_id: refund.gateway_refund_id,
          ...(patch.status === "failed" ? { error_code: refund.error_code, message: refund.message } : {}),
        },
      })
      // A part of a Medusa refund operation its hook gave up on: Medusa gets the refund once all of it went through.
      if (opKey) await recordIfLeftAndDone(m, payment, opKey, actor)
      return { refund, capture }
    })
  }
}
