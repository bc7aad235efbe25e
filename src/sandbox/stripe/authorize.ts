/**
 * One payment attempt of a confirmed intent with a test card (docs/gateways/stripe.md#confirming):
 * an authorization creates a charge (uncaptured for `capture_method=manual`, with `capture_before`),
 * a decline creates a failed charge and answers 402, a 3D Secure card stops at `requires_action`
 * until `POST /__control/authenticate` plays the customer's part.
 */
import type { RequestRef } from "./context"
import { cardError, docUrl, invalidRequest } from "./errors"
import { emitEvent } from "./events"
import { stripeId } from "./ids"
import { renderCharge, renderIntent } from "./render"
import type { ChargeRecord, IntentRecord, StripeSandboxState } from "./state"
import { testCard, type TestCard } from "./test-cards"

/** The URL a customer would be sent to for 3D Secure: here, this simulator's control route. */
export const authenticateUrl = (base: string, intentId: string): string => `${base}/__control/authenticate?payment_intent=${intentId}`

const paymentMethodSummary = (id: string, card: TestCard) => ({
  id,
  object: "payment_method",
  card: { brand: card.brand, funding: card.funding, last4: card.last4 },
  type: "card",
})

function newCharge(state: StripeSandboxState, intent: IntentRecord, card: TestCard, status: ChargeRecord["status"]): ChargeRecord {
  const charge: ChargeRecord = {
    id: stripeId("ch_"),
    mode: intent.mode,
    paymentIntent: intent.id,
    paymentMethod: intent.paymentMethod!,
    card,
    created: state.clock.nowSeconds(),
    amount: intent.amount,
    currency: intent.currency,
    status,
    captured: false,
    amountCaptured: 0,
    multicapture: intent.requestMulticapture === "if_available" ? (card.multicapture ? "available" : "unavailable") : null,
    captureBefore: null,
    failureCode: null,
    failureMessage: null,
    declineCode: null,
    threeDSecure: false,
    metadata: { ...intent.metadata },
    description: intent.description,
    refundIds: [],
  }
  state.charges.set(charge.id, charge)
  intent.latestCharge = charge.id
  return charge
}

/** Runs the attempt; mutates the intent, emits the events, throws the 402 of a decline. */
export function attemptPayment(state: StripeSandboxState, intent: IntentRecord, ctx: { base: string; request: RequestRef; authenticated?: boolean }): void {
  const card = testCard(intent.paymentMethod!)!
  const emit = (type: Parameters<typeof emitEvent>[2], object: Record<string, unknown>) =>
    emitEvent(state, intent.mode, type, object, { request: ctx.request })
  const behaviour = card.behaviour

  if (behaviour.kind === "authenticate" && !ctx.authenticated) {
    const url = authenticateUrl(ctx.base, intent.id)
    intent.status = "requires_action"
    intent.lastPaymentError = null
    intent.nextAction = intent.returnUrl
      ? { redirect_to_url: { return_url: intent.returnUrl, url }, type: "redirect_to_url" }
      : { type: "use_stripe_sdk", use_stripe_sdk: { stripe_js: url, type: "three_d_secure_redirect" } }
    emit("payment_intent.requires_action", renderIntent(state, intent))
    return
  }

  if (behaviour.kind === "decline") {
    const charge = newCharge(state, intent, card, "failed")
    Object.assign(charge, { failureCode: "card_declined", failureMessage: behaviour.message, declineCode: behaviour.declineCode })
    intent.status = "requires_payment_method"
    intent.nextAction = null
    intent.lastPaymentError = {
      charge: charge.id,
      code: "card_declined",
      decline_code: behaviour.declineCode,
      doc_url: docUrl("card_declined"),
      message: behaviour.message,
      payment_method: paymentMethodSummary(charge.paymentMethod, card),
      type: "card_error",
    }
    // After a failed attempt the intent waits for a new payment method.
    intent.paymentMethod = null
    emit("charge.failed", renderCharge(state, charge))
    const rendered = renderIntent(state, intent)
    emit("payment_intent.payment_failed", rendered)
    throw cardError(behaviour.message, { code: "card_declined", decline_code: behaviour.declineCode, payment_intent: rendered, charge: charge.id })
  }

  const charge = newCharge(state, intent, card, "succeeded")
  charge.threeDSecure = ctx.authenticated === true
  intent.nextAction = null
  intent.lastPaymentError = null
  if (intent.captureMethod === "manual") {
    charge.captureBefore = charge.created + state.config.authorizationWindowSeconds
    intent.status = "requires_capture"
    intent.amountCapturable = intent.amount
    emit("charge.succeeded", renderCharge(state, charge))
    emit("payment_intent.amount_capturable_updated", renderIntent(state, intent))
  } else {
    charge.captured = true
    charge.amountCaptured = intent.amount
    intent.status = "succeeded"
    intent.amountReceived = intent.amount
    emit("charge.succeeded", renderCharge(state, charge))
    emit("payment_intent.succeeded", renderIntent(state, intent))
  }
}

/** The customer's side of 3D Secure: `succeed` authorizes, `fail` sends the intent back to `requires_payment_method`. */
export function completeAuthentication(state: StripeSandboxState, intent: IntentRecord, outcome: "succeed" | "fail", base: string): void {
  if (intent.status !== "requires_action") {
    throw invalidRequest(`PaymentIntent ${intent.id} has a status of ${intent.status}; only requires_action can be authenticated.`, {
      code: "payment_intent_unexpected_state",
    })
  }
  if (outcome === "succeed") {
    attemptPayment(state, intent, { base, request: null, authenticated: true })
    return
  }
  const card = testCard(intent.paymentMethod!)!
  const message = "We are unable to authenticate your payment method. Please choose a different payment method and try again."
  intent.status = "requires_payment_method"
  intent.nextAction = null
  intent.lastPaymentError = {
    code: "payment_intent_authentication_failure",
    doc_url: docUrl("payment_intent_authentication_failure"),
    message,
    payment_method: paymentMethodSummary(intent.paymentMethod!, card),
    type: "invalid_request_error",
  }
  intent.paymentMethod = null
  emitEvent(state, intent.mode, "payment_intent.payment_failed", renderIntent(state, intent), { request: null })
}
