/**
 * Mollie sandbox: an in-memory HTTP simulator of the part of Mollie's Payments API v2 that
 * manual capture uses. Tests, the demo and developers without credentials point
 * `MollieGateway({ baseUrl })` at it. `node:http` only; it logs nothing.
 *
 * # Sources
 *
 * Every rule below is Mollie's published contract, as collected (with quotes and links) in
 * docs/gateways/mollie.md; `§x` names a section of that page. The underlying sources:
 * - Mollie's OpenAPI document, `specs.yaml` in https://github.com/mollie/openapi (request and
 *   response schemas, required fields, enums, error examples), rendered per operation at
 *   https://docs.mollie.com/reference/<operationId> (create-payment, get-payment,
 *   cancel-payment, release-authorization, create-capture, get-capture, list-captures,
 *   create-refund, get-refund, list-refunds, cancel-refund).
 * - https://docs.mollie.com/overview/authentication, https://docs.mollie.com/overview/handling-errors,
 *   https://docs.mollie.com/reference/api-idempotency, https://docs.mollie.com/reference/webhooks,
 *   https://docs.mollie.com/docs/place-a-hold-for-a-payment.
 * Where the simulator deliberately differs (localhost URLs, control API, faults) it says so.
 *
 * # Contract
 *
 * Conventions (§conventions)
 * - Paths under `/v2`. Requests: JSON, or form-encoded with bracket keys
 *   (`amount[currency]=EUR`). Responses: `application/hal+json`; every resource has
 *   `resource`, `id`, `mode`, `_links.self` and `_links.documentation`.
 * - Money: `{ currency, value }`, `value` a string with exactly the currency's decimals
 *   ("10.00" EUR, "1000" JPY, "1.500" KWD). Anything else → 422, field `amount.value`;
 *   a malformed currency (not three upper-case letters) → 422, field `amount.currency`.
 * - Lengths (`maxLength: 255`) count characters (code points), not UTF-16 code units.
 * - Errors (§errors): `{ status, title, detail, field?, _links: { documentation } }`, the
 *   documentation link being https://docs.mollie.com/overview/handling-errors. A required field
 *   that is missing → 422 "The '<field>' field is missing", `field` set.
 *
 * Authentication (§authentication)
 * - `Authorization: Bearer test_…` or `live_…`; anything else (also `access_…` tokens), or a
 *   key outside the start option `apiKeys` when given → 401 "Missing authentication, or failed
 *   to authenticate". The key's prefix is the `mode` of
 *   everything created with it; objects of the other mode answer 404. `testmode` in a body → 422.
 *
 * Idempotency (§idempotency)
 * - `Idempotency-Key` is optional and honoured on POST only (ignored on GET/DELETE). Scoped per
 *   API key; records expire after 24 h.
 * - Same key + same method, path and body (key order ignored) → the stored response, header
 *   `Idempotent-Replayed: true`, nothing runs again. Same key + another endpoint or other
 *   parameters → 400 (detail mentions the idempotency key). Same key while the first request
 *   is still being processed (e.g. held by a `delay`/`timeout` fault) → 409.
 * - Only 2xx results are stored: a refused request (4xx) may be corrected and sent again.
 *
 * Payments (§payments, §placing-a-hold)
 * - `POST /v2/payments` `{ amount, description, redirectUrl, webhookUrl?, cancelUrl?,
 *   captureMode? ("automatic" default | "manual"), method?, cardToken?, metadata? }` → 201
 *   payment, status `open`, `_links.checkout` → this simulator's `/checkout/{id}`.
 *   422 fields: `amount`, `amount.currency`, `amount.value`, `description` (required; longer
 *   than 255 characters is truncated, as create-payment documents), `redirectUrl` (required),
 *   `webhookUrl`/`cancelUrl` (http(s) URL; unlike Mollie, localhost is allowed), `captureMode`,
 *   `method` (manual capture only for creditcard, klarna, billie, riverty), `metadata`
 *   (> 1024 bytes of JSON).
 * - Payment object: `status` (open, pending, authorized, paid, canceled, expired, failed),
 *   `amount`, `amountCaptured` (manual payments; succeeded captures only), `amountRefunded` and
 *   `amountRemaining` (= captured − refunded: the REFUNDABLE amount; present once
 *   something is captured), `isCancelable` (omitted when final), `captureBefore` (authorized
 *   only: authorizedAt + 7 days, the shortest card window), `authorizedAt`, `paidAt`,
 *   `canceledAt`, `expiredAt`, `failedAt`, `expiresAt`, `captureMode`, `method`, `metadata`,
 *   `redirectUrl`, `webhookUrl`, `profileId`, `sequenceType`, `_links.self`/`dashboard`,
 *   `_links.captures`/`refunds` when there are any.
 * - `GET /v2/payments/{id}[?embed=captures,refunds]` → 200 | 404 "No payment exists with token tr_…".
 * - `DELETE /v2/payments/{id}` → 200 payment `canceled` while `isCancelable` (open; authorized
 *   with no pending/succeeded capture and not released), else 422 "The payment cannot be
 *   cancelled".
 * - `POST /v2/payments/{id}/release-authorization` → 202, empty body, when `authorized`; else
 *   422 "Authorization cannot be released because the payment is not in the authorized state."
 *   Applied at once: `canceled` without captures, `paid` with a succeeded one, still
 *   `authorized` (nothing capturable) until a pending capture settles.
 *
 * Hosted checkout (§placing-a-hold): see checkout.ts — `GET|POST /checkout/{id}`, actions
 * authorize, pending, fail, cancel, expire; the webhook is called for every status but
 * open/pending.
 *
 * Captures (§captures, §placing-a-hold)
 * - `POST /v2/payments/{id}/captures` `{ amount?, description? (≤ 255 characters, else 422),
 *   metadata? }` → 201 capture `{ resource: "capture", id: "cpt_…", mode, amount, status:
 *   "pending", description?, metadata, paymentId, createdAt, _links: { self, payment,
 *   documentation } }`.
 *   No amount: everything still capturable. 422 when the payment is not `authorized` (or was
 *   released, or is not captureMode manual); `amount.currency` when it differs from the
 *   payment's; field `amount` when above what is still capturable (amount − captured − pending).
 * - One capture per payment by default: a second one while the first is pending or
 *   succeeded → 422, and a succeeded partial capture releases the rest (payment `paid`). With
 *   `multiCapture` (config, fixed per payment at creation) the payment stays `authorized` until
 *   fully captured (`paid`) or released.
 * - Asynchronous: after `captureDelayMs` the capture becomes `succeeded`, or `failed` when
 *   configured (`failNextCaptures`, `failCapturesFor`; a failed capture leaves the payment
 *   authorized); then the payment's webhook is called.
 * - `GET …/captures/{captureId}` → 200 | 404; `GET …/captures[?from=&limit=]` → `{ count,
 *   _embedded: { captures }, _links: { self, previous, next, documentation } }`, oldest first,
 *   limit 1–250 (default 50), else 400 field `limit`; unknown `from` → 400 field `from`.
 *
 * Refunds (§refunds)
 * - `POST /v2/payments/{id}/refunds` `{ amount, description, metadata }`, all three required
 *   as create-refund's reference marks them (422 "The '<field>' field is missing"; a blank
 *   description counts as missing; `metadata` may be null). `description` longer than 255
 *   characters → 422 (not truncated: Mollie documents truncation for payments only).
 *   → 201 refund `{ resource: "refund", id: "re_…", mode, amount, status: "queued",
 *   description, metadata, paymentId, createdAt, _links }`. Bounded by `amountRemaining`
 *   (422 field `amount`; 422 when nothing is refundable). The same amount, description and
 *   metadata on one payment within `duplicateRefundWindowMs` → 409 "A duplicate refund has been
 *   detected" (an idempotent replay is not a duplicate).
 * - After `refundDelayMs`: `refunded` (or `failed`, `failNextRefunds`), then the webhook.
 * - `GET …/refunds[/{refundId}]`: canceled refunds are gone (404). `DELETE
 *   …/refunds/{refundId}` → 204 while `queued`/`pending`, else 422 (the reference documents
 *   no answer for that case).
 * - Unknown `/v2` path → 404; known path, other method → 405.
 *
 * Webhooks (§webhooks): see webhooks.ts — form-encoded `id=tr_…`, `User-Agent: Mollie HTTP
 * client/1.0`, retried on non-2xx, logged.
 *
 * Concurrency: a request's checks and mutation run synchronously, so requests on one payment
 * are applied strictly one at a time.
 *
 * Control API (no auth; plain JSON)
 * - `POST /__control/faults` `{ faults: Fault[] }` (see ../common/respond.ts): `delay`,
 *   `timeout` (a long delay, default 30 s), `status_500`, `status_503`, `status_429`
 *   (`Retry-After: retryAfterSeconds`), `reset_before`, `reset_after`, `lost_response`,
 *   `malformed`; matched on `/v2` requests by `match.method`/`match.path`, `times`.
 *   `GET` lists, `DELETE` clears.
 * - `GET|POST /__control/config` (MollieSandboxConfig in state.ts: captureDelayMs,
 *   refundDelayMs, multiCapture, failNextCaptures, failCapturesFor, failNextRefunds,
 *   duplicateRefundWindowMs, webhookAttempts, webhookRetryDelayMs, webhookTimeoutMs,
 *   holdWebhooks).
 * - `GET /__control/state` → `{ config, counts, perPayment: { tr_…: { status, captures,
 *   refunds, captured, refunded, requests } }, payments, captures, refunds (canceled ones too),
 *   faults }`; `requests` counts the API requests whose path named the payment.
 * - `POST /__control/reset`: everything, config back to the start options.
 * - `GET /__control/webhooks[?paymentId=]` → `{ webhooks: WebhookDelivery[] }`;
 *   `POST /__control/webhooks/replay { paymentId }` resends the payment's last webhook (a
 *   duplicate) and answers the delivery when done; `POST /__control/webhooks/flush { order:
 *   "fifo" | "reverse" }` sends what `holdWebhooks` held, in that order (out-of-order delivery).
 */
import type { IncomingMessage } from "node:http"
import { header, type ApiResponse } from "../common/http"
import { startSimulator, type RespondWithFault, type SimulatorRequest, type SimulatorRoutes } from "../common/request-pipeline"
import type { ErrorFaultKind } from "../common/respond"
import { authenticate, handleApiRequest, hashApiKey, idempotencyRecordKey } from "./api"
import { handleCheckout } from "./checkout"
import { ConfigValidationError, handleControlRequest, parseConfigPatch } from "./control"
import { HAL_JSON, MollieApiError } from "./errors"
import { DEFAULT_CONFIG, MollieSandboxState, type MollieSandboxConfig } from "./state"
import { WebhookDispatcher } from "./webhooks"

export type MollieSandboxOptions = Partial<MollieSandboxConfig> & {
  /** Default 0: an ephemeral port. */
  port?: number
  /** Default 127.0.0.1. */
  host?: string
  /** Used for webhook calls; defaults to the global fetch. */
  fetch?: typeof fetch
  /**
   * The only API keys that authenticate (others → 401, like a revoked key at Mollie). Default:
   * any well-formed `test_…`/`live_…` key. Kept as hashes, never reported by the control API.
   */
  apiKeys?: string[]
}

export type MollieSandboxHandle = {
  url: string
  port: number
  close(): Promise<void>
  state: MollieSandboxState
  webhooks: WebhookDispatcher
}

type Context = {
  state: MollieSandboxState
  webhooks: WebhookDispatcher
  url: string
}

export async function startMollieSandbox(opts: MollieSandboxOptions = {}): Promise<MollieSandboxHandle> {
  const { port, host, fetch: fetchImpl, apiKeys, ...configInput } = opts
  let config: MollieSandboxConfig
  try {
    config = { ...DEFAULT_CONFIG, ...parseConfigPatch(configInput) }
  } catch (err) {
    if (err instanceof ConfigValidationError) throw new Error(`startMollieSandbox: ${err.message}`)
    throw err
  }
  const state = new MollieSandboxState(config)
  if (apiKeys) state.allowedKeys = new Set(apiKeys.map(hashApiKey))
  // Built with the server's timers and signal, before any request can arrive (see startSimulator).
  let webhooks!: WebhookDispatcher

  const server = await startSimulator({
    port,
    host,
    contentType: HAL_JSON,
    // A bug in the simulator: answer 500 if still possible, never log request data.
    internalError: () => new MollieApiError(500, "The Mollie sandbox failed unexpectedly.").toResponse(),
    routes: (server) => {
      webhooks = new WebhookDispatcher({
        config: () => state.config,
        sleep: server.sleep,
        signal: server.signal,
        fetch: fetchImpl,
      })
      state.effects = { setTimer: server.setTimer, webhook: (payment, event) => webhooks.notify(payment, event) }
      return mollieRoutes({ state, webhooks, url: server.url })
    },
  })

  return { url: server.url, port: server.port, state, webhooks, close: () => server.close() }
}

/** The base URL as the client addressed us (Host header), so `_links` work from its side. */
function baseUrl(ctx: Context, req: IncomingMessage): string {
  const host = header(req, "host")
  return host && /^[A-Za-z0-9.\-:[\]]+$/.test(host) ? `http://${host}` : ctx.url
}

function mollieRoutes(ctx: Context): SimulatorRoutes {
  const { state } = ctx
  return {
    apiPrefix: "/v2",
    contentType: HAL_JSON,
    state,
    bodyTooLarge: () => new MollieApiError(413, "The request body is larger than 1 MB.").toResponse(),
    unknownRoute: (_method, pathname) => new MollieApiError(404, `The resource ${pathname} does not exist.`).toResponse(),
    control: ({ req, method, url, rawBody }) =>
      handleControlRequest({ state, webhooks: ctx.webhooks, base: baseUrl(ctx, req) }, method, url, rawBody),
    page: ({ req, method, url, rawBody }) => {
      const checkout = /^\/checkout\/([^/]+)\/?$/.exec(url.pathname)
      if (!checkout) return undefined
      const paymentId = checkout[1]
      return handleCheckout(state, { method, paymentId, rawBody, contentType: header(req, "content-type"), accept: header(req, "accept") })
    },
    faultError,
    api: (request, respond) => handleApi(ctx, request, respond),
  }
}

async function handleApi(ctx: Context, { req, method, url, rawBody }: SimulatorRequest, respond: RespondWithFault): Promise<void> {
  const { state } = ctx
  const named = /^\/v2\/payments\/([^/]+)/.exec(url.pathname)
  if (named) state.requestsByPayment.set(named[1], (state.requestsByPayment.get(named[1]) ?? 0) + 1)
  // Mark the idempotency key as in flight before any fault delay, so a second request with the
  // same key during the first one's processing gets Mollie's 409 (docs/gateways/mollie.md#idempotency).
  const auth = authenticate(header(req, "authorization"), state.allowedKeys)
  const key = header(req, "idempotency-key")?.trim()
  let owner: symbol | undefined
  const recordKey = method === "POST" && auth && key ? idempotencyRecordKey(auth, key) : undefined
  if (recordKey && !state.inFlight.has(recordKey)) {
    owner = Symbol(recordKey)
    state.inFlight.set(recordKey, owner)
  }

  try {
    // Nothing awaits inside handleApiRequest: check and mutation are atomic.
    await respond(() =>
      handleApiRequest(state, {
        method,
        url,
        authorization: header(req, "authorization"),
        idempotencyKey: key,
        contentType: header(req, "content-type"),
        rawBody,
        base: baseUrl(ctx, req),
        inFlightOwner: owner,
      })
    )
  } finally {
    if (recordKey && owner && state.inFlight.get(recordKey) === owner) state.inFlight.delete(recordKey)
  }
}

/** Mollie-shaped errors for the faults that answer instead of acting. */
function faultError(kind: ErrorFaultKind): ApiResponse {
  switch (kind) {
    case "status_500":
      return new MollieApiError(500, "Simulated internal server error.").toResponse()
    case "status_503":
      return new MollieApiError(503, "Simulated service unavailable.").toResponse()
    case "status_429":
      return new MollieApiError(429, "Too many requests. Retry later.").toResponse()
  }
}
