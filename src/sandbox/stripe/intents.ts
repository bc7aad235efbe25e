/**
 * PaymentIntent endpoints (docs/gateways/stripe.md#paymentintents): create, retrieve, update,
 * confirm and cancel. Each handler reads and checks all of its parameters first (a refusal then
 * is a validation error, never stored for idempotent replay), then acts in one synchronous step.
 */
import { json, type ApiResponse } from "../common/http"
import { attemptPayment } from "./authorize"
import type { RouteContext } from "./context"
import { badParam, invalidRequest, resourceMissing, unexpectedState } from "./errors"
import { emitEvent } from "./events"
import { applyMetadata } from "./form"
import { clientSecret, stripeId } from "./ids"
import * as p from "./intent-params"
import { checkExpand, renderIntent } from "./render"
import type { IntentRecord, IntentStatus } from "./state"

export function findIntent(ctx: RouteContext): IntentRecord {
  const intent = ctx.state.intents.get(ctx.path.id)
  if (!intent || intent.mode !== ctx.mode) throw resourceMissing("payment_intent", ctx.path.id, "intent", intent?.mode)
  return intent
}

const respond = (ctx: RouteContext, intent: IntentRecord, expand: Set<string>): ApiResponse =>
  json(200, renderIntent(ctx.state, intent, expand))

const CONFIRMABLE: readonly IntentStatus[] = ["requires_payment_method", "requires_confirmation", "requires_action"]
const CANCELABLE: readonly IntentStatus[] = ["requires_payment_method", "requires_capture", "requires_confirmation", "requires_action", "processing"]
const CANCELLATION_REASONS = ["duplicate", "fraudulent", "requested_by_customer", "abandoned"] as const

export function createIntent(ctx: RouteContext): ApiResponse {
  const { params, state } = ctx
  const currency = p.readCurrency(params, true)!
  const amount = p.readAmount(params, currency, true)!
  const captureMethod = params.enumOf("capture_method", p.CAPTURE_METHODS) ?? "automatic_async"
  const confirm = params.boolean("confirm") ?? false
  const paymentMethod = p.readPaymentMethod(ctx, params)
  const types = p.readPaymentMethodTypes(ctx, params)
  const apm = p.readAutomaticPaymentMethods(params)
  if (types && apm) {
    const other = types.allowed ? "allowed_payment_method_types" : "payment_method_types"
    throw badParam(`You may only specify one of these parameters: automatic_payment_methods, ${other}.`, "automatic_payment_methods", "parameters_exclusive")
  }
  const options = p.readCardOptions(params)
  const metadata = applyMetadata({}, params.metadata())
  const description = params.string("description", { maxLength: 1000 })
  const returnUrl = p.readReturnUrl(params)
  if (returnUrl !== undefined && !confirm) throw badParam("return_url can only be specified when confirm is true.", "return_url")
  const receiptEmail = params.string("receipt_email")
  const suffix = params.string("statement_descriptor_suffix", { maxLength: 22 })
  const expand = checkExpand("payment_intent", params.expand())
  params.done()

  const id = stripeId("pi_")
  const intent: IntentRecord = {
    id,
    mode: ctx.mode,
    created: ctx.now,
    amount,
    currency,
    captureMethod,
    status: paymentMethod ? "requires_confirmation" : "requires_payment_method",
    paymentMethod: paymentMethod ?? null,
    paymentMethodTypes: types?.effective ?? null,
    allowedPaymentMethodTypes: types?.allowed ?? null,
    allowRedirects: apm?.allowRedirects ?? "always",
    requestMulticapture: options?.requestMulticapture ?? null,
    metadata,
    description: description || null,
    receiptEmail: receiptEmail || null,
    statementDescriptorSuffix: suffix || null,
    returnUrl: returnUrl ?? null,
    clientSecret: clientSecret(id),
    amountCapturable: 0,
    amountReceived: 0,
    latestCharge: null,
    lastPaymentError: null,
    nextAction: null,
    canceledAt: null,
    cancellationReason: null,
    captures: 0,
  }
  if (confirm) {
    if (!paymentMethod) throw badParam("You must provide a payment_method when confirm is true.", "payment_method", "parameter_missing")
    p.requireReturnUrl(intent)
  }
  state.intents.set(id, intent)
  emitEvent(state, ctx.mode, "payment_intent.created", renderIntent(state, intent), { request: ctx.request })
  if (confirm) attemptPayment(state, intent, ctx)
  return respond(ctx, intent, expand)
}

export function retrieveIntent(ctx: RouteContext): ApiResponse {
  const intent = findIntent(ctx)
  const expand = checkExpand("payment_intent", ctx.params.expand())
  ctx.params.done()
  return respond(ctx, intent, expand)
}

/**
 * Amount, currency, payment method, capture method and options change only before the payment is
 * attempted; metadata and description at any time. "Updating the payment_method always requires
 * you to confirm the PaymentIntent again"; any update clears `last_payment_error`.
 */
export function updateIntent(ctx: RouteContext): ApiResponse {
  const { params } = ctx
  const intent = findIntent(ctx)
  const currency = p.readCurrency(params, false)
  const amount = p.readAmount(params, currency ?? intent.currency, false)
  const captureMethod = params.enumOf("capture_method", p.CAPTURE_METHODS)
  const paymentMethod = p.readPaymentMethod(ctx, params)
  const types = p.readPaymentMethodTypes(ctx, params)
  const options = p.readCardOptions(params)
  const metadataPatch = params.metadata()
  const description = params.string("description", { maxLength: 1000 })
  const receiptEmail = params.string("receipt_email")
  const suffix = params.string("statement_descriptor_suffix", { maxLength: 22 })
  const expand = checkExpand("payment_intent", params.expand())
  params.done()
  const metadata = applyMetadata(intent.metadata, metadataPatch)

  const paymentChange = [currency, amount, captureMethod, paymentMethod, types, options].some((v) => v !== undefined)
  if (paymentChange && !CONFIRMABLE.includes(intent.status)) throw unexpectedState("updated", intent.status, CONFIRMABLE)
  if (currency !== undefined) intent.currency = currency
  if (amount !== undefined) intent.amount = amount
  if (captureMethod !== undefined) intent.captureMethod = captureMethod
  if (types !== undefined) {
    intent.paymentMethodTypes = types.effective
    intent.allowedPaymentMethodTypes = types.allowed
  }
  if (options?.requestMulticapture !== undefined) intent.requestMulticapture = options.requestMulticapture
  if (paymentMethod !== undefined) {
    intent.paymentMethod = paymentMethod
    intent.status = "requires_confirmation"
    intent.nextAction = null
  }
  intent.metadata = metadata
  if (description !== undefined) intent.description = description || null
  if (receiptEmail !== undefined) intent.receiptEmail = receiptEmail || null
  if (suffix !== undefined) intent.statementDescriptorSuffix = suffix || null
  intent.lastPaymentError = null
  return respond(ctx, intent, expand)
}

export function confirmIntent(ctx: RouteContext): ApiResponse {
  const { params, state } = ctx
  const intent = findIntent(ctx)
  const paymentMethod = p.readPaymentMethod(ctx, params)
  const returnUrl = p.readReturnUrl(params)
  const options = p.readCardOptions(params)
  const captureMethod = params.enumOf("capture_method", p.CAPTURE_METHODS)
  const receiptEmail = params.string("receipt_email")
  const expand = checkExpand("payment_intent", params.expand())
  params.done()

  if (!CONFIRMABLE.includes(intent.status)) throw unexpectedState("confirmed", intent.status, CONFIRMABLE)
  if (!paymentMethod && !intent.paymentMethod) {
    throw invalidRequest("You cannot confirm this PaymentIntent because it's missing a payment method. Update it with a payment_method or pass one when confirming.", {
      code: "payment_intent_unexpected_state",
    })
  }
  p.requireReturnUrl({ ...intent, returnUrl: returnUrl ?? intent.returnUrl })
  if (paymentMethod) intent.paymentMethod = paymentMethod
  if (returnUrl !== undefined) intent.returnUrl = returnUrl
  if (options?.requestMulticapture !== undefined) intent.requestMulticapture = options.requestMulticapture
  if (captureMethod !== undefined) intent.captureMethod = captureMethod
  if (receiptEmail !== undefined) intent.receiptEmail = receiptEmail || null
  attemptPayment(state, intent, ctx)
  return respond(ctx, intent, expand)
}

/**
 * Cancel (https://docs.stripe.com/api/payment_intents/cancel). An authorized intent's hold is
 * released; since 2025-03-31.basil that creates no Refund and touches neither `amount_refunded`
 * nor `refunded` of the charge (docs/gateways/stripe.md#cancel). A multicapture intent with
 * captures is not cancelable here: Stripe releases the rest with a final capture of 0.
 */
export function cancelIntent(ctx: RouteContext): ApiResponse {
  const { params, state } = ctx
  const intent = findIntent(ctx)
  const reason = params.enumOf("cancellation_reason", CANCELLATION_REASONS)
  const expand = checkExpand("payment_intent", params.expand())
  params.done()

  if (!CANCELABLE.includes(intent.status) || intent.status === "processing") throw unexpectedState("canceled", intent.status, CANCELABLE)
  if (intent.amountReceived > 0) {
    throw invalidRequest(
      "This PaymentIntent has captured funds and cannot be canceled. Release the rest of the authorization with a final capture (amount_to_capture=0, final_capture=true) instead.",
      { code: "payment_intent_unexpected_state" }
    )
  }
  intent.status = "canceled"
  intent.amountCapturable = 0
  intent.canceledAt = ctx.now
  intent.cancellationReason = reason ?? null
  intent.nextAction = null
  emitEvent(state, ctx.mode, "payment_intent.canceled", renderIntent(state, intent), { request: ctx.request })
  return respond(ctx, intent, expand)
}
