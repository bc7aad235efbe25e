/**
 * Clover Ecommerce simulator: an in-memory HTTP server of the part of Clover's Ecommerce API the
 * plugin uses (charges, capture, refunds), for tests, the demo and developers without
 * credentials. `node:http` only; it logs nothing.
 *
 * Sources: each rule names the section of `docs/gateways/clover.md` that holds Clover's public
 * page for it, as §name (the heading's anchor: §errors is `clover.md#errors`). "Assumed n" is item
 * n of its "Not documented by Clover (assumed)" list: behaviour Clover does not document, which
 * the real API may not share.
 *
 * # Contract
 *
 * Two contracts (state.ts `CloverContract`; start option `contract`, `POST /__control/config`):
 * `documented` (default) follows Clover's documents and, where they are silent, the generous
 * reading; `strictest` promises nothing Clover does not document. Differences are marked
 * [strictest] below (docs/gateways/clover.md#the-simulators-two-contracts).
 *
 * Conventions
 * - JSON bodies; amounts are integer cents; currency lower-case ISO 4217; `created` is unix ms
 *   (§environments-and-authentication, §the-charge-object). Ids are 13 upper-case alphanumerics
 *   (assumed 9).
 * - Errors: `{ error: { type, code?, message, param?, decline_code?, charge?, doc_url } }` with
 *   `type` one of api_connection_error, api_error, authentication_error, card_error,
 *   idempotency_error, invalid_request_error, rate_limit_error (§errors: Clover's response table).
 *   HTTP codes from Clover's status list (§errors), paired with types as assumed 2: 400 invalid
 *   request (with `param`), 401 authentication (no code: Clover documents none), 402 card_error
 *   ("Request Failed") [strictest: 400, as Clover's capture page lists card errors], 404 unknown
 *   object, 409 idempotency conflict (no code), 429 rate limit, 5xx api_error. Only codes from
 *   Clover's list (§errors); `invalid_request` where none fits.
 *
 * Headers (§required-headers)
 * - `Authorization: Bearer <private key>` on every `/v1` request, otherwise 401
 *   `authentication_error` (§environments-and-authentication). Accepted keys:
 *   `privateKeys` option, or by default any token of 8+ visible characters. The key is never echoed
 *   or stored (only a hash scopes idempotency records).
 * - `x-forwarded-for` is required on `POST /v1/charges` and `POST /v1/charges/:id/capture`
 *   ("Requests that don't include the header will be unsuccessful"): 400 `invalid_request`, param
 *   `x-forwarded-for`.
 * - `idempotency-key` (≤ 255 chars) is required on `POST /v1/charges` (Clover: "a required
 *   value"): 400 `invalid_request`, param `idempotency-key`; honoured when present on every POST
 *   [strictest: on `POST /v1/charges` only; elsewhere ignored, so a repeated refund refunds twice].
 *
 * Idempotency (§idempotency: Clover documents no window or mismatch rule; assumed 1, modelled on
 * Stripe's documented behaviour, with 409 for a reused key)
 * - Scoped per private key. Same key + same method, path and body (key order ignored) → the
 *   stored status and body are replayed with `Idempotent-Replayed: true`, nothing runs again.
 * - Same key + another request → 409 `idempotency_error`, param `idempotency-key`.
 * - Stored: 2xx and 402 declines. Not stored: validation errors, 404, "already captured /
 *   refunded" (re-evaluated on the next request), and fault answers (the request did not run).
 *   Records never expire (the 24 h of other gateways is not modelled).
 *
 * Charges (§endpoints, §the-charge-object, §pre-authorization-rules)
 * - `POST /v1/charges` `{ amount, currency, source, capture? (default true; "false" string
 *   accepted as in Clover's pre-auth example), description? (≤ 255), metadata?, receipt_email?,
 *   level2? }` → 200 charge. amount > 99 999 999 → 400 `amount_too_large` (§errors: Clover's
 *   limit of $999,999.99). `currency` in lower case only ("Format: Lower case"). A card token is
 *   single-use (§card-tokens): a second charge with it → 400 `token_already_used`, param `source`.
 * - Charge: `{ id, object: "charge", amount, amount_captured, amount_refunded, currency, created,
 *   captured, paid, refunded, status: "succeeded" | "failed", outcome { network_status, type },
 *   ref_num, auth_code, order, source { id, object, brand, first6, last4, exp_month, exp_year },
 *   description, metadata, receipt_email, level2, failure_code, failure_message, livemode }`.
 *   `capture: false` → an authorization: `captured: false`, `amount_captured: 0` [strictest: no
 *   `amount_captured` on any answer]. Pre-authorizations expire (§pre-authorization-rules): Visa 7
 *   days, Mastercard 30, after `created` on the simulator's clock (`POST /__control/clock`).
 * - Test tokens (stand-ins for tokenizer output; assumed 16), each optionally with `-<suffix>` to
 *   make a new single-use token: `clv_test_visa`, `clv_test_mastercard` authorize; `clv_test_decline_<code>` → 402 `card_error` /
 *   `card_declined`, `decline_code: <code>`, `charge: <id>` of a stored failed charge (`status:
 *   "failed"`, `paid: false`, `failure_code: <code>`; assumed 15);
 *   `clv_test_capture_decline_<code>` authorizes but every capture is declined that way (the
 *   charge stays uncaptured and releasable); `clv_test_refund_decline_<code>` declines refunds of
 *   captured money. Other tokens → 400 `invalid_request`, param `source`.
 * - `GET /v1/charges/:id` → 200 charge | 404 `resource_missing`.
 *
 * Capture (§capture)
 * - `POST /v1/charges/:id/capture` `{ amount? (default: the whole charge), receipt_email?
 *   (overrides the charge's; 400 `email_invalid`), level2? }` → 200 charge with `captured: true`
 *   and `amount_captured` (Clover: "Returns the charge object with any captured value set to
 *   true") [strictest: `captured: false` and no `amount_captured`, as Clover's capture sample].
 * - One capture per charge; the rest cannot be captured (what Clover does with it is undocumented,
 *   assumed 3). Multi-capture needs the merchant's setting and a top-level `split_shipment`: the
 *   simulator's merchant has none, `split_shipment` → 400 `invalid_request`.
 *   `amount_refunded` does not count the rest.
 * - A second capture → 400 `charge_already_captured` (§errors: "Do not retry"); capture of a
 *   released, failed or expired charge → 400 `invalid_request`; amount > charge amount → 400
 *   `invalid_request`, param `amount` (assumed 4).
 * - `level2` (§level-2-data): tax_amount, discount_amount, freight_amount, duty_amount
 *   (integer cents ≥ 0), tax_indicator (0|1|2), purchase_identifier, pc_order_number,
 *   destination_postal_code, shipping_from_postal_code, destination_country_code (3 digits),
 *   merchant_tax_id, product_description, split_shipment ("n/m"). Unknown fields → 400, param
 *   `level2.<field>`; tax_amount needs pc_order_number (400 `missing`) and ≤ amount
 *   (400 `invalid_tax_amount`; assumed 16). Stored on the charge (merged over create-time level2).
 *
 * Refunds (§refunds-and-releasing-a-hold)
 * - `POST /v1/refunds` `{ charge, amount?, reason? (duplicate | fraudulent |
 *   requested_by_customer), metadata? (assumed 10) }` → 200 `{ id, object: "refund", amount,
 *   charge, created, status: "succeeded", reason, metadata }` [strictest: `{ id, object, amount,
 *   charge, created, status }`, Clover's sample]; no `currency` (Clover's refunds have none).
 * - Captured charge: amount ≤ amount_captured − amount_refunded (default: all of it; assumed 6,
 *   stricter than Clover's "up to the original charge amount"); more → 400 `amount_too_large`,
 *   param `amount`; nothing left → 400 `charge_already_refunded`.
 * - Uncaptured charge: a refund releases the authorization (assumed 5: there is no void endpoint),
 *   in full only (a partial amount → 400 `invalid_request`, param `amount`); `refunded: true`,
 *   `amount_refunded: amount`; releasing again → 400 `charge_already_refunded`.
 * - `GET /v1/refunds/:id` → refund | 404; `GET /v1/refunds?charge=<id>&limit=&starting_after=`
 *   → `{ object: "list", url: "/v1/refunds", has_more, data: Refund[] }` (§listing-refunds),
 *   newest first, `limit` 1–100 (default 10; else 400, param `limit`). `starting_after=<id>`
 *   answers that refund and the ones after it (Clover's example includes the named object;
 *   assumed 11); an unknown id → 404, param `starting_after`. `ending_before` → 400 (not
 *   modelled).
 * - Unknown `/v1` path → 404; known path, other method → 405 (assumed 16).
 *
 * Concurrency: checks and mutation of a request run synchronously, so requests on one charge
 * apply strictly one at a time (two racing captures: one succeeds, one gets
 * `charge_already_captured`).
 *
 * Control API (no auth; tests only; not part of Clover's API)
 * - `POST /__control/faults` `{ faults: Fault[] }` queues faults (shared queue, `../common`); each
 *   is consumed by the next `/v1` request(s) it matches (`match.method`, `match.path`: substring of
 *   path + query or a regex source; `times`, default 1). Kinds: `delay` (wait `delayMs`, then
 *   act normally), `timeout` (a long delay, 30 s by default), `status_500` / `status_503`
 *   (`api_error`, not acting), `status_429` (`rate_limit_error` / `rate_limit`, not acting; a
 *   `Retry-After` only when the fault names `retryAfterSeconds`: Clover sends one on
 *   concurrent-limit 429s only, §rate-limits), `reset_before` (socket destroyed,
 *   not acting), `reset_after` / `lost_response` (act and store the idempotency record, then
 *   destroy the socket; `delayMs` first), `malformed` (act, answer 200 with a truncated body).
 * - `GET /__control/faults` lists, `DELETE /__control/faults` clears the queue.
 * - `GET|POST /__control/config` `{ contract?, partialCaptureRest?: "released" | "held" }` (what a
 *   partial capture does with the rest, undocumented by Clover; shown as `held_amount`/`held_until`
 *   per charge in the state); `POST /__control/clock` `{ advanceSeconds }` or
 *   `{ offsetSeconds }` (how far ahead of real time the simulator's clock runs).
 * - `GET /__control/state` → `{ config, clock, counts: { charges, captures, refunds, requests, replays },
 *   charges: [charge + counts: { captures, capture_requests, refunds, replays }], refunds,
 *   faults }`. `POST /__control/reset` clears everything.
 */
import { header } from "../common"
import { startSimulator } from "../common/request-pipeline"
import { handleApiRequest, type CloverApiOptions } from "./api"
import { handleControlRequest } from "./control"
import { CloverSimError, faultError, invalidRequest } from "./errors"
import { CloverSandboxState, type CloverContract, type PartialCaptureRest } from "./state"

export type CloverSandboxOptions = CloverApiOptions & {
  /** What the simulator promises beyond Clover's documents (state.ts `CloverContract`). Default "documented". */
  contract?: CloverContract
  /** What a partial capture does with the rest (state.ts `PartialCaptureRest`). Default "released". */
  partialCaptureRest?: PartialCaptureRest
  /** Default 0: an ephemeral port. */
  port?: number
  /** Default 127.0.0.1. */
  host?: string
}

export type CloverSandboxHandle = {
  url: string
  port: number
  close(): Promise<void>
  state: CloverSandboxState
}

export async function startCloverSandbox(opts: CloverSandboxOptions = {}): Promise<CloverSandboxHandle> {
  const state = new CloverSandboxState({ contract: opts.contract ?? "documented", partialCaptureRest: opts.partialCaptureRest ?? "released" })
  const apiOptions: CloverApiOptions = { privateKeys: opts.privateKeys }
  const lifecycle = await startSimulator({
    port: opts.port,
    host: opts.host,
    // A simulator bug: answer if still possible; never log the request (it holds a key).
    internalError: () => new CloverSimError(500, "api_error", "internal_error", "The Clover simulator failed unexpectedly.").toResponse(),
    routes: () => ({
      apiPrefix: "/v1",
      state,
      bodyTooLarge: () => invalidRequest("invalid_request", "The request body is larger than 1 MB.", undefined, 413).toResponse(),
      unknownRoute: (method, pathname) =>
        invalidRequest("resource_missing", `Unrecognized request URL (${method} ${pathname}).`, undefined, 404).toResponse(),
      control: ({ method, url, rawBody }) => handleControlRequest(state, method, url, rawBody),
      faultError,
      // Only Clover's concurrent-limit 429s carry retry-after (docs/gateways/clover.md#rate-limits).
      defaultRetryAfterSeconds: null,
      // Synchronous: the idempotency lookup, the checks and the mutation happen in one go.
      api: ({ req, method, url, rawBody }, respond) =>
        respond(() =>
          handleApiRequest(
            state,
            {
              method,
              url,
              authorization: header(req, "authorization"),
              idempotencyKey: header(req, "idempotency-key"),
              forwardedFor: header(req, "x-forwarded-for"),
              rawBody,
            },
            apiOptions
          )
        ),
    }),
  })
  return { url: lifecycle.url, port: lifecycle.port, state, close: () => lifecycle.close() }
}
