/**
 * Refunds (docs/gateways/stripe.md#refunds): `POST /v1/refunds` by `payment_intent` or `charge`,
 * `GET /v1/refunds/:id`, `GET /v1/refunds?payment_intent=…|charge=…` (newest first). A refund is
 * against the charge, so on a multicapture intent it is not tied to any one capture: it is bounded
 * by what was captured minus what was refunded ("amount_received − amount_refunded").
 */
import { json, type ApiResponse } from "../common/http"
import type { RequestRef, RouteContext } from "./context"
import { badParam, invalidRequest, parameterMissing, resourceMissing } from "./errors"
import { emitEvent } from "./events"
import { applyMetadata } from "./form"
import { stripeId } from "./ids"
import { paginate } from "./pagination"
import { checkExpand, renderCharge, renderList, renderRefund } from "./render"
import type { ChargeRecord, IntentRecord, RefundRecord, RefundStatus, StripeSandboxState } from "./state"

const REASONS = ["duplicate", "fraudulent", "requested_by_customer"] as const

function lookups(ctx: RouteContext): { intent?: IntentRecord; charge?: ChargeRecord } {
  const { params, state, mode } = ctx
  const intentId = params.string("payment_intent")
  const chargeId = params.string("charge")
  const intent = intentId === undefined ? undefined : state.intents.get(intentId)
  const charge = chargeId === undefined ? undefined : state.charges.get(chargeId)
  if (intentId !== undefined && (!intent || intent.mode !== mode)) throw resourceMissing("payment_intent", intentId, "payment_intent", intent?.mode)
  if (chargeId !== undefined && (!charge || charge.mode !== mode)) throw resourceMissing("charge", chargeId, "charge", charge?.mode)
  return { intent, charge }
}

export function createRefund(ctx: RouteContext): ApiResponse {
  const { params, state } = ctx
  const found = lookups(ctx)
  const requested = params.integer("amount", { min: 1 })
  const reason = params.enumOf("reason", REASONS)
  const metadata = applyMetadata({}, params.metadata())
  const expand = checkExpand("refund", params.expand())
  params.done()
  if (!found.intent && !found.charge) throw parameterMissing("payment_intent")
  if (found.intent && found.charge && found.charge.paymentIntent !== found.intent.id) {
    throw badParam(`The charge ${found.charge.id} does not belong to the PaymentIntent ${found.intent.id}.`, "charge")
  }

  const charge = found.charge ?? (found.intent?.latestCharge ? state.charges.get(found.intent.latestCharge) : undefined)
  if (!charge || charge.status !== "succeeded") {
    throw invalidRequest(`This PaymentIntent (${found.intent?.id}) does not have a successful charge to refund.`, { param: "payment_intent" })
  }
  const intent = state.intents.get(charge.paymentIntent)!
  if (charge.amountCaptured === 0 && intent.status === "canceled") {
    throw invalidRequest(`PaymentIntent ${intent.id} was canceled without capturing anything; there is nothing to refund.`)
  }
  if (charge.amountCaptured === 0) {
    throw invalidRequest(
      `This uncaptured Charge was created by a PaymentIntent (${charge.paymentIntent}). You must cancel the PaymentIntent to reverse the authorization instead of refunding the Charge directly.`
    )
  }
  const refundable = charge.amountCaptured - state.amountRefunded(charge)
  if (refundable <= 0) throw invalidRequest(`Charge ${charge.id} has already been refunded.`, { code: "charge_already_refunded" })
  const amount = requested ?? refundable
  if (amount > refundable) {
    throw invalidRequest(`Refund amount (${amount}) is greater than unrefunded amount on charge (${refundable})`, { code: "amount_too_large", param: "amount" })
  }

  const previousRefunded = state.amountRefunded(charge)
  const refund: RefundRecord = {
    id: stripeId("re_"),
    mode: charge.mode,
    charge: charge.id,
    paymentIntent: charge.paymentIntent,
    amount,
    currency: charge.currency,
    created: ctx.now,
    status: "succeeded",
    reason: reason ?? null,
    metadata,
    failureReason: null,
  }
  state.refunds.set(refund.id, refund)
  charge.refundIds.push(refund.id)
  scheduleOutcome(state, refund, charge)
  emitEvent(state, refund.mode, "refund.created", renderRefund(state, refund), { request: ctx.request })
  emitEvent(state, refund.mode, "charge.refunded", renderCharge(state, charge), { request: ctx.request, previous: { amount_refunded: previousRefunded } })
  return json(200, renderRefund(state, refund, expand))
}

/**
 * Where the refund goes from here: controls first (`pendNextRefunds`: pending until settled by
 * hand; `failNextRefunds`: pending, then failed), then the test card (pm_card_pendingRefund:
 * pending then succeeded; pm_card_refundFail: succeeded then failed, expired_or_canceled_card).
 */
function scheduleOutcome(state: StripeSandboxState, refund: RefundRecord, charge: ChargeRecord): void {
  const later = (status: RefundStatus, failureReason: string | null): void =>
    state.effects.setTimer(() => {
      if (state.refunds.get(refund.id) === refund) settleRefund(state, refund, status, failureReason, null)
    }, state.config.refundSettleDelayMs)
  if (state.take("pendNextRefunds")) {
    refund.status = "pending"
  } else if (state.take("failNextRefunds")) {
    refund.status = "pending"
    later("failed", "declined")
  } else if (charge.card.behaviour.kind === "authorize" && charge.card.behaviour.refunds === "pending_then_succeed") {
    refund.status = "pending"
    later("succeeded", null)
  } else if (charge.card.behaviour.kind === "authorize" && charge.card.behaviour.refunds === "succeed_then_fail") {
    later("failed", "expired_or_canceled_card")
  }
}

/** A refund changes status: `refund.updated`, `charge.refund.updated` (and `refund.failed`). */
export function settleRefund(state: StripeSandboxState, refund: RefundRecord, status: RefundStatus, failureReason: string | null, request: RequestRef): void {
  const previous = { status: refund.status }
  refund.status = status
  refund.failureReason = status === "failed" ? (failureReason ?? "unknown") : null
  const rendered = renderRefund(state, refund)
  emitEvent(state, refund.mode, "refund.updated", rendered, { request, previous })
  emitEvent(state, refund.mode, "charge.refund.updated", rendered, { request, previous })
  if (status === "failed") emitEvent(state, refund.mode, "refund.failed", rendered, { request })
}

export function retrieveRefund(ctx: RouteContext): ApiResponse {
  const refund = ctx.state.refunds.get(ctx.path.id)
  if (!refund || refund.mode !== ctx.mode) throw resourceMissing("refund", ctx.path.id, "id", refund?.mode)
  const expand = checkExpand("refund", ctx.params.expand())
  ctx.params.done()
  return json(200, renderRefund(ctx.state, refund, expand))
}

export function listRefunds(ctx: RouteContext): ApiResponse {
  const { state, params } = ctx
  const { intent, charge } = lookups(ctx)
  const expand = checkExpand("refund", params.expand(), true)
  const all = [...state.refunds.values()]
    .filter((r) => r.mode === ctx.mode && (!intent || r.paymentIntent === intent.id) && (!charge || r.charge === charge.id))
    .reverse()
  const page = paginate(all, params, "refund")
  params.done()
  return json(200, renderList("/v1/refunds", page.data.map((r) => renderRefund(state, r, expand)), page.hasMore))
}
