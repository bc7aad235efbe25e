/**
 * Stripe sandbox: an in-memory HTTP simulator of the part of Stripe's API a manual-capture card
 * integration uses. The official SDK talks to it unchanged: `new Stripe(key, { host: "127.0.0.1",
 * port, protocol: "http", maxNetworkRetries: 0 })`. `node:http` only; it logs nothing.
 *
 * # Sources
 *
 * docs/gateways/stripe.md collects each rule with its source; `§x` below names its section.
 * - API reference: https://docs.stripe.com/api/payment_intents (create, retrieve, update, confirm,
 *   capture, cancel), https://docs.stripe.com/api/charges/retrieve, https://docs.stripe.com/api/refunds,
 *   https://docs.stripe.com/api/events, https://docs.stripe.com/api/errors,
 *   https://docs.stripe.com/api/idempotent_requests, https://docs.stripe.com/api/pagination,
 *   https://docs.stripe.com/api/metadata.
 * - Guides: https://docs.stripe.com/payments/place-a-hold-on-a-payment-method,
 *   https://docs.stripe.com/payments/multicapture, https://docs.stripe.com/webhooks#verify-manually,
 *   https://docs.stripe.com/error-codes, https://docs.stripe.com/testing,
 *   https://docs.stripe.com/rate-limits.
 * - Object schemas: the official SDK's types (stripe@23.1.0, generated from Stripe's OpenAPI
 *   document) and `openapi/fixtures3.json` of https://github.com/stripe/openapi.
 * Where the simulator deliberately differs it says "Differs:".
 *
 * # Contract
 *
 * Wire (§requests, §errors)
 * - Paths under `/v1`. Requests: form-encoded, bracket keys (`metadata[k]=v`,
 *   `payment_method_options[card][request_multicapture]=if_available`, `expand[]=x` or `expand[0]=x`);
 *   GET parameters in the query string. Answers JSON with `Request-Id: req_…` and `Stripe-Version`
 *   (the request's, else the account default `apiVersion`, pinned 2026-10-28.endive); POSTs echo
 *   `Idempotency-Key`. A parameter the simulator does not model → 400 `parameter_unknown`
 *   (Differs: Stripe accepts many more).
 * - Errors `{ error: { type, code?, decline_code?, param?, message, doc_url?, charge?,
 *   payment_intent? } }`: 400 invalid_request_error, 401 (type invalid_request_error), 402
 *   card_error, 404 resource_missing, 409 idempotency_error / idempotency_key_in_use, 429
 *   invalid_request_error / rate_limit, 500/503 api_error. Unknown URL or method → 404.
 *
 * Authentication (§authentication): Bearer or Basic `sk_`/`rk_` + `test`/`live` key (auth.ts);
 * the key's mode is every created object's `livemode`; the other mode's objects → 404 naming the
 * mode. Test cards exist in test mode only. Option `apiKeys` restricts the accepted keys.
 *
 * Idempotency (§idempotency): see api.ts. POST only, ≤ 255 characters, per mode, 24 h on the
 * simulated clock; replay with `Idempotent-Replayed: true` (and `Original-Request`); other
 * endpoint/parameters → 400; key in flight → 409. Executed answers are stored, 4xx and 5xx
 * included; parameter errors, 404 for the object in the path, auth errors and fault answers are not.
 *
 * PaymentIntents (§paymentintents, §confirming; intents.ts, authorize.ts)
 * - Create: amount (currency minimum, ≤ 99999999), currency, capture_method (default
 *   automatic_async), confirm, payment_method, allowed_payment_method_types (cards kept, others
 *   filtered out) or automatic_payment_methods (the default), payment_method_options[card]
 *   [request_multicapture], metadata (50 keys, key ≤ 40, value ≤ 500 characters), description,
 *   return_url (confirm only), receipt_email, statement_descriptor_suffix. With automatic payment
 *   methods, confirming needs a return_url unless allow_redirects=never. `payment_method_types`
 *   → 400 payment_method_types_no_longer_supported from 2026-09-30.endive on; older
 *   `Stripe-Version`s may still send it (cards only).
 * - Statuses: requires_payment_method → requires_confirmation → (requires_action) →
 *   requires_capture | succeeded; declines back to requires_payment_method (402 card_error with
 *   the intent and charge); canceled. `processing` only for a pending capture (control).
 * - Update: amount/currency/payment method/options before an attempt only (else 400
 *   payment_intent_unexpected_state); metadata/description always; clears last_payment_error.
 * - Cancel: reasons duplicate|fraudulent|requested_by_customer|abandoned. Releasing an
 *   authorization creates no Refund (since 2025-03-31.basil): the charge keeps
 *   `amount_refunded: 0`, `refunded: false`; only `payment_intent.canceled`. Assumed (not
 *   documented): an intent with multicapture captures refuses cancel (use a final capture of 0).
 *
 * Capture and multicapture (§capture, §multicapture; capture.ts): amount_to_capture ≤
 * amount_capturable (else 400 amount_too_large), final_capture=false only with multicapture
 * available (else 400 payment_intent_invalid_parameter), 50 captures, 0 + final releases.
 * Charge: `amount_captured`, `captured` (true after the final capture), `capture_before` =
 * authorization + `authorizationWindowSeconds` (7 days, the customer-initiated window).
 *
 * Authorization window (§authorization-window; release.ts): past capture_before (simulated
 * clock) an uncaptured intent is canceled (`cancellation_reason: expired`, `charge.expired`, no
 * Refund); a partly captured one succeeds (`charge.captured`). A late capture → 400
 * charge_expired_for_capture.
 *
 * Refunds (§refunds; refunds.ts): payment_intent or charge, amount (default: the rest), reason,
 * metadata. Bounded by captured − refunded (400 amount_too_large); nothing captured → 400 "You
 * must cancel the PaymentIntent" (or, once canceled, nothing to refund); nothing left → 400
 * charge_already_refunded. Statuses pending →
 * succeeded | failed (failure_reason); list newest first with cursors.
 *
 * Test payment methods (§test-payment-methods; test-cards.ts): pm_card_visa, _mastercard, _amex
 * (multicapture available), pm_card_credit_disableEnterpriseCardFeatures (authorizes, multicapture
 * unavailable: Stripe's documented card for that), pm_card_chargeDeclined(InsufficientFunds),
 * pm_card_authenticationRequired / _threeDSecure2Required, pm_card_pendingRefund, pm_card_refundFail.
 *
 * Events and webhooks (§events, §webhooks; events.ts, webhooks.ts): payment_intent.created,
 * .requires_action, .amount_capturable_updated, .processing, .succeeded, .payment_failed,
 * .canceled; charge.succeeded, .failed, .updated, .captured, .expired, .refunded,
 * .refund.updated; refund.created, .updated, .failed. `GET /v1/events/:id`, `GET /v1/events?type=`.
 * Signed deliveries to `webhookUrl` with `webhookSecret`.
 *
 * Control API (no auth; plain JSON; control.ts): faults (../common/respond.ts: delay, timeout,
 * status_500/503/429, reset_before/after, lost_response, malformed; on `/v1` requests), config
 * (config.ts), state, reset, clock, authenticate (3D Secure), refunds/settle, webhooks (log,
 * replay, flush). Differs: the 429 fault adds `Retry-After`, which Stripe does not document.
 */
import type { IncomingMessage } from "node:http"
import { header } from "../common/http"
import { startSimulator, type RespondWithFault, type SimulatorRequest, type SimulatorRoutes } from "../common/request-pipeline"
import { handleApiRequest, idempotencyRecordKey } from "./api"
import { authenticate, hashApiKey } from "./auth"
import { ConfigValidationError, DEFAULT_CONFIG, parseConfigPatch, type StripeSandboxConfig } from "./config"
import { handleControlRequest } from "./control"
import { faultError, invalidRequest, StripeApiError } from "./errors"
import { requestId } from "./ids"
import { unrecognizedUrl } from "./routes"
import { StripeSandboxState } from "./state"
import { WebhookDispatcher } from "./webhooks"

export type StripeSandboxOptions = Partial<StripeSandboxConfig> & {
  /** Default 0: an ephemeral port. */
  port?: number
  /** Default 127.0.0.1. */
  host?: string
  /** Used for webhook calls; defaults to the global fetch. */
  fetch?: typeof fetch
  /** The only API keys that authenticate (others → 401). Kept as hashes, never reported. */
  apiKeys?: string[]
}

export type StripeSandboxHandle = {
  url: string
  port: number
  close(): Promise<void>
  state: StripeSandboxState
  webhooks: WebhookDispatcher
}

type Context = { state: StripeSandboxState; webhooks: WebhookDispatcher; url: string }

export async function startStripeSandbox(opts: StripeSandboxOptions = {}): Promise<StripeSandboxHandle> {
  const { port, host, fetch: fetchImpl, apiKeys, ...configInput } = opts
  let config: StripeSandboxConfig
  try {
    config = { ...DEFAULT_CONFIG, ...parseConfigPatch(configInput) }
  } catch (err) {
    if (err instanceof ConfigValidationError) throw new Error(`startStripeSandbox: ${err.message}`)
    throw err
  }
  const state = new StripeSandboxState(config)
  if (apiKeys) state.allowedKeys = new Set(apiKeys.map(hashApiKey))
  let webhooks!: WebhookDispatcher

  const server = await startSimulator({
    port,
    host,
    // A bug in the simulator: answer 500 if still possible, never log request data.
    internalError: () => new StripeApiError(500, "api_error", "The Stripe sandbox failed unexpectedly.").toResponse(),
    routes: (server) => {
      webhooks = new WebhookDispatcher({ config: () => state.config, sleep: server.sleep, signal: server.signal, fetch: fetchImpl })
      state.effects = { setTimer: server.setTimer, event: (event) => webhooks.notify(event) }
      return stripeRoutes({ state, webhooks, url: server.url })
    },
  })
  return { url: server.url, port: server.port, state, webhooks, close: () => server.close() }
}

/** The base URL as the client addressed us (Host header), for the 3D Secure URL. */
function baseUrl(ctx: Context, req: IncomingMessage): string {
  const host = header(req, "host")
  return host && /^[A-Za-z0-9.\-:[\]]+$/.test(host) ? `http://${host}` : ctx.url
}

function stripeRoutes(ctx: Context): SimulatorRoutes {
  return {
    apiPrefix: "/v1",
    state: ctx.state,
    bodyTooLarge: () => invalidRequest("The request body is larger than 1 MB.", { status: 413 }).toResponse(),
    unknownRoute: (method, pathname) => unrecognizedUrl(method, pathname).toResponse({ "Request-Id": requestId() }),
    control: ({ req, method, url, rawBody }) =>
      handleControlRequest({ state: ctx.state, webhooks: ctx.webhooks, base: baseUrl(ctx, req) }, method, url, rawBody),
    faultError,
    api: (request, respond) => handleApi(ctx, request, respond),
  }
}

async function handleApi(ctx: Context, { req, method, url, rawBody }: SimulatorRequest, respond: RespondWithFault): Promise<void> {
  const { state } = ctx
  const authorization = header(req, "authorization")
  const key = header(req, "idempotency-key")?.trim()
  // Mark the key in flight before any fault delay, so a second request with it during the
  // first one's processing gets Stripe's 409 (idempotency_key_in_use).
  let recordKey: string | undefined
  let owner: symbol | undefined
  if (method === "POST" && key) {
    try {
      recordKey = idempotencyRecordKey(authenticate(authorization, state.allowedKeys), key)
    } catch {
      recordKey = undefined
    }
    if (recordKey && !state.inFlight.has(recordKey)) {
      owner = Symbol(recordKey)
      state.inFlight.set(recordKey, owner)
    }
  }
  try {
    // Nothing awaits inside handleApiRequest: check and mutation are atomic.
    await respond(() =>
      handleApiRequest(state, {
        method,
        url,
        authorization,
        idempotencyKey: key,
        stripeVersion: header(req, "stripe-version"),
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
