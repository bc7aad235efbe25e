/**
 * The `/v1/*` handlers of the sandbox gateway. Every handler is synchronous: it validates,
 * checks the payment and mutates the store in one go, so no other request can interleave.
 */
import { compilePath, findRoute, safeDecode } from "../common/routes"
import { ApiError, invalidRequest, json, resourceMissing, type ApiResponse } from "./http"
import { randomId, type PaymentRecord, type SandboxCapture, type SandboxRefund, type SandboxState } from "./state"
import * as v from "./validate"

export type RouteContext = {
  state: SandboxState
  params: Record<string, string>
  body: v.Body
  query: URLSearchParams
  /** Present on every POST (the pipeline rejects POSTs without one). */
  idempotencyKey: string
}

type Handler = (ctx: RouteContext) => ApiResponse
type Route = { method: "GET" | "POST"; pattern: RegExp; keys: string[]; handler: Handler }

function route(method: Route["method"], path: string, handler: Handler): Route {
  return { method, ...compilePath(path), handler }
}

// --- sources ----------------------------------------------------------------------------------

const DECLINE_CODE = /^[a-z0-9_]+$/

type ParsedSource = { declineCode?: string; captureDeclineCode?: string }

function parseSource(source: string): ParsedSource {
  if (source === "tok_visa") return {}
  for (const [prefix, field] of [
    ["tok_capture_decline_", "captureDeclineCode"],
    ["tok_decline_", "declineCode"],
  ] as const) {
    if (source.startsWith(prefix) && DECLINE_CODE.test(source.slice(prefix.length))) {
      return { [field]: source.slice(prefix.length) }
    }
  }
  throw invalidRequest("resource_missing", "No such source. Use tok_visa, tok_decline_<code> or tok_capture_decline_<code>.", "source")
}

const DECLINE_MESSAGES: Record<string, string> = {
  insufficient_funds: "Your card has insufficient funds.",
  expired_card: "Your card has expired.",
  do_not_honor: "Your card was declined.",
  lost_card: "Your card was declined.",
  stolen_card: "Your card was declined.",
  processing_error: "An error occurred while processing your card.",
}

const cardDeclined = (declineCode: string): ApiError =>
  new ApiError(402, "card_error", "card_declined", DECLINE_MESSAGES[declineCode] ?? "Your card was declined.", {
    decline_code: declineCode,
  })

// --- helpers ----------------------------------------------------------------------------------

function findPayment(state: SandboxState, id: string): PaymentRecord {
  const payment = state.payments.get(id)
  if (!payment) throw resourceMissing("payment", id, "id")
  return payment
}

function byIdempotencyKey<T extends { idempotency_key: string }>(items: T[], query: URLSearchParams): T[] {
  const key = query.get("idempotency_key")
  return key === null ? items : items.filter((item) => item.idempotency_key === key)
}

// --- handlers ---------------------------------------------------------------------------------

function createPayment({ state, body }: RouteContext): ApiResponse {
  const amount = v.positiveInteger(body, "amount")
  const currency = v.currency(body)
  const source = v.requiredString(body, "source")
  const description = v.optionalString(body, "description")
  const metadata = v.metadata(body)
  const parsed = parseSource(source)
  if (parsed.declineCode) throw cardDeclined(parsed.declineCode)

  const payment: PaymentRecord = {
    id: randomId("sbx_pay_"),
    amount,
    currency,
    source,
    captureDeclineCode: parsed.captureDeclineCode,
    description,
    metadata,
    created: Date.now(),
    canceled: false,
    captureIds: [],
    refundIds: [],
  }
  state.payments.set(payment.id, payment)
  return json(201, state.renderPayment(payment))
}

function getPayment({ state, params }: RouteContext): ApiResponse {
  return json(200, state.renderPayment(findPayment(state, params.id)))
}

function createCapture({ state, params, body, idempotencyKey }: RouteContext): ApiResponse {
  const payment = findPayment(state, params.id)
  const requested = v.optionalPositiveInteger(body, "amount")
  const description = v.optionalString(body, "description", 255)
  const metadata = v.metadata(body)

  const { capturable } = state.totals(payment)
  if (payment.canceled || capturable === 0) {
    throw invalidRequest(
      "payment_not_capturable",
      `Payment ${payment.id} cannot be captured: it is ${state.paymentStatus(payment)} and nothing is left to capture.`
    )
  }
  const amount = requested ?? capturable
  if (amount > capturable) {
    throw invalidRequest(
      "amount_too_large",
      `Amount ${amount} exceeds the amount still capturable on this payment (${capturable}).`,
      "amount"
    )
  }
  if (payment.captureDeclineCode) throw cardDeclined(payment.captureDeclineCode)

  const capture: SandboxCapture = {
    id: randomId("sbx_cap_"),
    object: "capture",
    payment: payment.id,
    amount,
    currency: payment.currency,
    status: "succeeded",
    transaction_id: randomId("txn_"),
    idempotency_key: idempotencyKey,
    description,
    metadata,
    created: Date.now(),
  }
  state.captures.set(capture.id, capture)
  payment.captureIds.push(capture.id)
  return json(201, capture)
}

function listCaptures({ state, params, query }: RouteContext): ApiResponse {
  const payment = findPayment(state, params.id)
  return json(200, { data: byIdempotencyKey(state.capturesOf(payment), query) })
}

function getCapture({ state, params }: RouteContext): ApiResponse {
  const payment = findPayment(state, params.id)
  const capture = state.captures.get(params.captureId)
  if (!capture || capture.payment !== payment.id) {
    throw resourceMissing("capture", params.captureId, "id")
  }
  return json(200, capture)
}

function createRefund({ state, params, body, idempotencyKey }: RouteContext): ApiResponse {
  const payment = findPayment(state, params.id)
  const amount = v.positiveInteger(body, "amount")
  const captureId = body.capture === undefined || body.capture === null ? null : v.requiredString(body, "capture")
  const reason = v.optionalString(body, "reason", 255)

  const { captured, refunded } = state.totals(payment)
  let refundable = captured - refunded
  if (captureId !== null) {
    const capture = state.captures.get(captureId)
    if (!capture || capture.payment !== payment.id) throw resourceMissing("capture", captureId, "capture")
    refundable = Math.min(refundable, capture.amount - state.refundedOfCapture(captureId))
  }
  if (amount > refundable) {
    throw invalidRequest(
      "amount_too_large",
      `Amount ${amount} exceeds the amount still refundable (${refundable}).`,
      "amount"
    )
  }

  const refund: SandboxRefund = {
    id: randomId("sbx_re_"),
    object: "refund",
    payment: payment.id,
    capture: captureId,
    amount,
    currency: payment.currency,
    status: "succeeded",
    reason,
    idempotency_key: idempotencyKey,
    created: Date.now(),
  }
  state.refunds.set(refund.id, refund)
  payment.refundIds.push(refund.id)
  return json(201, refund)
}

function listRefunds({ state, params, query }: RouteContext): ApiResponse {
  const payment = findPayment(state, params.id)
  return json(200, { data: byIdempotencyKey(state.refundsOf(payment), query) })
}

function getRefund({ state, params }: RouteContext): ApiResponse {
  const payment = findPayment(state, params.id)
  const refund = state.refunds.get(params.refundId)
  if (!refund || refund.payment !== payment.id) throw resourceMissing("refund", params.refundId, "id")
  return json(200, refund)
}

/** Releases what is left of the authorization; idempotent, also on captured payments. */
function cancelPayment({ state, params }: RouteContext): ApiResponse {
  const payment = findPayment(state, params.id)
  payment.canceled = true
  return json(200, state.renderPayment(payment))
}

const ROUTES: Route[] = [
  route("POST", "/v1/payments", createPayment),
  route("GET", "/v1/payments/:id", getPayment),
  route("POST", "/v1/payments/:id/captures", createCapture),
  route("GET", "/v1/payments/:id/captures", listCaptures),
  route("GET", "/v1/payments/:id/captures/:captureId", getCapture),
  route("POST", "/v1/payments/:id/refunds", createRefund),
  route("GET", "/v1/payments/:id/refunds", listRefunds),
  route("GET", "/v1/payments/:id/refunds/:refundId", getRefund),
  route("POST", "/v1/payments/:id/cancel", cancelPayment),
]

export type MatchedRoute = { method: Route["method"]; handler: Handler; params: Record<string, string> }

/** Throws 404 for an unknown path and 405 for a known path with another method. */
export function matchRoute(method: string, pathname: string): MatchedRoute {
  const found = findRoute(ROUTES, method, pathname, safeDecode)
  if (found.route) return { method: found.route.method, handler: found.route.handler, params: found.params }
  if (found.allowed.length > 0) {
    throw invalidRequest("method_not_allowed", `${method} is not allowed here; use ${found.allowed.join(" or ")}.`, undefined, 405)
  }
  throw invalidRequest("route_not_found", `Unrecognized request URL (${method} ${pathname}).`, undefined, 404)
}
