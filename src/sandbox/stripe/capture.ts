/**
 * `POST /v1/payment_intents/:id/capture` (docs/gateways/stripe.md#capture and #multicapture).
 *
 * Without multicapture one capture, partial or full, releases the rest: the intent becomes
 * `succeeded`. With `multicapture.status: available` on the charge, `final_capture=false` keeps the
 * remainder authorized (`requires_capture`, `amount_capturable` reduced), up to 50 captures; a final
 * capture (the default) releases what is left, and `amount_to_capture=0` with `final_capture=true`
 * only releases. Stripe has no capture object: each capture shows on the charge (`amount_captured`)
 * and the intent (`amount_received`), and in the events it causes.
 */
import { json, type ApiResponse } from "../common/http"
import type { RequestRef, RouteContext } from "./context"
import { cardError, invalidRequest, unexpectedState } from "./errors"
import { emitEvent } from "./events"
import { applyMetadata } from "./form"
import { findIntent } from "./intents"
import { checkExpand, renderCharge, renderIntent } from "./render"
import type { IntentRecord, StripeSandboxState } from "./state"

/** "Stripe allows you to capture up to 50 times for a single PaymentIntent" (multicapture page). */
export const MAX_CAPTURES = 50

const multicaptureAvailable = (state: StripeSandboxState, intent: IntentRecord): boolean =>
  intent.captureMethod === "manual" && state.charges.get(intent.latestCharge ?? "")?.multicapture === "available"

export function captureIntent(ctx: RouteContext): ApiResponse {
  const { params, state } = ctx
  const intent = findIntent(ctx)
  const requested = params.integer("amount_to_capture", { min: 0 })
  const finalParam = params.boolean("final_capture")
  const metadataPatch = params.metadata()
  const expand = checkExpand("payment_intent", params.expand())
  params.done()
  const metadata = applyMetadata(intent.metadata, metadataPatch)

  if (intent.status !== "requires_capture") {
    if (intent.status === "canceled" && intent.cancellationReason === "expired") {
      throw invalidRequest("The charge cannot be captured as the authorization has expired.", { code: "charge_expired_for_capture" })
    }
    throw unexpectedState("captured", intent.status, ["requires_capture"])
  }
  const final = finalParam ?? true
  if (!final && !multicaptureAvailable(state, intent)) {
    throw invalidRequest("final_capture=false can only be used when multicapture is available for this PaymentIntent.", {
      code: "payment_intent_invalid_parameter",
      param: "final_capture",
    })
  }
  const amount = requested ?? intent.amountCapturable
  if (amount > intent.amountCapturable) {
    throw invalidRequest(
      `The payment could not be captured because the requested capture amount (${amount}) is greater than the amount you can capture for this charge (${intent.amountCapturable}).`,
      { code: "amount_too_large", param: "amount_to_capture" }
    )
  }
  if (amount === 0 && !(final && intent.amountReceived > 0)) {
    throw invalidRequest("amount_to_capture must be greater than 0, except to release the rest of a partially captured PaymentIntent with final_capture=true.", {
      code: "amount_too_small",
      param: "amount_to_capture",
    })
  }
  if (amount > 0 && intent.captures >= MAX_CAPTURES) {
    throw invalidRequest(`A PaymentIntent can be captured at most ${MAX_CAPTURES} times; release the rest with amount_to_capture=0 and final_capture=true.`, {
      code: "payment_intent_unexpected_state",
    })
  }
  if (amount > 0 && state.take("declineNextCaptures")) {
    throw cardError("Your card was declined.", {
      code: "card_declined",
      decline_code: "generic_decline",
      payment_intent: renderIntent(state, intent),
      charge: intent.latestCharge ?? undefined,
    })
  }
  intent.metadata = metadata
  if (amount > 0 && state.take("pendNextCaptures")) {
    // A capture whose outcome arrives later: `processing` now, applied (with its events) after the delay.
    intent.status = "processing"
    emitEvent(state, intent.mode, "payment_intent.processing", renderIntent(state, intent), { request: ctx.request })
    state.effects.setTimer(() => {
      // A reset in between forgets the intent: nothing is left to settle.
      if (state.intents.get(intent.id) === intent) applyCapture(state, intent, amount, final, ctx.request)
    }, state.config.captureSettleDelayMs)
  } else {
    applyCapture(state, intent, amount, final, ctx.request)
  }
  return json(200, renderIntent(state, intent, expand))
}

/** Applies a capture and emits what Stripe documents for it (multicapture page, Webhooks). */
export function applyCapture(state: StripeSandboxState, intent: IntentRecord, amount: number, final: boolean, request: RequestRef): void {
  const charge = state.charges.get(intent.latestCharge!)!
  const multicapture = multicaptureAvailable(state, intent)
  const previousCapturable = intent.amountCapturable
  const previousCaptured = charge.amountCaptured
  charge.amountCaptured += amount
  intent.amountReceived += amount
  const remaining = previousCapturable - amount
  const finished = final || remaining === 0
  if (amount > 0) {
    intent.captures += 1
    state.captureLog.push({
      paymentIntent: intent.id,
      charge: charge.id,
      amount,
      final: finished,
      idempotencyKey: request?.idempotencyKey ?? null,
      created: state.clock.nowSeconds(),
    })
  }
  intent.amountCapturable = finished ? 0 : remaining
  intent.status = finished ? "succeeded" : "requires_capture"
  if (finished) charge.captured = true

  const emit = (type: Parameters<typeof emitEvent>[2], object: Record<string, unknown>, previous: Record<string, unknown>) =>
    emitEvent(state, intent.mode, type, object, { request, previous })
  if (multicapture) {
    // "a charge.updated webhook each time you capture"; amount_capturable_updated "on every capture".
    if (amount > 0) emit("charge.updated", renderCharge(state, charge), { amount_captured: previousCaptured })
    emit("payment_intent.amount_capturable_updated", renderIntent(state, intent), { amount_capturable: previousCapturable })
  }
  if (finished) {
    // "charge.captured … for final captures"; `captured` becomes true only then.
    emit("charge.captured", renderCharge(state, charge), { amount_captured: previousCaptured, captured: false })
    emitEvent(state, intent.mode, "payment_intent.succeeded", renderIntent(state, intent), { request })
  }
}
