/**
 * Events (https://docs.stripe.com/api/events): every state change the contract lists creates an
 * `event` holding a snapshot of the object (and, for updates, `previous_attributes`), with
 * `request: { id, idempotency_key }` of the API request that caused it (both null for Stripe's own
 * changes). Each is handed to `effects.event` for webhook delivery and kept for
 * `GET /v1/events/:id` and `GET /v1/events?type=…`.
 */
import { json, type ApiResponse } from "../common/http"
import type { RequestRef, RouteContext } from "./context"
import { webhookUrls } from "./config"
import { resourceMissing } from "./errors"
import { stripeId } from "./ids"
import { paginate } from "./pagination"
import { renderEvent, renderList } from "./render"
import type { EventRecord, Mode, StripeSandboxState } from "./state"

/** The event types this simulator creates (docs/gateways/stripe.md#events). */
export type EventType =
  | "payment_intent.created"
  | "payment_intent.requires_action"
  | "payment_intent.amount_capturable_updated"
  | "payment_intent.processing"
  | "payment_intent.succeeded"
  | "payment_intent.payment_failed"
  | "payment_intent.canceled"
  | "charge.succeeded"
  | "charge.failed"
  | "charge.updated"
  | "charge.captured"
  | "charge.expired"
  | "charge.refunded"
  | "charge.refund.updated"
  | "refund.created"
  | "refund.updated"
  | "refund.failed"

export function emitEvent(
  state: StripeSandboxState,
  mode: Mode,
  type: EventType,
  object: Record<string, unknown>,
  opts: { previous?: Record<string, unknown>; request: RequestRef }
): EventRecord {
  const event: EventRecord = {
    id: stripeId("evt_"),
    mode,
    type,
    created: state.clock.nowSeconds(),
    apiVersion: state.config.apiVersion,
    object,
    previousAttributes: opts.previous,
    request: { id: opts.request?.id ?? null, idempotency_key: opts.request?.idempotencyKey ?? null },
    pendingWebhooks: webhookUrls(state.config).length,
  }
  state.events.set(event.id, event)
  state.effects.event(event)
  return event
}

export function retrieveEvent(ctx: RouteContext): ApiResponse {
  const event = ctx.state.events.get(ctx.path.id)
  if (!event || event.mode !== ctx.mode) throw resourceMissing("event", ctx.path.id, "id", event?.mode)
  ctx.params.done()
  return json(200, renderEvent(event))
}

/** `type` filters exactly, or by prefix with a trailing `*` (`charge.*`), as Stripe's list does. */
export function listEvents(ctx: RouteContext): ApiResponse {
  const type = ctx.params.string("type")
  const matches = (t: string): boolean => type === undefined || (type.endsWith("*") ? t.startsWith(type.slice(0, -1)) : t === type)
  const events = [...ctx.state.events.values()].filter((e) => e.mode === ctx.mode && matches(e.type)).reverse()
  const page = paginate(events, ctx.params, "event")
  ctx.params.done()
  return json(200, renderList("/v1/events", page.data.map(renderEvent), page.hasMore))
}
