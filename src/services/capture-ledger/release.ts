import { captureRefundBalance, formatMoney, type PaymentTotals } from "../../domain"
import type { RegisteredGateway } from "../../gateways/registry"
import { closeForRelease, reopenAfterRefusedRelease, syncCoreView } from "../ledger/authorization"
import { ledgerErrors } from "../ledger/errors"
import { recordEvent, type Actor } from "../ledger/events"
import { patchFromError } from "../ledger/outcome"
import { lockPayment, type LockedPayment } from "../ledger/payment-lock"
import type { LedgerContext } from "./context"
import type { CaptureReads } from "./reads"
import type { CaptureRefunds } from "./refunds"
import { assertAuthorized, paymentRef } from "./rows"

export type CancelOutcome = { ok: true } | { ok: false; code: string; message: string }

/**
 * Letting go of what is left of an authorization: the operator's release
 * after partial captures, and Medusa's cancel. The authorization is closed
 * first under the payment's lock, so no capture can start while the gateway
 * is asked.
 */
export class AuthorizationRelease {
  constructor(
    private readonly ctx: LedgerContext,
    private readonly reads: CaptureReads,
    private readonly refunds: CaptureRefunds
  ) {}

  /**
   * Releases what is left of a payment's authorization at the gateway, once
   * something was captured; then Medusa's payment is brought down to what was
   * captured. A refusal by the gateway opens the authorization again; an
   * unclear answer leaves it closed (nothing more is captured; the gateway
   * lets the rest lapse at the latest when the authorization expires).
   */
  async releaseAuthorization(
    paymentId: string,
    actor: Actor
  ): Promise<{ released: number; totals: PaymentTotals; currency_code: string }> {
    const ctx = this.ctx
    const prepared = await ctx.write(async (m) => {
      const payment = await lockPayment(m, paymentId)
      const registered = ctx.requireGateway(payment)
      assertAuthorized(payment)
      const totals = await ctx.totalsOf(m, payment)
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
      await recordEvent(m, { payment_id: payment.id, type: "authorization.release_requested", actor, data: { amount: left } })
      return { payment, registered, amount: left }
    })
    if (!prepared) return { released: 0, ...(await this.reads.paymentTotals(paymentId)) }

    const { payment, registered, amount } = prepared
    let outcome: "released" | "unresolved" = "released"
    try {
      await registered.gateway.cancel(paymentRef(payment), `release_${payment.id}`)
    } catch (err) {
      const patch = patchFromError(err)
      ctx.logger?.warn(`captures: release of payment ${payment.id} at ${registered.providerId}: ${patch.message}`)
      if (patch.status === "failed") {
        await ctx.write(async (m) => {
          await lockPayment(m, payment.id)
          await reopenAfterRefusedRelease(m, payment.id)
          await recordEvent(m, { payment_id: payment.id, type: "authorization.release_failed", actor, data: { message: patch.message } })
        })
        throw err
      }
      outcome = "unresolved"
    }
    await ctx.write(async (m) => {
      await lockPayment(m, payment.id)
      const type = outcome === "released" ? "authorization.released" : "authorization.release_unresolved"
      await recordEvent(m, { payment_id: payment.id, type, actor, data: { amount } })
      await syncCoreView(m, payment.id, payment.order_id)
    })
    return { released: amount, ...(await this.reads.paymentTotals(payment.id)) }
  }

  /**
   * Medusa's cancel of a payment (cancelling an order, a swap, a claim): what
   * is uncaptured is released at the gateway. A payment that still holds
   * captured money is not canceled: Medusa would show a canceled order while
   * the shopper's money stays taken. The operator refunds it first (Medusa's
   * refund route, or the plugin's), then cancels — or turns on
   * `refundOnCancel`, and the cancel refunds it through the ledger.
   */
  async cancelForMedusa(paymentId: string, actor: Actor): Promise<CancelOutcome> {
    const ctx = this.ctx
    const refundOnCancel = ctx.options.refundOnCancel
    if (refundOnCancel) await this.refundHeldForCancel(paymentId)
    type Decided = { refused: { code: string; message: string } } | { payment: LockedPayment; registered: RegisteredGateway; amount: number }
    const decided = await ctx.write(async (m): Promise<Decided> => {
      const payment = await lockPayment(m, paymentId)
      const registered = ctx.requireGateway(payment)
      const totals = await ctx.totalsOf(m, payment)
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
          refused: refundOnCancel
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
    if ("refused" in decided) return { ok: false, ...decided.refused }
    const { payment, registered, amount } = decided
    const ref = paymentRef(payment)
    try {
      await registered.gateway.cancel(ref, `cancel_${ref}`)
    } catch (err) {
      const patch = patchFromError(err)
      await ctx.write(async (m) => {
        await lockPayment(m, payment.id)
        if (patch.status === "failed") await reopenAfterRefusedRelease(m, payment.id)
        await recordEvent(m, { payment_id: payment.id, type: "authorization.release_failed", actor, data: { message: patch.message, canceled: true } })
      })
      throw err
    }
    await ctx.write(async (m) => {
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
    for (const capture of await this.reads.listForPayment(paymentId)) {
      const balance = captureRefundBalance({ status: capture.status, amount: capture.amount, refunds: capture.refunds ?? [] })
      if (balance === 0) continue
      await this.refunds.refundCapture(capture.id, {
        amount: balance,
        reason: "other",
        note: "Refunded when the order was canceled",
        idempotency_key: `cancel_refund_${capture.id}_${balance}`,
        actor,
      })
    }
  }
}
