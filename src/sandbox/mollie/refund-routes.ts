/**
 * The refund handlers of the Mollie simulator (contract: server.ts, "Refunds"): synchronous like
 * every handler; a refund settles later through `state.effects`.
 */
import type { ApiResponse } from "../common/http"
import { canonicalJson } from "../common/http"
import { MollieApiError, hal, unprocessable } from "./errors"
import { renderPage, renderRefund, visibleRefunds } from "./render"
import { findPayment, findRefund, formatted, pageOf, type RouteContext } from "./route-context"
import { mollieId, type MollieSandboxState, type RefundRecord } from "./state"
import * as v from "./validate"

export function createRefund(ctx: RouteContext): ApiResponse {
  const { state, body, now } = ctx
  const payment = findPayment(ctx)
  // create-refund's reference marks amount, description (at most 255 characters; unlike a
  // payment's, not documented as truncated) and metadata (may be null) as required.
  const amount = v.parseAmount(body.amount, "amount", { required: true, currency: payment.currency })!.amount
  const description = v.requiredString(body, "description", { maxLength: 255, overLength: "reject" })
  const metadata = v.metadata(body, { required: true })

  const refundable = state.refundable(payment)
  if (refundable <= 0) throw unprocessable(`The payment has nothing that can be refunded (status ${payment.status}).`)
  if (amount > refundable) {
    throw unprocessable(`The amount is higher than the amount that can still be refunded (${formatted(refundable, payment.currency)}).`, "amount")
  }
  // "Two identical refund requests were submitted on the same payment in short succession" (create-refund's 409).
  const fingerprint = canonicalJson({ amount, description, metadata })
  const window = state.config.duplicateRefundWindowMs
  if (state.refundsOf(payment).some((r) => r.status !== "canceled" && r.fingerprint === fingerprint && now - r.createdAt <= window)) {
    throw new MollieApiError(409, "A duplicate refund has been detected")
  }

  const refund: RefundRecord = {
    id: mollieId("re_"),
    mode: payment.mode,
    paymentId: payment.id,
    amount,
    currency: payment.currency,
    description,
    metadata,
    status: "queued",
    createdAt: now,
    fingerprint,
    willFail: state.takeRefundFailure(),
  }
  state.refunds.set(refund.id, refund)
  payment.refundIds.push(refund.id)
  state.effects.setTimer(() => settleRefund(state, refund.id), state.config.refundDelayMs)
  return hal(201, renderRefund(refund, ctx.base))
}

export function settleRefund(state: MollieSandboxState, refundId: string): void {
  const refund = state.refunds.get(refundId)
  if (!refund || (refund.status !== "queued" && refund.status !== "pending")) return
  refund.status = refund.willFail ? "failed" : "refunded"
  state.effects.webhook(state.payments.get(refund.paymentId)!, refund.status === "failed" ? "refund.failed" : "refund.refunded")
}

export function getRefund(ctx: RouteContext): ApiResponse {
  const payment = findPayment(ctx)
  return hal(200, renderRefund(findRefund(ctx, payment), ctx.base))
}

export function listRefunds(ctx: RouteContext): ApiResponse {
  const payment = findPayment(ctx)
  const refunds = visibleRefunds(ctx.state, payment)
  const page = pageOf(ctx, refunds.map((r) => r.id), `${ctx.base}/v2/payments/${payment.id}/refunds`)
  return hal(200, renderPage("refunds", refunds, (r) => renderRefund(r, ctx.base), page))
}

/**
 * 204; "only … while its status field is either queued or pending" (cancel-refund). The
 * reference documents no answer for other statuses; the simulator refuses with a 422.
 */
export function cancelRefund(ctx: RouteContext): ApiResponse {
  const payment = findPayment(ctx)
  const refund = findRefund(ctx, payment)
  if (refund.status !== "queued" && refund.status !== "pending") {
    throw unprocessable(`The refund is ${refund.status}; a refund can only be canceled while it is queued or pending.`)
  }
  refund.status = "canceled"
  return { status: 204, body: "" }
}
