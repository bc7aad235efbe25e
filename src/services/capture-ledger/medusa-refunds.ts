import { captureRefundBalance, planOperationRefund, type RefundPart, type RefundPlan } from "../../domain"
import { CORE_REFUND_KEY_PREFIX, acknowledgedRefunds, claimForCore, leaveToLedger, operationParts, recordIfLeftAndDone } from "../ledger/core-refund-ops"
import { fromDomainError } from "../ledger/errors"
import type { Actor } from "../ledger/events"
import { lockPayment } from "../ledger/payment-lock"
import type { LedgerContext } from "./context"
import { validateAmount } from "./inputs"
import type { CaptureReads } from "./reads"
import type { CaptureRefunds } from "./refunds"

export type MedusaRefundOutcome =
  | { ok: true }
  | { ok: false; code: "refund_unresolved" | "refund_declined" | "refund_exceeds_captured" | "refund_recorded"; message: string }

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
export class MedusaRefunds {
  constructor(
    private readonly ctx: LedgerContext,
    private readonly reads: CaptureReads,
    private readonly refunds: CaptureRefunds
  ) {}

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
    const m = this.ctx.manager
    const key = `${CORE_REFUND_KEY_PREFIX}${amount}_after_${await acknowledgedRefunds(m, paymentId)}`
    const parts = () => operationParts(m, paymentId, key)
    const balances = async () =>
      (await this.reads.listForPayment(paymentId))
        .filter((c) => c.status === "succeeded")
        .sort((a, b) => b.created_at.getTime() - a.created_at.getTime() || b.id.localeCompare(a.id))
        .map((c) => ({ captureId: c.id, balance: captureRefundBalance({ status: c.status, amount: c.amount, refunds: c.refunds ?? [] }) }))

    // The hook holds the operation now: should it complete while we work, it is core's to record.
    const claim = await this.ctx.write(async (tm) => {
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
      this.ctx.write(async (tm) => {
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
          const { refund } = await this.refunds.refundCapture(part.captureId, {
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
      await this.ctx.write(async (tm) => {
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
}

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
