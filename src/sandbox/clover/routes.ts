/**
 * The `/v1/*` handlers of the Clover simulator. Every handler is synchronous: it validates,
 * checks the charge and mutates the store in one go, so no other request can interleave.
 * The rules are written out, with their sources, in the contract at the top of `server.ts`.
 */
import { json, type ApiResponse } from "../common"
import { compilePath, findRoute, safeDecode } from "../common/routes"
import { cardDeclined, invalidRequest, resourceMissing } from "./errors"
import { declineStatus, renderCharge, renderRefund } from "./render"
import { cloverId, digits, type CloverSandboxState, type SimCharge, type SimRefund } from "./state"
import { parseToken } from "./tokens"
import * as v from "./validate"

export type RouteContext = {
  state: CloverSandboxState
  params: Record<string, string>
  body: v.Body
  query: URLSearchParams
  /** Set by a handler: the charge the request concerns, for per-charge counts of replays. */
  chargeId?: string
}

type Handler = (ctx: RouteContext) => ApiResponse

export type Route = {
  method: "GET" | "POST"
  pattern: RegExp
  keys: string[]
  handler: Handler
  /** Charges and captures are refused without `x-forwarded-for` (clover.md#required-headers). */
  needsClientIp?: boolean
  /** The idempotency key is "a required value" for a new charge (clover.md#required-headers). */
  needsIdempotencyKey?: boolean
}

function route(method: Route["method"], path: string, handler: Handler, flags: Partial<Route> = {}): Route {
  return { method, ...compilePath(path), handler, ...flags }
}

function findCharge(ctx: RouteContext, id: string, param: string): SimCharge {
  const charge = ctx.state.charges.get(id)
  if (!charge) throw resourceMissing("charge", id, param)
  ctx.chargeId = charge.id
  return charge
}

// --- charges -----------------------------------------------------------------------------------

function createCharge(ctx: RouteContext): ApiResponse {
  const { state, body } = ctx
  const amount = v.amount(body)!
  const currency = v.currency(body)
  const source = v.requiredString(body, "source")
  const capture = v.captureFlag(body)
  const description = v.optionalString(body, "description")
  const metadata = v.metadata(body)
  const receiptEmail = v.email(body)
  const level2 = v.level2(body, amount)
  const token = parseToken(source)
  if (state.usedTokens.has(source)) {
    // Single-use tokens (docs/gateways/clover.md#card-tokens); an idempotent replay never gets here.
    throw invalidRequest("token_already_used", "The source is not a multipay token and was already used for a different payment.", "source")
  }
  state.usedTokens.add(source)

  const charge: SimCharge = {
    id: cloverId(),
    object: "charge",
    amount,
    amount_captured: 0,
    amount_refunded: 0,
    currency,
    created: state.now(),
    captured: false,
    paid: true,
    refunded: false,
    status: "succeeded",
    outcome: { network_status: "approved_by_network", type: "authorized" },
    ref_num: digits(12),
    auth_code: `OK${digits(4)}`,
    order: cloverId(),
    source: { id: source, object: "source", ...token.card },
    description,
    metadata,
    receipt_email: receiptEmail,
    level2,
    failure_code: null,
    failure_message: null,
    livemode: false,
  }
  ctx.chargeId = charge.id

  if (token.declineCode) {
    // Clover names the failed charge in the error (`charge`, clover.md#errors) and keeps it
    // (assumed 15 in docs/gateways/clover.md).
    const error = cardDeclined(token.declineCode, charge.id, declineStatus(state))
    state.addCharge({
      ...charge,
      paid: false,
      status: "failed",
      outcome: { network_status: "declined_by_network", type: "issuer_declined" },
      ref_num: null,
      auth_code: null,
      failure_code: token.declineCode,
      failure_message: error.message,
    })
    throw error
  }

  // capture defaults to true at Clover: a sale captures everything at once.
  if (capture) Object.assign(charge, { captured: true, amount_captured: amount })
  state.addCharge(charge, { captureDeclineCode: token.captureDeclineCode, refundDeclineCode: token.refundDeclineCode })
  if (capture) state.countsOf(charge.id).captures += 1
  return json(200, renderCharge(state, charge))
}

function getCharge(ctx: RouteContext): ApiResponse {
  return json(200, renderCharge(ctx.state, findCharge(ctx, ctx.params.chargeId, "chargeId")))
}

/**
 * Clover's "Capture a charge" (docs/gateways/clover.md#capture): optional `amount` (default: the
 * whole charge), `receipt_email` (overrides), `level2`. One capture per charge (several need the
 * merchant's multi-capture and `split_shipment`, refused here); what a partial capture does with
 * the rest is undocumented: the simulator makes it uncapturable (assumed 3).
 */
function captureCharge(ctx: RouteContext): ApiResponse {
  const { state, body } = ctx
  const charge = findCharge(ctx, ctx.params.chargeId, "chargeId")
  const counts = state.countsOf(charge.id)
  counts.capture_requests += 1

  const requested = v.amount(body, "amount", false)
  const receiptEmail = v.email(body)
  if (body.split_shipment !== undefined) {
    // Several captures of one pre-authorization need the merchant's multi-capture setting
    // (docs/gateways/clover.md#capture); the simulator's merchant does not have it.
    throw invalidRequest("invalid_request", "split_shipment: multi-capture is not enabled for this merchant.", "split_shipment")
  }
  if (charge.status === "failed") {
    throw invalidRequest("invalid_request", `Charge ${charge.id} failed and cannot be captured.`, "chargeId")
  }
  if (charge.captured) {
    throw invalidRequest("charge_already_captured", `Charge ${charge.id} has already been captured.`, "chargeId")
  }
  if (charge.refunded) {
    throw invalidRequest("invalid_request", `Charge ${charge.id} was released (refunded) and cannot be captured.`, "chargeId")
  }
  if (state.now() > state.expiresAt(charge)) {
    // Clover documents the validity (Visa 7 days, Mastercard 30), not the answer past it (assumed).
    throw invalidRequest("invalid_request", `The pre-authorization of charge ${charge.id} has expired and cannot be captured.`, "chargeId")
  }
  const amount = requested ?? charge.amount
  if (amount > charge.amount) {
    throw invalidRequest(
      "invalid_request",
      `The capture amount (${amount}) exceeds the authorized amount (${charge.amount}).`,
      "amount"
    )
  }
  const level2 = v.level2(body, amount)
  const declineCode = state.behaviour.get(charge.id)?.captureDeclineCode
  if (declineCode) throw cardDeclined(declineCode, charge.id, declineStatus(state))

  charge.captured = true
  charge.amount_captured = amount
  if (receiptEmail !== null) charge.receipt_email = receiptEmail
  if (level2 !== null) charge.level2 = { ...(charge.level2 ?? {}), ...level2 }
  counts.captures += 1
  return json(200, renderCharge(state, charge, true))
}

// --- refunds -----------------------------------------------------------------------------------

/**
 * `{ charge, amount?, reason?, metadata? }`. On a captured charge: up to what was captured and
 * not yet refunded (default: all of it). On an uncaptured charge: releases the hold, in full only.
 */
function createRefund(ctx: RouteContext): ApiResponse {
  const { state, body } = ctx
  const chargeId = v.requiredString(body, "charge")
  const charge = findCharge(ctx, chargeId, "charge")
  const requested = v.amount(body, "amount", false)
  const reason = v.refundReason(body)
  const metadata = v.metadata(body)

  if (charge.status === "failed") {
    throw invalidRequest("invalid_request", `Charge ${charge.id} failed; there is nothing to refund.`, "charge")
  }
  let amount: number
  if (!charge.captured) {
    if (charge.refunded) throw invalidRequest("charge_already_refunded", `Charge ${charge.id} has already been refunded.`, "charge")
    if (requested !== undefined && requested !== charge.amount) {
      throw invalidRequest(
        "invalid_request",
        `Charge ${charge.id} is not captured: it can only be released in full (omit amount), or captured for less.`,
        "amount"
      )
    }
    amount = charge.amount
  } else {
    const refundable = charge.amount_captured - charge.amount_refunded
    if (refundable === 0) throw invalidRequest("charge_already_refunded", `Charge ${charge.id} has already been refunded.`, "charge")
    amount = requested ?? refundable
    if (amount > refundable) {
      throw invalidRequest(
        "amount_too_large",
        `The refund amount (${amount}) exceeds what is left to refund on charge ${charge.id} (${refundable}).`,
        "amount"
      )
    }
    const declineCode = state.behaviour.get(charge.id)?.refundDeclineCode
    if (declineCode) throw cardDeclined(declineCode, charge.id, declineStatus(state))
  }

  const refund: SimRefund = {
    id: cloverId(),
    object: "refund",
    amount,
    charge: charge.id,
    currency: charge.currency,
    created: state.now(),
    status: "succeeded",
    reason,
    metadata,
  }
  state.refunds.set(refund.id, refund)
  charge.amount_refunded += amount
  charge.refunded = charge.amount_refunded >= (charge.captured ? charge.amount_captured : charge.amount)
  state.countsOf(charge.id).refunds += 1
  return json(200, renderRefund(state, refund))
}

function getRefund(ctx: RouteContext): ApiResponse {
  const refund = ctx.state.refunds.get(ctx.params.refundId)
  if (!refund) throw resourceMissing("refund", ctx.params.refundId, "refundId")
  return json(200, renderRefund(ctx.state, refund))
}

/** Clover's list paging (docs/gateways/clover.md#listing-refunds): 10 items by default, at most 100. */
export const LIST_DEFAULT_LIMIT = 10
export const LIST_MAX_LIMIT = 100

function listLimit(raw: string | null): number {
  if (raw === null) return LIST_DEFAULT_LIMIT
  const limit = /^\d{1,3}$/.test(raw) ? Number(raw) : NaN
  if (!(limit >= 1 && limit <= LIST_MAX_LIMIT)) {
    throw invalidRequest("invalid_request", `limit must be an integer between 1 and ${LIST_MAX_LIMIT}.`, "limit")
  }
  return limit
}

/**
 * `GET /v1/refunds[?charge=…&limit=…&starting_after=…]`: newest first, `limit` per page,
 * `has_more` when more follow. `starting_after=<id>` answers that refund and those after it, as
 * Clover's pagination example reads ("a specific order and the four following it"; assumed 11).
 */
function listRefunds(ctx: RouteContext): ApiResponse {
  const { query } = ctx
  const charge = query.get("charge")
  const limit = listLimit(query.get("limit"))
  if (query.get("ending_before") !== null) {
    throw invalidRequest("invalid_request", "ending_before is not supported by the simulator; page with starting_after.", "ending_before")
  }
  const all = (charge === null ? [...ctx.state.refunds.values()] : ctx.state.refundsOf(charge)).reverse()
  const after = query.get("starting_after")
  let start = 0
  if (after !== null) {
    start = all.findIndex((refund) => refund.id === after)
    if (start < 0) throw resourceMissing("refund", after, "starting_after")
  }
  const data = all.slice(start, start + limit).map((refund) => renderRefund(ctx.state, refund))
  return json(200, { object: "list", url: "/v1/refunds", has_more: start + limit < all.length, data })
}

const ROUTES: Route[] = [
  route("POST", "/v1/charges", createCharge, { needsClientIp: true, needsIdempotencyKey: true }),
  route("GET", "/v1/charges/:chargeId", getCharge),
  route("POST", "/v1/charges/:chargeId/capture", captureCharge, { needsClientIp: true }),
  route("POST", "/v1/refunds", createRefund),
  route("GET", "/v1/refunds", listRefunds),
  route("GET", "/v1/refunds/:refundId", getRefund),
]

export type MatchedRoute = { route: Route; params: Record<string, string> }

/** Throws 404 for an unknown path and 405 for a known path with another method. */
export function matchRoute(method: string, pathname: string): MatchedRoute {
  const found = findRoute(ROUTES, method, pathname, safeDecode)
  if (found.route) return { route: found.route, params: found.params }
  if (found.allowed.length > 0) {
    throw invalidRequest("method_not_allowed", `${method} is not allowed here; use ${found.allowed.join(" or ")}.`, undefined, 405)
  }
  throw invalidRequest("resource_missing", `Unrecognized request URL (${method} ${pathname}).`, undefined, 404)
}
