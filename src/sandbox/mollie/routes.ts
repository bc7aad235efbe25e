/**
 * The `/v2/*` routes and the payment and capture handlers of the Mollie simulator (contract:
 * server.ts; refunds in refund-routes.ts). Every handler is
 * synchronous: it validates, checks the payment and mutates the store in one go, so no other
 * request can interleave. What happens later (captures settling, refunds executing) is
 * scheduled through `state.effects`.
 */
import type { ApiResponse } from "../common/http"
import { compilePath, findRoute } from "../common/routes"
import { HAL_JSON, MollieApiError, hal, unprocessable } from "./errors"
import { renderCapture, renderPage, renderPayment } from "./render"
import { mollieId, type CaptureRecord, type MollieSandboxState, type PaymentRecord } from "./state"
import * as v from "./validate"
import { findCapture, findPayment, formatted, pageOf, type RouteContext } from "./route-context"
import { cancelRefund, createRefund, getRefund, listRefunds } from "./refund-routes"

export type { RouteContext } from "./route-context"
export { settleRefund } from "./refund-routes"

type Method = "GET" | "POST" | "DELETE"
type Handler = (ctx: RouteContext) => ApiResponse
type Route = { method: Method; pattern: RegExp; keys: string[]; handler: Handler }

function route(method: Method, path: string, handler: Handler): Route {
  return { method, ...compilePath(path), handler }
}

/** Methods that support `captureMode: manual`: "Cards, Klarna, Billie, Riverty" (docs/gateways/mollie.md#placing-a-hold). */
const MANUAL_CAPTURE_METHODS = new Set(["creditcard", "klarna", "billie", "riverty"])

const PAYMENT_CREATION_EXPIRY_MS = 15 * 60 * 1000
/** 202 Accepted, no body: "accepted and will be processed asynchronously" (release-authorization). */
const ACCEPTED: ApiResponse = { status: 202, body: "", contentType: HAL_JSON }

// --- payments ---------------------------------------------------------------------------------

function createPayment(ctx: RouteContext): ApiResponse {
  const { state, body, now } = ctx
  if (body.testmode !== undefined) {
    throw unprocessable("The testmode parameter is only for organization access tokens; an API key decides the mode.", "testmode")
  }
  const amount = v.parseAmount(body.amount, "amount", { required: true })!
  // "The API will not reject strings longer than the maximum length but it will truncate them
  // to fit" (create-payment's description; docs/gateways/mollie.md#payments).
  const description = v.requiredString(body, "description", { maxLength: 255, overLength: "truncate" })
  const redirectUrl = v.optionalUrl(body, "redirectUrl", { required: true })!
  const cancelUrl = v.optionalUrl(body, "cancelUrl")
  const webhookUrl = v.optionalUrl(body, "webhookUrl")
  const rawMode = body.captureMode ?? "automatic"
  if (rawMode !== "automatic" && rawMode !== "manual") {
    throw unprocessable("The captureMode must be automatic or manual.", "captureMode")
  }
  const method = v.optionalString(body, "method", { maxLength: 64 })
  if (rawMode === "manual" && method !== undefined && !MANUAL_CAPTURE_METHODS.has(method)) {
    throw unprocessable(`The payment method ${method} does not support captureMode manual.`, "method")
  }
  const cardToken = v.optionalString(body, "cardToken", { maxLength: 255 })
  if (cardToken !== undefined && !cardToken.startsWith("tkn_")) throw unprocessable("The card token is invalid.", "cardToken")
  const metadata = v.metadata(body)

  const payment: PaymentRecord = {
    id: mollieId("tr_"),
    mode: ctx.mode,
    status: "open",
    amount: amount.amount,
    currency: amount.currency,
    description,
    redirectUrl,
    cancelUrl: cancelUrl ?? null,
    webhookUrl: webhookUrl ?? null,
    method: method ?? null,
    metadata,
    captureMode: rawMode,
    multiCapture: state.config.multiCapture,
    createdAt: now,
    expiresAt: now + PAYMENT_CREATION_EXPIRY_MS,
    released: false,
    autoCaptured: 0,
    captureIds: [],
    refundIds: [],
  }
  state.payments.set(payment.id, payment)
  return hal(201, renderPayment(state, payment, ctx.base))
}

function getPayment(ctx: RouteContext): ApiResponse {
  const payment = findPayment(ctx)
  const embed = new Set((ctx.query.get("embed") ?? "").split(",").map((s) => s.trim()))
  return hal(200, renderPayment(ctx.state, payment, ctx.base, { captures: embed.has("captures"), refunds: embed.has("refunds") }))
}

/** DELETE: only while `isCancelable` (cancel-payment; its 422 example's detail, word for word). */
function cancelPayment(ctx: RouteContext): ApiResponse {
  const { state } = ctx
  const payment = findPayment(ctx)
  if (!state.isCancelable(payment)) throw unprocessable("The payment cannot be cancelled")
  const event = state.setStatus(payment, "canceled", ctx.now)
  if (event) state.effects.webhook(payment, event)
  return hal(200, renderPayment(state, payment, ctx.base))
}

/**
 * 202 without a body (release-authorization). Mollie processes it asynchronously; the
 * simulator applies it at once: `canceled` without captures, `paid` with a successful one,
 * still `authorized` (nothing capturable) while a capture is pending.
 */
function releaseAuthorization(ctx: RouteContext): ApiResponse {
  const { state } = ctx
  const payment = findPayment(ctx)
  if (payment.status !== "authorized") {
    throw unprocessable("Authorization cannot be released because the payment is not in the authorized state.")
  }
  payment.released = true
  const event = state.advance(payment)
  if (event) state.effects.webhook(payment, event)
  return ACCEPTED
}

// --- captures ---------------------------------------------------------------------------------

function createCapture(ctx: RouteContext): ApiResponse {
  const { state, body, now } = ctx
  const payment = findPayment(ctx)
  const requested = v.parseAmount(body.amount, "amount", { required: false, currency: payment.currency })
  const description = v.optionalString(body, "description", { maxLength: 255, overLength: "reject" })
  const metadata = v.metadata(body)

  if (payment.captureMode !== "manual") {
    throw unprocessable("The payment was not created with captureMode manual and cannot be captured.")
  }
  if (payment.status !== "authorized" || payment.released) {
    throw unprocessable(`The payment cannot be captured: its status is ${payment.status}${payment.released ? " and its authorization was released" : ""}.`)
  }
  if (!payment.multiCapture && state.capturesOf(payment).some((c) => c.status !== "failed")) {
    throw unprocessable("This payment already has a capture; only one capture per payment is possible.")
  }
  const capturable = state.capturable(payment)
  // "If no amount is provided, the full authorized amount is captured" (create-capture).
  const amount = requested?.amount ?? capturable
  if (amount <= 0 || amount > capturable) {
    throw unprocessable(
      `The capture amount is higher than the amount that can still be captured (${formatted(capturable, payment.currency)}).`,
      "amount"
    )
  }

  const capture: CaptureRecord = {
    id: mollieId("cpt_"),
    mode: payment.mode,
    paymentId: payment.id,
    amount,
    currency: payment.currency,
    description,
    metadata,
    status: "pending",
    createdAt: now,
    willFail: state.takeCaptureFailure(payment.id),
  }
  state.captures.set(capture.id, capture)
  payment.captureIds.push(capture.id)
  // Captures are asynchronous: pending now, settled later, then the webhook (docs/gateways/mollie.md#captures).
  state.effects.setTimer(() => settleCapture(state, capture.id), state.config.captureDelayMs)
  return hal(201, renderCapture(capture, ctx.base))
}

export function settleCapture(state: MollieSandboxState, captureId: string): void {
  const capture = state.captures.get(captureId)
  if (!capture || capture.status !== "pending") return
  capture.status = capture.willFail ? "failed" : "succeeded"
  const payment = state.payments.get(capture.paymentId)!
  // One webhook for the capture; the payment's own change (e.g. to paid) rides on it.
  state.advance(payment)
  state.effects.webhook(payment, capture.status === "failed" ? "capture.failed" : "capture.succeeded")
}

function getCapture(ctx: RouteContext): ApiResponse {
  const payment = findPayment(ctx)
  return hal(200, renderCapture(findCapture(ctx, payment), ctx.base))
}

function listCaptures(ctx: RouteContext): ApiResponse {
  const payment = findPayment(ctx)
  const captures = ctx.state.capturesOf(payment)
  const page = pageOf(ctx, payment.captureIds, `${ctx.base}/v2/payments/${payment.id}/captures`)
  return hal(200, renderPage("captures", captures, (c) => renderCapture(c, ctx.base), page))
}

// --- routing ----------------------------------------------------------------------------------

const ROUTES: Route[] = [
  route("POST", "/v2/payments", createPayment),
  route("GET", "/v2/payments/:paymentId", getPayment),
  route("DELETE", "/v2/payments/:paymentId", cancelPayment),
  route("POST", "/v2/payments/:paymentId/release-authorization", releaseAuthorization),
  route("POST", "/v2/payments/:paymentId/captures", createCapture),
  route("GET", "/v2/payments/:paymentId/captures", listCaptures),
  route("GET", "/v2/payments/:paymentId/captures/:captureId", getCapture),
  route("POST", "/v2/payments/:paymentId/refunds", createRefund),
  route("GET", "/v2/payments/:paymentId/refunds", listRefunds),
  route("GET", "/v2/payments/:paymentId/refunds/:refundId", getRefund),
  route("DELETE", "/v2/payments/:paymentId/refunds/:refundId", cancelRefund),
]

export type MatchedRoute = { method: Method; handler: Handler; params: Record<string, string> }

/** 404 for an unknown path (or a parameter that is not valid percent-encoding), 405 for a known path with another method. */
export function matchRoute(method: string, pathname: string): MatchedRoute {
  const notFound = (): MollieApiError => new MollieApiError(404, `The resource ${pathname} does not exist.`)
  const found = findRoute(ROUTES, method, pathname, (segment) => {
    try {
      return decodeURIComponent(segment)
    } catch {
      throw notFound()
    }
  })
  if (found.route) return { method: found.route.method, handler: found.route.handler, params: found.params }
  if (found.allowed.length > 0) throw new MollieApiError(405, `The method ${method} is not allowed on ${pathname}.`)
  throw notFound()
}
