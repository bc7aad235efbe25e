/**
 * Wire objects of the Stripe simulator, field by field as the API reference (and the official
 * SDK's generated types, which come from Stripe's OpenAPI document) define payment_intent, charge,
 * refund, event and list (docs/gateways/stripe.md#objects). Each is a fresh object built from the
 * store. Fields the simulator does not model are present with the value Stripe gives an object
 * without them (mostly null), so a client reading them gets the documented type.
 */
import { badParam } from "./errors"
import type { ChargeRecord, EventRecord, IntentRecord, RefundRecord, StripeSandboxState } from "./state"

type Json = Record<string, unknown>

/** The expansions each object supports here; anything else is refused like Stripe refuses it. */
const EXPANDABLE: Record<"payment_intent" | "charge" | "refund", readonly string[]> = {
  payment_intent: ["latest_charge"],
  charge: ["payment_intent"],
  refund: ["charge", "payment_intent"],
}

export function checkExpand(object: keyof typeof EXPANDABLE, expand: string[], list = false): Set<string> {
  const out = new Set<string>()
  for (const path of expand) {
    const field = list ? path.replace(/^data\./, "") : path
    if ((list && !path.startsWith("data.")) || !EXPANDABLE[object].includes(field)) {
      throw badParam(`This property cannot be expanded (${path}).`, "expand")
    }
    out.add(field)
  }
  return out
}

const NO_ADDRESS = { city: null, country: null, line1: null, line2: null, postal_code: null, state: null }

export function renderIntent(state: StripeSandboxState, intent: IntentRecord, expand: Set<string> = new Set()): Json {
  const charge = intent.latestCharge ? state.charges.get(intent.latestCharge) : undefined
  const card: Json = { installments: null, mandate_options: null, network: null, request_three_d_secure: "automatic" }
  if (intent.requestMulticapture) card.request_multicapture = intent.requestMulticapture
  return {
    id: intent.id,
    object: "payment_intent",
    allowed_payment_method_types: intent.allowedPaymentMethodTypes ? [...intent.allowedPaymentMethodTypes] : null,
    amount: intent.amount,
    amount_capturable: intent.amountCapturable,
    amount_details: { tip: {} },
    amount_received: intent.amountReceived,
    application: null,
    application_fee_amount: null,
    automatic_payment_methods: intent.paymentMethodTypes ? null : { allow_redirects: intent.allowRedirects, enabled: true },
    canceled_at: intent.canceledAt,
    cancellation_reason: intent.cancellationReason,
    capture_method: intent.captureMethod,
    client_secret: intent.clientSecret,
    confirmation_method: "automatic",
    created: intent.created,
    currency: intent.currency,
    customer: null,
    customer_account: null,
    description: intent.description,
    excluded_payment_method_types: null,
    last_payment_error: intent.lastPaymentError,
    latest_charge: charge && expand.has("latest_charge") ? renderCharge(state, charge) : intent.latestCharge,
    livemode: intent.mode === "live",
    managed_payments: null,
    metadata: { ...intent.metadata },
    next_action: intent.nextAction,
    on_behalf_of: null,
    payment_method: intent.paymentMethod,
    payment_method_configuration_details: null,
    payment_method_options: { card },
    payment_method_types: intent.paymentMethodTypes ? [...intent.paymentMethodTypes] : ["card"],
    payment_record: null,
    processing: intent.status === "processing" ? { card: {}, type: "card" } : null,
    receipt_email: intent.receiptEmail,
    review: null,
    setup_future_usage: null,
    shipping: null,
    source: null,
    statement_descriptor: null,
    statement_descriptor_suffix: intent.statementDescriptorSuffix,
    status: intent.status,
    transfer_data: null,
    transfer_group: null,
  }
}

function outcome(charge: ChargeRecord): Json {
  const declined = charge.status === "failed"
  return {
    advice_code: null,
    network_advice_code: null,
    network_decline_code: null,
    network_status: declined ? "declined_by_network" : "approved_by_network",
    reason: declined ? charge.declineCode : null,
    risk_level: "normal",
    risk_score: 20,
    seller_message: declined ? "The bank did not return any further details with this decline." : "Payment complete.",
    type: declined ? "issuer_declined" : "authorized",
  }
}

function cardDetails(charge: ChargeRecord): Json {
  const ok = charge.status !== "failed"
  const card: Json = {
    amount_authorized: ok ? charge.amount : null,
    authorization_code: ok ? "123456" : null,
    brand: charge.card.brand,
  }
  if (charge.captureBefore !== null) card.capture_before = charge.captureBefore
  Object.assign(card, {
    checks: { address_line1_check: null, address_postal_code_check: null, cvc_check: "pass" },
    country: "US",
    // Visa and Mastercard only: 05 after 3D Secure, 07 for an unauthenticated online payment.
    electronic_commerce_indicator: charge.card.brand === "amex" || !ok ? null : charge.threeDSecure ? "05" : "07",
    exp_month: 12,
    exp_year: 2034,
    extended_authorization: { status: "disabled" },
    fingerprint: `sandbox${charge.card.last4}`,
    funding: charge.card.funding,
    incremental_authorization: { status: "unavailable" },
    installments: null,
    last4: charge.card.last4,
    mandate: null,
  })
  if (charge.multicapture) card.multicapture = { status: charge.multicapture }
  Object.assign(card, {
    network: charge.card.brand,
    network_token: { used: false },
    network_transaction_id: ok ? `sandbox${charge.id.slice(3, 15)}` : null,
    overcapture: { maximum_amount_capturable: charge.amount, status: "unavailable" },
    regulated_status: "unregulated",
    three_d_secure: charge.threeDSecure
      ? { authentication_flow: "challenge", electronic_commerce_indicator: "05", exemption_indicator: null, result: "authenticated", result_reason: null, transaction_id: null, version: "2.2.0" }
      : null,
    transaction_link_id: null,
    wallet: null,
  })
  return card
}

export function renderCharge(state: StripeSandboxState, charge: ChargeRecord, expand: Set<string> = new Set()): Json {
  const refunded = state.amountRefunded(charge)
  const intent = state.intents.get(charge.paymentIntent)
  return {
    id: charge.id,
    object: "charge",
    amount: charge.amount,
    amount_captured: charge.amountCaptured,
    amount_refunded: refunded,
    application: null,
    application_fee: null,
    application_fee_amount: null,
    balance_transaction: null,
    billing_details: { address: NO_ADDRESS, email: null, name: null, phone: null, tax_id: null },
    calculated_statement_descriptor: null,
    captured: charge.captured,
    created: charge.created,
    currency: charge.currency,
    customer: null,
    description: charge.description,
    disputed: false,
    failure_balance_transaction: null,
    failure_code: charge.failureCode,
    failure_message: charge.failureMessage,
    fraud_details: {},
    livemode: charge.mode === "live",
    metadata: { ...charge.metadata },
    on_behalf_of: null,
    outcome: outcome(charge),
    paid: charge.status === "succeeded",
    payment_intent: intent && expand.has("payment_intent") ? renderIntent(state, intent) : charge.paymentIntent,
    payment_method: charge.paymentMethod,
    payment_method_details: { card: cardDetails(charge), type: "card" },
    receipt_email: null,
    receipt_number: null,
    receipt_url: null,
    // "If the charge is only partially refunded, this attribute will still be false"; with
    // multicapture it waits for the final capture (charge.captured).
    refunded: charge.captured && charge.amountCaptured > 0 && refunded >= charge.amountCaptured,
    review: null,
    shipping: null,
    source: null,
    source_transfer: null,
    statement_descriptor: null,
    statement_descriptor_suffix: null,
    status: charge.status,
    transfer_data: null,
    transfer_group: null,
  }
}

export function renderRefund(state: StripeSandboxState, refund: RefundRecord, expand: Set<string> = new Set()): Json {
  const charge = state.charges.get(refund.charge)!
  const intent = state.intents.get(refund.paymentIntent)
  const out: Json = {
    id: refund.id,
    object: "refund",
    amount: refund.amount,
    balance_transaction: null,
    charge: expand.has("charge") ? renderCharge(state, charge) : refund.charge,
    created: refund.created,
    currency: refund.currency,
    customer: null,
    customer_account: null,
    destination_details: { card: { type: "refund" }, type: "card" },
  }
  if (refund.status === "failed") out.failure_reason = refund.failureReason
  Object.assign(out, {
    metadata: { ...refund.metadata },
    payment_intent: intent && expand.has("payment_intent") ? renderIntent(state, intent) : refund.paymentIntent,
    payment_method: charge.paymentMethod,
  })
  if (refund.status === "pending") out.pending_reason = "processing"
  Object.assign(out, {
    reason: refund.reason,
    receipt_number: null,
    source_transfer_reversal: null,
    status: refund.status,
    transfer_reversal: null,
  })
  return out
}

export function renderEvent(event: EventRecord): Json {
  const data: Json = { object: event.object }
  if (event.previousAttributes) data.previous_attributes = event.previousAttributes
  return {
    id: event.id,
    object: "event",
    api_version: event.apiVersion,
    created: event.created,
    data,
    livemode: event.mode === "live",
    pending_webhooks: event.pendingWebhooks,
    request: { ...event.request },
    type: event.type,
  }
}

export function renderList(url: string, data: unknown[], hasMore: boolean): Json {
  return { object: "list", data, has_more: hasMore, url }
}
