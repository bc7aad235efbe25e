import { TransactionBaseService, generateEntityId } from "@medusajs/medusa"
import type { EntityManager } from "typeorm"
import {
  CAPTURE_STATUSES,
  MAX_AMOUNT,
  assertPositiveAmount,
  canTransition,
  captureRefundBalance,
  amountUpTo,
  derivePaymentTotals,
  formatMoney,
  planOperationRefund,
  type PaymentTotals,
  type RefundPart,
  type RefundPlan,
} from "../domain"
import type { OrderService } from "@medusajs/medusa"
import { GatewayLookupDiscrepancy, isLookupDiscrepancy } from "../gateways/gateway"
import { GatewayRegistry, type CaptureContext, type RegisteredGateway } from "../gateways/registry"
import { Capture } from "../models/capture"
import { CaptureEvent } from "../models/capture-event"
import { CaptureRefund } from "../models/capture-refund"
import { parsePluginOptions } from "../types/options"
import { insertRequestedCapture, writeCaptureOutcome, type RequestedCaptureValues } from "./ledger/capture-writes"
import {
  closeForRelease,
  recordSingleCaptureAuthorization,
  reopenAfterRefusedRelease,
  syncCoreView,
} from "./ledger/authorization"
import { syncCoreAfterRefund } from "./ledger/core-sync"
import { fromDatabaseError, fromDomainError, ledgerErrors } from "./ledger/errors"
import { recordEvent, type Actor } from "./ledger/events"
import { mergeMetadata, reservedKeyMessage, reservedMetadataKey } from "./ledger/metadata"
import { recordDiscrepancy } from "./ledger/discrepancy"
import { NEVER_RECEIVED_CODE, patchFromError, patchFromLookup, patchFromResult, type OutcomePatch } from "./ledger/outcome"
import { SELECT_LEDGER_PAYMENT, lockPayment, readLedger, type LedgerState, type LockedPayment } from "./ledger/payment-lock"
import { lockOrderPayments, needsOrderLimit, orderOwes } from "./ledger/order-limit"
import { CORE_REFUND_KEY_PREFIX, acknowledgedRefunds, claimForCore, leaveToLedger, operationParts, opKeyOf, recordIfLeftAndDone } from "./ledger/core-refund-ops"
import { findPaymentIdByRef } from "./ledger/processor-support"
import { requestHash } from "./ledger/request-hash"
import { retryTransientTransaction } from "./ledger/transaction-retry"
import { listCaptures, type CaptureFilters, type CaptureList, type Page } from "./ledger/queries"
import { WebhookCoalescer, type WebhookReceipt } from "./ledger/webhook-coalescing"
import { refreshFromGateway, type RefreshLedger } from "./ledger/webhook-refresh"

export type { Actor } from "./ledger/events"

export const METADATA_MAX_BYTES = 1024
/** The least age at which reconciliation may declare a row never received (a default the caller may raise). */
export const NEVER_RECEIVED_AFTER_MS = 120_000
/**
 * Added to a gateway call's longest duration for what surrounds it: our own
 * request handling and outcome write, the gateway's queueing, clock skew
 * between server instances.
 */
export const IN_FLIGHT_MARGIN_MS = 30_000
export const DESCRIPTION_MAX_LENGTH = 255

export type CreateCaptureInput = {
  payment_id: string
  /** Minor units; omitted = everything still capturable. */
  amount?: number
  /**
   * Instead of `amount`: capture what brings the payment's captures (succeeded
   * and on their way) up to this much — a fulfillment's part of the order
   * (domain fulfillment-share). Decided under the payment's lock, so what was
   * captured by hand or for a canceled fulfillment meanwhile is never taken
   * twice.
   */
  up_to?: number
  currency_code?: string
  description?: string | null
  reference?: string | null
  reference_origin?: string | null
  metadata?: Record<string, unknown> | null
  fulfillment_id?: string | null
  /** The client's Idempotency-Key. */
  idempotency_key?: string
  /** The failed capture this one retries (for a fulfillment's capture). */
  retry_of?: string
  actor: Actor
}

export type RefundCaptureInput = {
  /** Minor units; omitted = the capture's refund balance. */
  amount?: number
  reason?: string | null
  note?: string | null
  metadata?: Record<string, unknown> | null
  idempotency_key?: string
  actor: Actor
}

export type UpdateCaptureInput = {
  metadata?: Record<string, unknown> | null
  reference?: string | null
  reference_origin?: string | null
}

export type LedgerResult<T> = T & { replayed: boolean }

type Deps = { manager: EntityManager; logger?: { warn(msg: string): void; error(msg: string, err?: unknown): void } }

/**
 * The capture ledger and its rules (README, "How the ledger keeps money right"):
 * 1. the row (status `requested`), its event and idempotency key are committed
 *    before the gateway is called; the outcome is written in a second short
 *    transaction, so no transaction is open during a network call;
 * 2. every transaction locks the payment row first; the amounts are checked
 *    under that lock, and again by the database's triggers (a new capture may
 *    be decided from an unlocked read, but it is written only if, under the
 *    lock, the payment's ledger is still exactly what was read);
 * 3. the gateway gets the row id as its idempotency key, so a retried call can
 *    never capture twice; a client's Idempotency-Key replays the same row.
 */
export default class CaptureService extends TransactionBaseService {
  // One instance for the process: the gateways' HTTP clients are shared.
  static LIFE_TIME = "SINGLETON"

  private readonly registry: GatewayRegistry
  private readonly logger?: Deps["logger"]
  private readonly listCountCap: number
  private readonly refundOnCancel: boolean
  /** Webhooks in flight in this process, per payment (made on first use). */
  private webhooks_?: WebhookCoalescer

  constructor(deps: Deps, options?: unknown) {
    // eslint-disable-next-line prefer-rest-params
    super(deps, options as Record<string, unknown>)
    const parsed = parsePluginOptions(options)
    this.registry = new GatewayRegistry(parsed)
    this.listCountCap = parsed.listCountCap
    this.refundOnCancel = parsed.refundOnCancel
    this.logger = deps.logger
  }

  gatewayFor(providerId: string): RegisteredGateway | undefined {
    return this.registry.get(providerId)
  }

  // ---------------------------------------------------------------- captures

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
        owes = await orderOwes(m, this.orderService(), state.payment.order_id)
      }
      const decided = this.decideCapture(input, hash, state, owes)
      if ("replay" in decided) return decided
      // Under the lock no token is passed: the row is always inserted.
      const capture = await insertRequestedCapture(m, lock ? null : state.token, decided.values, input.actor, decided.event)
      return capture && { capture, payment: state.payment, registered: decided.registered }
    }
    const prepared =
      (await this.guard(() => prepare(this.manager_, false))) ??
      (await this.write(async (m) => {
        if (orderToLock) await lockOrderPayments(m, orderToLock)
        const locked = await prepare(m, true)
        if (!locked) throw new Error(`capture on payment ${input.payment_id} was not inserted under the lock`)
        return locked
      }))

    if ("replay" in prepared) {
      if (isInFlight(prepared.replay)) throw ledgerErrors.inFlight(prepared.replay.id)
      // Refunds may have been made since: answer with the capture as it is now.
      return { capture: await this.retrieve(prepared.replay.id, ["refunds"]), replayed: true }
    }
    const { capture, payment, registered } = prepared
    if (registered.singleCapture) await this.guard(() => recordSingleCaptureAuthorization(this.manager_, payment.id))

    let patch: OutcomePatch
    try {
      const extras = registered.captureExtras ? registered.captureExtras(await this.captureContext(payment, capture.amount)) : {}
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
      this.logger?.warn(`captures: capture ${capture.id} at ${registered.providerId}: ${patch.message}`)
    }

    const settled = await this.applyCaptureOutcome(capture.id, patch, input.actor)
    return { capture: settled, replayed: false }
  }

  /**
   * What a capture request makes of the payment's ledger: the row it already
   * made (replay), a refusal (thrown), or the `requested` row to insert.
   */
  private decideCapture(
    input: CreateCaptureInput,
    hash: string,
    { payment, captures }: LedgerState,
    orderOwes: number | null = null
  ):
    | { replay: Capture }
    | { values: RequestedCaptureValues; event: Record<string, unknown>; registered: RegisteredGateway } {
    const keyed = input.idempotency_key ? captures.find((c) => c.idempotency_key === input.idempotency_key) : undefined
    // A fulfillment's capture is what its event is: this payment's share of that
    // fulfillment. What was derived from it (the share, capped) may differ when
    // the event comes again — the order changed, an earlier version worked it
    // out — and that is the same request, answered below with the capture made.
    const sameFulfillment = !!keyed && !!input.fulfillment_id && keyed.fulfillment_id === input.fulfillment_id
    const replay = sameFulfillment ? null : checkReplay(keyed, input.idempotency_key, hash)
    if (replay) return { replay }
    if (input.fulfillment_id) {
      // One capture per fulfillment however often its event comes: a live one
      // is replayed; a failed one too, unless an operator asked to retry it.
      const existing = captures
        .filter((c) => c.fulfillment_id === input.fulfillment_id)
        .sort((a, b) => b.created_at.getTime() - a.created_at.getTime() || b.id.localeCompare(a.id))
      const live = existing.find((c) => c.status !== "failed")
      if (live) return { replay: live }
      if (existing.length > 0 && existing[0].id !== input.retry_of) return { replay: existing[0] }
    }

    const registered = this.requireGateway(payment)
    assertAuthorized(payment)
    if (input.currency_code && input.currency_code.toLowerCase() !== payment.currency_code.toLowerCase()) {
      throw ledgerErrors.invalid(
        "currency_code",
        `${input.currency_code} does not match the payment's currency ${payment.currency_code.toUpperCase()}`
      )
    }

    const totals = this.totalsFrom(payment, captures, orderOwes)
    const owed = totals.not_owed > 0 ? `; the order owes ${orderOwes} more, ${totals.not_owed} authorized beyond that can only be released` : ""
    if (totals.capturable === 0) {
      throw ledgerErrors.notAllowed(
        `Payment ${payment.id} has nothing left to capture (authorized ${totals.authorized}, captured ${totals.captured}, in flight ${totals.pending}${owed})`,
        "nothing_to_capture"
      )
    }
    const amount = input.amount ?? (input.up_to !== undefined ? amountUpTo(input.up_to, totals) : totals.capturable)
    if (amount === 0) {
      throw ledgerErrors.notAllowed(
        `Payment ${payment.id} has captured (or has on its way) ${totals.captured + totals.pending} already, ` +
          `as much as what this capture was to bring it up to (${input.up_to})`,
        "nothing_to_capture"
      )
    }
    if (amount > totals.capturable) {
      throw ledgerErrors.invalid(
        "amount",
        `${amount} exceeds what can still be captured on payment ${payment.id}: ${totals.capturable} ` +
          `(authorized ${totals.authorized}, captured ${totals.captured}, in flight ${totals.pending}${owed})`
      )
    }

    const id = generateEntityId(undefined, "cap")
    const problem = registered.gateway.captureMetadataProblem?.(gatewayMetadata(input.metadata ?? null, id, payment.id), id)
    if (problem) throw ledgerErrors.invalid("metadata", problem)
    const currency_code = payment.currency_code.toLowerCase()
    const idempotency_key = input.idempotency_key ?? id
    return {
      registered,
      values: {
        id,
        payment_id: payment.id,
        order_id: payment.order_id,
        provider_id: payment.provider_id,
        mode: registered.mode,
        status: "requested",
        amount,
        currency_code,
        refunded_amount: 0,
        description: input.description ?? null,
        reference: input.reference ?? null,
        reference_origin: input.reference_origin ?? null,
        metadata: input.metadata ?? null,
        fulfillment_id: input.fulfillment_id ?? null,
        idempotency_key,
        request_hash: hash,
        initiated_by: input.actor.type,
        in_flight_until: inFlightUntil(registered),
      },
      event: { amount, currency_code, idempotency_key },
    }
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
    const written = await this.guard(() =>
      retryTransientTransaction(() => writeCaptureOutcome(this.manager_, captureId, from, patch, actor))
    )
    if (written) return written
    // Nothing written: the row had moved on already; answer with it as it is.
    const current = await this.manager_.getRepository(Capture).findOne({ where: { id: captureId } })
    if (!current) throw ledgerErrors.notFound("Capture", captureId)
    return current
  }

  // ----------------------------------------------------------------- refunds

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

    const prepared = await this.write(async (m) => {
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
      if (replay) return { replay, capture }

      const registered = this.requireGateway(payment)
      if (capture.status !== "succeeded") {
        throw ledgerErrors.notAllowed(
          `Capture ${capture.id} is ${capture.status}; only succeeded captures can be refunded`,
          "capture_not_refundable"
        )
      }
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
      return { refund, capture, payment, registered }
    })

    if ("replay" in prepared && prepared.replay) {
      if (isInFlight(prepared.replay)) throw ledgerErrors.inFlight(prepared.replay.id)
      return { refund: prepared.replay, capture: await this.retrieve(captureId), replayed: true }
    }
    const { refund, capture, payment, registered } = prepared as {
      refund: CaptureRefund
      capture: Capture
      payment: LockedPayment
      registered: RegisteredGateway
    }

    // A gateway may have to describe the refund (Mollie requires a description): the note, else
    // one naming the order, so read its display id; before the call, so a failed read sends nothing.
    const order: Array<{ display_id: number | null }> =
      refund.note?.trim() || !payment.order_id
        ? []
        : await this.guard(() => this.manager_.query(`SELECT display_id FROM "order" WHERE id = $1`, [payment.order_id]))
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
      })
      patch = patchFromResult(result)
    } catch (err) {
      patch = patchFromError(err)
      this.logger?.warn(`captures: refund ${refund.id} at ${registered.providerId}: ${patch.message}`)
    }

    const settled = await this.applyRefundOutcome(refund.id, patch, input.actor)
    return { ...settled, replayed: false }
  }

  async applyRefundOutcome(
    refundId: string,
    patch: OutcomePatch,
    actor: Actor,
    opts: { late?: boolean } = {}
  ): Promise<{ refund: CaptureRefund; capture: Capture }> {
    return this.write(async (m) => {
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
      // A refund declared never received that the gateway shows after all moves on from failed
      // (recheckNeverReceived); otherwise outcomes only move a row forward.
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

  /**
   * Medusa's refund hook (core's refund route, returns, claims, the admin's
   * Refund button) gives one amount per payment. It is one ledger operation
   * with a stable key, in parts on the payment's succeeded captures (newest
   * first): Medusa rolls its side back when the hook fails, and its retry is
   * the same operation again (same key), which completes it (domain
   * refund-plan.ts) — a part that went through is never sent again, a part
   * whose outcome is unknown stops everything until reconciliation settles it,
   * only a declined part's amount is taken again.
   *
   * The key: the payment, the amount, and how much Medusa had acknowledged
   * refunding on it through this hook when it asked (acknowledgedRefunds). A
   * retry after a rollback sees the same; the next refund, after Medusa
   * recorded this one, does not.
   *
   * An operation the hook gave up on that completes later is recorded in
   * Medusa by the ledger (ledger/core-refund-ops.ts); a retry of it is then
   * answered "already recorded" (`refund_recorded`), once.
   */
  async refundForMedusa(
    paymentId: string,
    amount: number,
    actor: Actor,
    opts: { reason?: string | null; note?: string | null } = {}
  ): Promise<MedusaRefundOutcome> {
    try {
      validateAmount(amount)
    } catch (err) {
      throw fromDomainError(err)
    }
    const m = this.manager_
    const key = `${CORE_REFUND_KEY_PREFIX}${amount}_after_${await acknowledgedRefunds(m, paymentId)}`
    const parts = () => operationParts(m, paymentId, key)
    const balances = async () =>
      (await this.listForPayment(paymentId))
        .filter((c) => c.status === "succeeded")
        .sort((a, b) => b.created_at.getTime() - a.created_at.getTime() || b.id.localeCompare(a.id))
        .map((c) => ({ captureId: c.id, balance: captureRefundBalance({ status: c.status, amount: c.amount, refunds: c.refunds ?? [] }) }))

    // The hook holds the operation now: should it complete while we work, it is core's to record.
    const claim = await this.write(async (tm) => {
      await lockPayment(tm, paymentId)
      return claimForCore(tm, paymentId, key, amount)
    })
    if (!claim.claimed) {
      return {
        ok: false,
        code: "refund_recorded",
        message:
          `${claim.recorded < amount ? `${claim.recorded} of this refund of ${amount}` : `This refund of ${amount}`} went ` +
          `through at the gateway after Medusa had given up on it, and was recorded on the order then; nothing was ` +
          `refunded now (a refund of the same amount after this one is a new refund)`,
      }
    }

    // Medusa records nothing unless this answers ok. What went through is then recorded in
    // Medusa by the ledger once every part settled — now, when a part was declined; later
    // (reconciliation, a webhook) when a part's outcome is unknown — unless the operation
    // completed meanwhile, which is decided under the lock.
    const leave = (): Promise<{ complete: true } | { complete: false; recorded: number | null }> =>
      this.write(async (tm) => {
        const payment = await lockPayment(tm, paymentId)
        // Balances do not matter to "complete": the parts alone cover the amount or not.
        if (planOperationRefund(amount, await operationParts(tm, paymentId, key), []).kind === "complete") return { complete: true }
        await leaveToLedger(tm, paymentId, key)
        return { complete: false, recorded: await recordIfLeftAndDone(tm, payment, key, actor) }
      })

    let after: RefundPart[]
    let outcome: RefundPlan
    try {
      const before = await parts()
      const plan = planOperationRefund(amount, before, await balances())
      if (plan.kind === "send") {
        let index = before.length
        for (const part of plan.parts) {
          const { refund } = await this.refundCapture(part.captureId, {
            amount: part.amount,
            reason: opts.reason,
            note: opts.note,
            idempotency_key: `${key}:${index++}`,
            actor,
          })
          // A declined part stops the operation; Medusa's retry takes its amount again.
          if (refund.status === "failed") break
        }
      }
      after = await parts()
      outcome = plan.kind === "send" ? planOperationRefund(amount, after, await balances()) : plan
    } catch (err) {
      // Medusa gets an error whatever happened: the ledger records what went through.
      await this.write(async (tm) => {
        const payment = await lockPayment(tm, paymentId)
        await leaveToLedger(tm, paymentId, key)
        await recordIfLeftAndDone(tm, payment, key, actor)
      })
      throw err
    }
    if (outcome.kind === "complete") return { ok: true }
    const left = await leave()
    if (left.complete) return { ok: true }
    return describeMedusaRefund(outcome, after, amount, paymentId, left.recorded)
  }

  // ------------------------------------------------------------ gateway sync

  /**
   * A gateway told us something changed about one of its payments (a webhook).
   * The message is only a trigger: nothing from it is trusted. We find our
   * payment by the gateway's reference and ask the gateway for the state of
   * the captures and refunds we have not settled yet; outcomes only move rows
   * forward, so a repeated or late call changes nothing. Calls are coalesced
   * per payment across servers, and each refresh is bounded
   * (ledger/webhook-coalescing.ts, ledger/webhook-refresh.ts).
   */
  async syncFromGateway(providerId: string, paymentRef: string, actor: Actor): Promise<WebhookReceipt> {
    const registered = this.registry.get(providerId)
    if (!registered) return { known: false, settled: 0, coalesced: false }
    this.webhooks_ ??= new WebhookCoalescer(this.manager_, { logger: this.logger })
    return this.webhooks_.receive(
      `${providerId}:${paymentRef}`,
      () => findPaymentIdByRef(this.manager_, providerId, paymentRef),
      async ({ paymentId, webhooks }) =>
        (await refreshFromGateway(this.refreshLedger(), registered.gateway, { paymentId, paymentRef, actor, webhooks })).settled
    )
  }

  private refreshLedger(): RefreshLedger {
    return {
      manager: this.manager_,
      applyCaptureOutcome: (id, patch, actor) => this.applyCaptureOutcome(id, patch, actor),
      applyRefundOutcome: (id, patch, actor) => this.applyRefundOutcome(id, patch, actor),
    }
  }

  /**
   * Asks the gateway where one capture stands and settles the row: found →
   * the gateway's outcome; not found and older than `neverReceivedAfterMs` →
   * failed, the gateway never received the call (a retry is then safe);
   * otherwise left as it is (the call may still be on its way). Something that
   * does not match (GatewayLookupDiscrepancy) leaves it as it is too, never
   * failed: the finding is recorded and thrown.
   */
  async reconcileCapture(id: string, actor: Actor, opts: { neverReceivedAfterMs?: number } = {}): Promise<Capture> {
    const capture = await this.retrieve(id)
    if (capture.status === "succeeded" || capture.status === "failed") return capture
    const payment = await this.requirePayment(capture.payment_id)
    const found = await this.requireGateway(payment).gateway.retrieveCapture({
      paymentRef: paymentRef(payment),
      gatewayId: capture.gateway_capture_id ?? undefined,
      idempotencyKey: capture.id,
      amount: capture.amount,
      requestedAt: capture.created_at,
    }).catch((err) => this.noteDiscrepancy({ payment_id: capture.payment_id, capture_id: capture.id }, actor, err))
    const patch = patchFromLookup(found, rowTiming(capture, this.requireGateway(payment)), opts.neverReceivedAfterMs ?? NEVER_RECEIVED_AFTER_MS, "capture")
    if (!patch) return capture
    await this.recordReconciled({ payment_id: capture.payment_id, capture_id: capture.id }, actor, found)
    return this.applyCaptureOutcome(capture.id, patch, actor)
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
      kind === "capture"
        ? await this.retrieve(id)
        : await this.manager_.getRepository(CaptureRefund).findOne({ where: { id } })
    if (!row) throw ledgerErrors.notFound(kind === "capture" ? "Capture" : "Refund", id)
    if (row.status !== "failed" || row.error_code !== NEVER_RECEIVED_CODE) return null
    const payment = await this.requirePayment(row.payment_id)
    const { gateway } = this.requireGateway(payment)
    const lookup = {
      paymentRef: paymentRef(payment),
      gatewayId: undefined,
      idempotencyKey: row.id,
      amount: row.amount,
      requestedAt: row.created_at,
    }
    const found = kind === "capture" ? await gateway.retrieveCapture(lookup) : await gateway.retrieveRefund(lookup)
    if (!found || found.status === "failed") return null

    const ids = kind === "capture" ? { payment_id: row.payment_id, capture_id: row.id } : { payment_id: row.payment_id, capture_id: (row as CaptureRefund).capture_id, refund_id: row.id }
    const patch = { ...patchFromResult(found), message: `The gateway shows this ${kind} after it was declared never received: its call arrived late` }
    try {
      if (kind === "capture") {
        const written = await retryTransientTransaction(() => writeCaptureOutcome(this.manager_, row.id, ["failed"], patch, actor))
        if (!written) return null
      } else {
        const { refund } = await this.applyRefundOutcome(row.id, patch, actor, { late: true })
        if (refund.status === "failed") return null
      }
    } catch (err) {
      if ((err as { code?: string }).code !== "23514") throw fromDatabaseError(err)
      const discrepancy = new GatewayLookupDiscrepancy({
        reason: "late_success",
        message:
          `The gateway took ${kind} ${row.id} (${row.amount}) after it was declared never received, and the ledger has ` +
          `${kind === "capture" ? "captured" : "refunded"} that money again since: it was ${kind === "capture" ? "captured" : "refunded"} twice at the gateway. ` +
          `${kind === "capture" ? "Refund one of them" : "Ask the shopper's bank or the gateway to recover one of them"}.`,
        candidates: [{ id: patch.gatewayId, amount: found.amount, status: found.status }],
      })
      return this.noteDiscrepancy(ids, actor, discrepancy)
    }
    await this.write((m) => recordEvent(m, { ...ids, type: "reconciled", actor, data: { found_at_gateway: true, gateway_status: found.status, late: true } }))
    return { after: found.status }
  }

  /**
   * Tries a failed capture again: a new capture of the same amount for the same
   * payment (and fulfillment), with the failed one's description, reference and
   * metadata. Only failed captures can be retried; a retry that is already
   * under way is answered with it.
   */
  async retryCapture(id: string, actor: Actor, idempotencyKey?: string): Promise<LedgerResult<{ capture: Capture }>> {
    const failed = await this.retrieve(id)
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

  /** As reconcileCapture, for one refund. */
  async reconcileRefund(id: string, actor: Actor, opts: { neverReceivedAfterMs?: number } = {}): Promise<CaptureRefund> {
    const refund = await this.manager_.getRepository(CaptureRefund).findOne({ where: { id } })
    if (!refund) throw ledgerErrors.notFound("Refund", id)
    if (refund.status === "succeeded" || refund.status === "failed") return refund
    const payment = await this.requirePayment(refund.payment_id)
    const found = await this.requireGateway(payment).gateway.retrieveRefund({
      paymentRef: paymentRef(payment),
      gatewayId: refund.gateway_refund_id ?? undefined,
      idempotencyKey: refund.id,
      amount: refund.amount,
      requestedAt: refund.created_at,
    }).catch((err) => this.noteDiscrepancy({ payment_id: refund.payment_id, capture_id: refund.capture_id, refund_id: refund.id }, actor, err))
    const patch = patchFromLookup(found, rowTiming(refund, this.requireGateway(payment)), opts.neverReceivedAfterMs ?? NEVER_RECEIVED_AFTER_MS, "refund")
    if (!patch) return refund
    await this.recordReconciled({ payment_id: refund.payment_id, capture_id: refund.capture_id, refund_id: refund.id }, actor, found)
    return (await this.applyRefundOutcome(refund.id, patch, actor)).refund
  }

  /**
   * A lookup that found something not matching the row (GatewayLookupDiscrepancy):
   * the row is left as it is, the finding goes to the trail, and the error goes on
   * to the caller (the reconciler lists it under `discrepancies`).
   */
  private async noteDiscrepancy(ids: { payment_id: string; capture_id: string; refund_id?: string }, actor: Actor, err: unknown): Promise<never> {
    if (isLookupDiscrepancy(err)) await this.write((m) => recordDiscrepancy(m, ids, actor, err))
    throw err
  }

  /**
   * Only a look that found something (or concluded "never received") is worth
   * a line in the trail; a row the gateway does not know yet is looked at
   * again on every run.
   */
  private recordReconciled(
    ids: { payment_id: string; capture_id: string; refund_id?: string },
    actor: Actor,
    found: { status: string } | null
  ): Promise<unknown> {
    return this.write((m) =>
      recordEvent(m, {
        ...ids,
        type: "reconciled",
        actor,
        data: { found_at_gateway: !!found, gateway_status: found?.status ?? null },
      })
    )
  }

  /**
   * Money the gateway captured that the ledger does not know of (a capture made
   * in the gateway's dashboard, or one whose row was lost) is recorded as a
   * succeeded capture, so the ledger never shows less than was taken. Only when
   * nothing of the payment is unsettled: in-flight rows may still explain it.
   */
  async recordUnknownCaptures(paymentId: string, actor: Actor): Promise<Capture | null> {
    const payment = await this.requirePayment(paymentId)
    const registered = this.requireGateway(payment)
    const snapshot = await registered.gateway.retrieve(paymentRef(payment))
    return this.write(async (m) => {
      const locked = await lockPayment(m, paymentId)
      const totals = await this.totalsOf(m, locked)
      if (totals.pending > 0) return null
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
   * Core's "capture the order's payment" for the payments Medusa counts as
   * captured already (captured_at is set from the first partial capture on,
   * docs/medusa-view.md), which core's own capture skips: each takes what it
   * still can, within what the order owes. Payments without anything captured
   * are left to core, which asks our processor. Nothing to capture is not an
   * error; the captures made are returned as they ended.
   */
  async captureRestOfOrder(orderId: string, actor: Actor): Promise<Capture[]> {
    const payments: LockedPayment[] = await this.activeManager_.query(
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
    const payment = await this.requirePayment(paymentId)
    if (!payment.captured_at || payment.canceled_at) return null
    return this.captureRestOf(payment, actor)
  }

  private async captureRestOf(payment: LockedPayment, actor: Actor): Promise<Capture | null> {
    if (!this.registry.get(payment.provider_id) || payment.closed_at) return null
    if ((await this.totalsOf(this.activeManager_, payment)).capturable === 0) return null
    try {
      return (await this.createCapture({ payment_id: payment.id, actor })).capture
    } catch (err) {
      // Taken meanwhile by another request: nothing left for this one.
      if ((err as { code?: string }).code === "nothing_to_capture") return null
      throw err
    }
  }

  // ---------------------------------------------------------------- release

  /**
   * Releases what is left of a payment's authorization at the gateway, once
   * something was captured: the authorization is closed first (under the
   * payment's lock, so no capture can start meanwhile), then the gateway is
   * asked, then Medusa's payment is brought down to what was captured. A
   * refusal by the gateway opens the authorization again; an unclear answer
   * leaves it closed (nothing more is captured; the gateway lets the rest
   * lapse at the latest when the authorization expires).
   */
  async releaseAuthorization(
    paymentId: string,
    actor: Actor
  ): Promise<{ released: number; totals: PaymentTotals; currency_code: string }> {
    const prepared = await this.write(async (m) => {
      const payment = await lockPayment(m, paymentId)
      const registered = this.requireGateway(payment)
      assertAuthorized(payment)
      const totals = await this.totalsOf(m, payment)
      if (totals.pending > 0) {
        throw ledgerErrors.notAllowed(
          `Payment ${payment.id} has ${totals.pending} in captures whose outcome is not known yet; release once they are settled`,
          "capture_in_flight"
        )
      }
      // Still owed, nothing captured: that is canceling the payment, Medusa's to do.
      // Authorized beyond what an edited order owes may always be let go.
      if (totals.captured === 0 && totals.capturable > 0) {
        throw ledgerErrors.notAllowed(
          `Nothing was captured on payment ${payment.id}: cancel the order or payment in Medusa to release the whole authorization`,
          "nothing_captured"
        )
      }
      const left = totals.capturable + totals.not_owed
      if (left === 0 || !(await closeForRelease(m, payment.id))) return null
      await recordEvent(m, {
        payment_id: payment.id,
        type: "authorization.release_requested",
        actor,
        data: { amount: left },
      })
      return { payment, registered, amount: left }
    })
    if (!prepared) return { released: 0, ...(await this.paymentTotals(paymentId)) }

    const { payment, registered, amount } = prepared
    let outcome: "released" | "unresolved" = "released"
    try {
      await registered.gateway.cancel(paymentRef(payment), `release_${payment.id}`)
    } catch (err) {
      const patch = patchFromError(err)
      this.logger?.warn(`captures: release of payment ${payment.id} at ${registered.providerId}: ${patch.message}`)
      if (patch.status === "failed") {
        await this.write(async (m) => {
          await lockPayment(m, payment.id)
          await reopenAfterRefusedRelease(m, payment.id)
          await recordEvent(m, { payment_id: payment.id, type: "authorization.release_failed", actor, data: { message: patch.message } })
        })
        throw err
      }
      outcome = "unresolved"
    }
    await this.write(async (m) => {
      await lockPayment(m, payment.id)
      await recordEvent(m, {
        payment_id: payment.id,
        type: outcome === "released" ? "authorization.released" : "authorization.release_unresolved",
        actor,
        data: { amount },
      })
      await syncCoreView(m, payment.id, payment.order_id)
    })
    return { released: amount, ...(await this.paymentTotals(payment.id)) }
  }

  /**
   * Medusa's cancel of a payment (cancelling an order, a swap, a claim): what
   * is uncaptured is released at the gateway, with the authorization closed
   * first under the payment's lock so no capture can start meanwhile. A payment
   * that still holds captured money is not canceled: Medusa would show a
   * canceled order while the shopper's money stays taken. The operator refunds
   * it first (Medusa's refund route, or the plugin's), then cancels.
   */
  async cancelForMedusa(paymentId: string, actor: Actor): Promise<{ ok: true } | { ok: false; code: string; message: string }> {
    if (this.refundOnCancel) await this.refundHeldForCancel(paymentId)
    const decided = await this.write(async (m) => {
      const payment = await lockPayment(m, paymentId)
      const registered = this.requireGateway(payment)
      const totals = await this.totalsOf(m, payment)
      if (totals.pending > 0) {
        return {
          refused: {
            code: "capture_in_flight",
            message: `Payment ${payment.id} has ${totals.pending} in captures whose outcome is not known yet; cancel once they are settled`,
          },
        }
      }
      const held = totals.captured - totals.refunded
      if (held > 0) {
        const money = `${formatMoney(held, payment.currency_code.toUpperCase())} captured and not refunded (${held} in minor units)`
        return {
          refused: this.refundOnCancel
            ? {
                code: "cancel_refund_incomplete",
                message:
                  `Payment ${payment.id} still holds ${money}: its refunds on cancel are declined or not settled yet ` +
                  `(see the payment's captures); cancel again once they are`,
              }
            : { code: "payment_has_captured_money", message: `Payment ${payment.id} holds ${money}: refund it first, then cancel` },
        }
      }
      const closing = await closeForRelease(m, payment.id, "canceled")
      if (closing) {
        await recordEvent(m, { payment_id: payment.id, type: "authorization.release_requested", actor, data: { amount: totals.capturable, canceled: true } })
      }
      return { payment, registered, amount: totals.capturable }
    })
    if ("refused" in decided && decided.refused) return { ok: false, ...decided.refused }
    const { payment, registered, amount } = decided as { payment: LockedPayment; registered: RegisteredGateway; amount: number }
    const ref = paymentRef(payment)
    try {
      await registered.gateway.cancel(ref, `cancel_${ref}`)
    } catch (err) {
      const patch = patchFromError(err)
      await this.write(async (m) => {
        await lockPayment(m, payment.id)
        if (patch.status === "failed") await reopenAfterRefusedRelease(m, payment.id)
        await recordEvent(m, { payment_id: payment.id, type: "authorization.release_failed", actor, data: { message: patch.message, canceled: true } })
      })
      throw err
    }
    await this.write(async (m) => {
      await lockPayment(m, payment.id)
      await recordEvent(m, { payment_id: payment.id, type: "authorization.released", actor, data: { amount, canceled: true } })
    })
    return { ok: true }
  }

  /**
   * `refundOnCancel`: before Medusa's cancel releases the authorization, each
   * succeeded capture's refund balance is refunded through the ledger (one
   * refund per capture, keyed by the capture and the amount, so a cancel that
   * is tried again sends nothing twice); Medusa gets its Refund rows as for
   * any refund the plugin makes. Whatever did not go through keeps the cancel
   * refused (cancelForMedusa), naming the money still held.
   */
  private async refundHeldForCancel(paymentId: string): Promise<void> {
    const actor: Actor = { type: "system", id: "cancel" }
    for (const capture of await this.listForPayment(paymentId)) {
      const balance = captureRefundBalance({ status: capture.status, amount: capture.amount, refunds: capture.refunds ?? [] })
      if (balance === 0) continue
      await this.refundCapture(capture.id, {
        amount: balance,
        reason: "other",
        note: "Refunded when the order was canceled",
        idempotency_key: `cancel_refund_${capture.id}_${balance}`,
        actor,
      })
    }
  }

  private async paymentTotals(paymentId: string): Promise<{ totals: PaymentTotals; currency_code: string }> {
    const payment = await this.requirePayment(paymentId)
    return { totals: await this.totalsOf(this.activeManager_, payment), currency_code: payment.currency_code }
  }

  // ------------------------------------------------------------------- reads

  async retrieve(id: string, expand: Array<"refunds" | "events"> = []): Promise<Capture> {
    const capture = await this.activeManager_.getRepository(Capture).findOne({
      where: { id },
      relations: { refunds: expand.includes("refunds"), events: expand.includes("events") },
    })
    if (!capture) throw ledgerErrors.notFound("Capture", id)
    sortRelations(capture)
    return capture
  }

  async list(filters: CaptureFilters, page: Page, expand: Array<"refunds" | "events"> = []): Promise<CaptureList> {
    const list = await listCaptures(this.activeManager_, filters, page, expand, this.listCountCap)
    list.captures.forEach(sortRelations)
    return list
  }

  async listForPayment(paymentId: string): Promise<Capture[]> {
    await this.requirePayment(paymentId)
    return (await this.list({ payment_id: paymentId }, { limit: 1000, offset: 0 }, ["refunds"])).captures
  }

  /** Totals of one payment, derived from its rows (never stored). */
  async totalsForPayment(paymentId: string): Promise<PaymentTotals> {
    const payment = await this.requirePayment(paymentId)
    return this.totalsOf(this.activeManager_, payment)
  }

  /** An order's captures with totals per payment and for the whole order. */
  async summaryForOrder(orderId: string): Promise<{
    captures: Capture[]
    payments: Array<{ payment_id: string; provider_id: string; currency_code: string; totals: PaymentTotals }>
    totals: PaymentTotals
  }> {
    const m = this.activeManager_
    const orders: Array<{ id: string }> = await m.query(`SELECT id FROM "order" WHERE id = $1`, [orderId])
    if (orders.length === 0) throw ledgerErrors.notFound("Order", orderId)
    const payments: LockedPayment[] = await m.query(
      `${SELECT_LEDGER_PAYMENT} WHERE p.order_id = $1 OR s.order_id = $1 ORDER BY p.created_at`,
      [orderId]
    )
    // What the order still owes is one ceiling shared by its payments: worked
    // out once, and the order's capturable is never more than it.
    const limited = payments.find(needsOrderLimit)
    const owes = limited ? await orderOwes(m, this.orderService(), limited.order_id as string) : null
    const perPayment = await Promise.all(
      payments.map(async (p) => ({
        payment_id: p.id,
        provider_id: p.provider_id,
        currency_code: p.currency_code,
        totals: this.totalsFrom(p, await capturesOf(m, p.id), needsOrderLimit(p) ? owes : null),
      }))
    )
    const { captures } = await this.list({ order_id: orderId }, { limit: 1000, offset: 0 }, ["refunds"])
    const totals = perPayment.reduce<PaymentTotals>(
      (sum, p) => {
        for (const k of Object.keys(sum) as Array<keyof PaymentTotals>) sum[k] += p.totals[k]
        return sum
      },
      { authorized: 0, captured: 0, pending: 0, refunded: 0, refund_pending: 0, capturable: 0, not_owed: 0, refundable: 0 }
    )
    if (owes !== null) {
      const ownCapturable = perPayment.reduce((sum, p, i) => sum + (needsOrderLimit(payments[i]) ? p.totals.capturable : 0), 0)
      const excess = Math.max(0, ownCapturable - owes)
      totals.capturable -= excess
      totals.not_owed += excess
    }
    return { captures, payments: perPayment, totals }
  }

  /**
   * Records in the trail of each capture made for a fulfillment that it was
   * canceled (once, however often the event comes). The capture is left as it
   * is: the money was taken, and refunding it is the operator's choice.
   */
  async noteFulfillmentCanceled(fulfillmentId: string): Promise<void> {
    const captures = await this.manager_.getRepository(Capture).find({ where: { fulfillment_id: fulfillmentId } })
    for (const capture of captures) {
      await this.write(async (m) => {
        await lockPayment(m, capture.payment_id)
        const [{ noted }]: Array<{ noted: boolean }> = await m.query(
          `SELECT EXISTS (SELECT 1 FROM capture_event WHERE capture_id = $1 AND type = 'capture.fulfillment_canceled') AS noted`,
          [capture.id]
        )
        if (noted) return
        await recordEvent(m, {
          payment_id: capture.payment_id,
          capture_id: capture.id,
          type: "capture.fulfillment_canceled",
          actor: { type: "subscriber", id: "order.fulfillment_canceled" },
          data: { fulfillment_id: fulfillmentId, status: capture.status, amount: capture.amount },
        })
      })
    }
  }

  // ----------------------------------------------------------------- updates

  async update(id: string, input: UpdateCaptureInput, actor: Actor): Promise<Capture> {
    if (input.metadata !== undefined) assertMetadataSize(input.metadata)
    return this.write(async (m) => {
      const repo = m.getRepository(Capture)
      // The ledger's one lock order: the payment, then the capture. Locking the
      // capture first would deadlock with an outcome being written (it holds
      // the payment and waits for the capture, while the event inserted here
      // waits for the payment through its foreign key).
      const found = await repo.findOne({ where: { id }, select: { id: true, payment_id: true } })
      if (!found) throw ledgerErrors.notFound("Capture", id)
      await lockPayment(m, found.payment_id)
      const capture = await repo
        .createQueryBuilder("c")
        .setLock("pessimistic_write")
        .where("c.id = :id", { id })
        .getOne()
      if (!capture) throw ledgerErrors.notFound("Capture", id)
      const changes: Record<string, unknown> = {}
      if (input.metadata !== undefined) {
        capture.metadata = mergeMetadata(capture.metadata, input.metadata)
        assertMetadataSize(capture.metadata)
        changes.metadata = input.metadata
      }
      if (input.reference !== undefined) capture.reference = changes.reference = input.reference
      if (input.reference_origin !== undefined) capture.reference_origin = changes.reference_origin = input.reference_origin
      await repo.save(capture)
      await recordEvent(m, { payment_id: capture.payment_id, capture_id: capture.id, type: "capture.updated", actor, data: changes })
      return capture
    })
  }

  // ----------------------------------------------------------------- helpers

  private write<T>(work: (m: EntityManager) => Promise<T>): Promise<T> {
    // Always a fresh transaction on the root manager: the ledger's commits
    // must not wait for (or roll back with) a caller's transaction. A
    // deadlock victim runs again (database work only; transaction-retry.ts).
    return this.guard(() => retryTransientTransaction(() => this.manager_.transaction(work)))
  }

  /** Database and domain errors become the ledger's typed errors. */
  private async guard<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work()
    } catch (err) {
      throw fromDomainError(fromDatabaseError(err))
    }
  }

  /** The order facts a gateway may want with a capture (Clover's receipt email and level 2 tax). */
  private async captureContext(payment: LockedPayment, amount: number): Promise<CaptureContext> {
    const ctx: CaptureContext = { amount, authorized: payment.amount, orderEmail: null, orderDisplayId: null, orderTaxTotal: null }
    if (!payment.order_id) return ctx
    const order = await this.orderService().retrieveWithTotals(payment.order_id)
    return { ...ctx, orderEmail: order.email ?? null, orderDisplayId: order.display_id ?? null, orderTaxTotal: order.tax_total ?? null }
  }

  private requireGateway(payment: LockedPayment): RegisteredGateway {
    const registered = this.registry.get(payment.provider_id)
    if (!registered) {
      throw ledgerErrors.notAllowed(
        `Payment ${payment.id} uses provider "${payment.provider_id}", which medusa-plugin-captures does not handle ` +
          `(configured: ${this.registry.providerIds().join(", ") || "none"})`,
        "provider_not_supported"
      )
    }
    return registered
  }

  private async requirePayment(paymentId: string): Promise<LockedPayment> {
    const rows: LockedPayment[] = await this.activeManager_.query(`${SELECT_LEDGER_PAYMENT} WHERE p.id = $1`, [paymentId])
    if (rows.length === 0) throw ledgerErrors.notFound("Payment", paymentId)
    return rows[0]
  }

  private async totalsOf(m: EntityManager, payment: LockedPayment): Promise<PaymentTotals> {
    const owes = needsOrderLimit(payment) ? await orderOwes(m, this.orderService(), payment.order_id) : null
    return this.totalsFrom(payment, await capturesOf(m, payment.id), owes)
  }

  private orderService(): OrderService {
    return (this.__container__ as { orderService: OrderService }).orderService
  }

  private totalsFrom(payment: LockedPayment, captures: Capture[], orderOwes: number | null = null): PaymentTotals {
    // On a single-capture gateway the first capture that was not refused uses
    // the authorization up: whatever it left is released. A closed
    // authorization (released by the operator) has nothing left either.
    const spent = !!this.registry.get(payment.provider_id)?.singleCapture && captures.some((c) => c.status !== "failed")
    return derivePaymentTotals({
      authorized: payment.amount,
      canceled: payment.canceled_at !== null || payment.closed_at != null || spent,
      captures: captures.map((c) => ({ status: c.status, amount: c.amount, refunds: c.refunds ?? [] })),
      orderOwes,
    })
  }
}

// ------------------------------------------------------------ pure helpers

export type MedusaRefundOutcome =
  | { ok: true }
  | { ok: false; code: "refund_unresolved" | "refund_declined" | "refund_exceeds_captured" | "refund_recorded"; message: string }

/** What Medusa's refund hook answers, from where the operation stands. */
function describeMedusaRefund(
  plan: RefundPlan,
  parts: RefundPart[],
  amount: number,
  paymentId: string,
  recorded: number | null
): MedusaRefundOutcome {
  switch (plan.kind) {
    case "complete":
      return { ok: true }
    case "unresolved":
      return {
        ok: false,
        code: "refund_unresolved",
        message:
          `${plan.unknown} of this refund of ${amount} went to the gateway without a clear answer; it is reconciled, and ` +
          `once it went through it is recorded on the order by itself (check the order's refunds); refunding the ` +
          `same amount again before that completes this refund without refunding twice`,
      }
    case "exceeds":
      return {
        ok: false,
        code: "refund_exceeds_captured",
        message: `Only ${plan.refundable} more can be refunded from the captures of payment ${paymentId} (${plan.rest} asked)`,
      }
    case "send": {
      const declined = parts.filter((p) => p.status === "failed").reduce((sum, p) => sum + p.amount, 0)
      const through = parts.filter((p) => p.status === "succeeded" || p.status === "pending").reduce((sum, p) => sum + p.amount, 0)
      const message = recorded
        ? `The gateway declined ${declined} of this refund of ${amount}; the ${recorded} that went through is recorded ` +
          `on the order. To refund the rest, refund ${amount - recorded} (a new refund)`
        : through === 0
          ? `The gateway declined this refund of ${amount}; nothing was refunded, and refunding the same amount again tries it again`
          : `The gateway declined ${declined} of this refund of ${amount}; ${through} is settling at the gateway and is ` +
            `recorded on the order once it went through. Refunding the same amount again before then retries only the declined part`
      return { ok: false, code: "refund_declined", message }
    }
  }
}

/** Until when a gateway call sent now may still be running. */
function inFlightUntil(registered: RegisteredGateway): Date {
  return new Date(Date.now() + registered.longestCallMs + IN_FLIGHT_MARGIN_MS)
}

/**
 * A row's age, and how long its own gateway call may have run: recorded on the
 * row when it was written; for rows written before that was recorded, what the
 * provider's options allow now (and never less than the old fixed threshold).
 */
function rowTiming(
  row: { status: Capture["status"]; created_at: Date; in_flight_until: Date | null },
  registered: RegisteredGateway
): { status: Capture["status"]; ageMs: number; mayRunForMs: number } {
  const created = row.created_at.getTime()
  const mayRunForMs = row.in_flight_until
    ? row.in_flight_until.getTime() - created
    : Math.max(NEVER_RECEIVED_AFTER_MS, registered.longestCallMs + IN_FLIGHT_MARGIN_MS)
  return { status: row.status, ageMs: Date.now() - created, mayRunForMs }
}

/** A capture's metadata as the gateway gets it: the caller's, and the ids that tie it to the ledger. */
function gatewayMetadata(metadata: Record<string, unknown> | null, captureId: string, paymentId: string): Record<string, unknown> {
  return { ...(metadata ?? {}), medusa_capture_id: captureId, medusa_payment_id: paymentId }
}

/** The gateway's id of the authorization, kept by our processors in payment.data. */
function paymentRef(payment: LockedPayment): string {
  return String(payment.data?.payment_ref)
}

/**
 * A row whose gateway call has not come back yet: `requested` with no outcome
 * recorded (an unclear outcome always leaves a message). A replay of it gets a
 * 409 to retry, like any request racing another with the same key.
 */
function isInFlight(row: { status: string; message: string | null }): boolean {
  return row.status === "requested" && row.message === null
}

function assertAuthorized(payment: LockedPayment): void {
  if (payment.canceled_at) {
    throw ledgerErrors.notAllowed(`Payment ${payment.id} is canceled`, "payment_canceled")
  }
  if (!payment.data?.payment_ref || payment.data?.status !== "authorized") {
    throw ledgerErrors.notAllowed(
      `Payment ${payment.id} is not authorized at the gateway (status: ${String(payment.data?.status ?? "unknown")})`,
      "payment_not_authorized"
    )
  }
}

/** A payment's captures with their refunds: what its totals are made of. */
function capturesOf(m: EntityManager, paymentId: string): Promise<Capture[]> {
  return m.getRepository(Capture).find({ where: { payment_id: paymentId }, relations: { refunds: true } })
}

/** The row an Idempotency-Key already made is replayed, but only for the same request. */
function checkReplay<T extends { request_hash: string }>(existing: T | null | undefined, key: string | undefined, hash: string): T | null {
  if (!existing || !key) return null
  if (existing.request_hash !== hash) throw ledgerErrors.idempotencyMismatch(key)
  return existing
}

async function findReplay<T extends { request_hash: string }>(
  repo: { findOne(opts: { where: Record<string, unknown> }): Promise<T | null> },
  scope: Record<string, unknown>,
  key: string | undefined,
  hash: string
): Promise<T | null> {
  if (!key) return null
  return checkReplay(await repo.findOne({ where: { ...scope, idempotency_key: key } }), key, hash)
}

function validateAmount(amount: number | undefined): void {
  if (amount === undefined) return
  assertPositiveAmount(amount, "amount")
  if (amount > MAX_AMOUNT) throw ledgerErrors.invalid("amount", `must be at most ${MAX_AMOUNT}`)
}

/** Every metadata write's checks, whoever asks: no reserved key (ledger/metadata.ts says why), and the size. */
function assertMetadataSize(metadata: Record<string, unknown> | null | undefined): void {
  if (!metadata) return
  const reserved = reservedMetadataKey(metadata)
  if (reserved) throw ledgerErrors.invalid("metadata", reservedKeyMessage(reserved))
  const bytes = Buffer.byteLength(JSON.stringify(metadata), "utf8")
  if (bytes > METADATA_MAX_BYTES) {
    throw ledgerErrors.invalid("metadata", `is ${bytes} bytes as JSON; at most ${METADATA_MAX_BYTES} are allowed`)
  }
}

function validateCaptureInput(input: CreateCaptureInput): void {
  if (input.amount !== undefined && input.up_to !== undefined) throw ledgerErrors.invalid("amount", "give either amount or up_to")
  try {
    validateAmount(input.amount)
    if (input.up_to !== undefined && !(Number.isSafeInteger(input.up_to) && input.up_to >= 0)) {
      throw ledgerErrors.invalid("up_to", "must be a non-negative integer")
    }
  } catch (err) {
    throw fromDomainError(err)
  }
  if (input.description && input.description.length > DESCRIPTION_MAX_LENGTH) {
    throw ledgerErrors.invalid("description", `must be at most ${DESCRIPTION_MAX_LENGTH} characters`)
  }
  assertMetadataSize(input.metadata)
}

function validateRefundInput(input: RefundCaptureInput): void {
  try {
    validateAmount(input.amount)
  } catch (err) {
    throw fromDomainError(err)
  }
  assertMetadataSize(input.metadata)
}

function sortRelations(capture: Capture): void {
  capture.refunds?.sort((a, b) => a.created_at.getTime() - b.created_at.getTime() || a.id.localeCompare(b.id))
  capture.events?.sort(
    (a: CaptureEvent, b: CaptureEvent) => a.created_at.getTime() - b.created_at.getTime() || a.id.localeCompare(b.id)
  )
}
