/**
 * The unauthenticated `/__control/*` API of the Stripe simulator, for tests and the demo (not part
 * of Stripe's API): faults, configuration, state, reset, the simulated clock, the customer's side
 * of 3D Secure, settling a pending refund, and the webhook log / replay / flush. Answers plain
 * JSON; errors use Stripe's error body so one parser reads both.
 */
import { handleControl, standardControlRoutes, type ControlErrors, type ControlRequest, type ControlRoutes } from "../common/control"
import { json, type ApiResponse } from "../common/http"
import { completeAuthentication } from "./authorize"
import { cloneConfig, ConfigValidationError, parseConfigPatch, type WebhookSignature } from "./config"
import { invalidRequest, StripeApiError } from "./errors"
import { settleRefund } from "./refunds"
import { expireAuthorizations } from "./release"
import { renderCharge, renderIntent, renderRefund } from "./render"
import type { IntentRecord, StripeSandboxState } from "./state"
import type { WebhookDispatcher } from "./webhooks"

export type ControlContext = { state: StripeSandboxState; webhooks: WebhookDispatcher; base: string }

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value)

const ERRORS: ControlErrors = {
  invalidJson: (message) => invalidRequest(message),
  invalidFaults: (err) => invalidRequest(err.message, { param: err.param }),
  notFound: (method, pathname) => invalidRequest(`Unrecognized control URL (${method}: ${pathname}).`, { status: 404 }),
  toResponse: (err) => (err instanceof StripeApiError ? err.toResponse() : undefined),
}

/** A string field of the JSON body, or of the query string (the 3D Secure URL carries its intent there). */
function field(req: ControlRequest, name: string): string | undefined {
  const body = req.body()
  const value = isRecord(body) ? body[name] : undefined
  if (value !== undefined && typeof value !== "string") throw invalidRequest(`${name} must be a string.`, { param: name })
  return value ?? req.url.searchParams.get(name) ?? undefined
}

function oneOf<T extends string>(req: ControlRequest, name: string, allowed: readonly T[], fallback?: T): T {
  const value = field(req, name) ?? fallback
  if (value === undefined || !(allowed as readonly string[]).includes(value)) {
    throw invalidRequest(`${name} must be one of ${allowed.join(", ")}.`, { param: name })
  }
  return value as T
}

/** Plays the customer's part of 3D Secure for `payment_intent` (`outcome`: succeed, the default, or fail). */
function authenticate(ctx: ControlContext, req: ControlRequest): IntentRecord {
  const id = field(req, "payment_intent") ?? ""
  const intent = ctx.state.intents.get(id)
  if (!intent) throw invalidRequest(`No such payment_intent: '${id}'`, { status: 404, code: "resource_missing", param: "payment_intent" })
  completeAuthentication(ctx.state, intent, oneOf(req, "outcome", ["succeed", "fail"] as const, "succeed"), ctx.base)
  return intent
}

export function stateSnapshot({ state, webhooks }: ControlContext) {
  return {
    config: cloneConfig(state.config),
    clock: { now: state.clock.nowSeconds(), offsetSeconds: state.clock.offsetSeconds },
    counts: { ...state.counts(), webhooks: webhooks.log.length, heldWebhooks: webhooks.heldCount },
    payment_intents: [...state.intents.values()].map((i) => renderIntent(state, i)),
    charges: [...state.charges.values()].map((c) => renderCharge(state, c)),
    refunds: [...state.refunds.values()].map((r) => renderRefund(state, r)),
    /** The simulator's own record of captures (Stripe's API has no capture object). */
    captures: state.captureLog.map((c) => ({ ...c })),
    events: [...state.events.values()].map((e) => ({ id: e.id, type: e.type, created: e.created, object: e.object.id })),
    faults: state.faults.list(),
  }
}

function stripeControlRoutes(ctx: ControlContext): ControlRoutes {
  const { state, webhooks } = ctx
  return {
    "GET /__control/config": () => json(200, state.config),
    "POST /__control/config": (req) => {
      try {
        Object.assign(state.config, parseConfigPatch(req.body()))
        return json(200, state.config)
      } catch (err) {
        if (err instanceof ConfigValidationError) throw invalidRequest(err.message, { param: err.param })
        throw err
      }
    },
    "GET /__control/clock": () => json(200, { now: state.clock.nowSeconds(), offsetSeconds: state.clock.offsetSeconds }),
    // Moves the simulated clock forward and ends the authorizations that are past capture_before.
    "POST /__control/clock": (req) => {
      const body = req.body()
      const seconds = isRecord(body) ? body.advanceSeconds : undefined
      if (typeof seconds !== "number" || !Number.isFinite(seconds) || seconds < 0) {
        throw invalidRequest("advanceSeconds must be a number >= 0.", { param: "advanceSeconds" })
      }
      state.clock.advance(seconds)
      const expired = expireAuthorizations(state)
      return json(200, { now: state.clock.nowSeconds(), offsetSeconds: state.clock.offsetSeconds, expired })
    },
    "POST /__control/authenticate": (req) => json(200, renderIntent(state, authenticate(ctx, req))),
    // The customer following next_action.redirect_to_url in a browser: authenticate, then go back to
    // return_url with the query Stripe adds (payment_intent, payment_intent_client_secret, redirect_status).
    "GET /__control/authenticate": (req) => {
      const intent = authenticate(ctx, req)
      if (!intent.returnUrl) return json(200, renderIntent(state, intent))
      const back = new URL(intent.returnUrl)
      back.searchParams.set("payment_intent", intent.id)
      back.searchParams.set("payment_intent_client_secret", intent.clientSecret)
      back.searchParams.set("redirect_status", intent.status === "requires_payment_method" ? "failed" : "succeeded")
      return { status: 302, body: "", headers: { Location: back.toString() } }
    },
    "POST /__control/refunds/settle": (req) => {
      const id = field(req, "refund") ?? ""
      const refund = state.refunds.get(id)
      if (!refund) throw invalidRequest(`No such refund: '${id}'`, { status: 404, code: "resource_missing", param: "refund" })
      if (refund.status !== "pending") throw invalidRequest(`Refund ${id} is ${refund.status}; only a pending refund can be settled.`)
      settleRefund(state, refund, oneOf(req, "status", ["succeeded", "failed", "canceled"] as const), field(req, "failure_reason") ?? null, null)
      return json(200, renderRefund(state, refund))
    },
    "GET /__control/webhooks": ({ url }) => {
      const event = url.searchParams.get("event")
      return json(200, { webhooks: webhooks.log.filter((d) => event === null || d.eventId === event) })
    },
    "POST /__control/webhooks/replay": async (req) => {
      const signature = field(req, "signature") === undefined ? undefined : oneOf<WebhookSignature>(req, "signature", ["valid", "wrong_secret", "stale"])
      const deliveries = await webhooks.replay(field(req, "event"), signature)
      if (deliveries.length === 0) throw invalidRequest("No webhook was delivered for that event yet.", { status: 404 })
      return json(200, { deliveries })
    },
    "POST /__control/webhooks/flush": async (req) => json(200, { delivered: await webhooks.flush(oneOf(req, "order", ["fifo", "reverse"] as const, "fifo")) }),
  }
}

export function handleControlRequest(ctx: ControlContext, method: string, url: URL, rawBody: string): Promise<ApiResponse> {
  const { state, webhooks } = ctx
  const routes: ControlRoutes = {
    ...standardControlRoutes({
      faults: state.faults,
      errors: ERRORS,
      snapshot: () => stateSnapshot(ctx),
      reset: () => {
        state.reset()
        webhooks.reset()
      },
    }),
    ...stripeControlRoutes(ctx),
  }
  return handleControl({ routes, errors: ERRORS }, { method, url, rawBody })
}
