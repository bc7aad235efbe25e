/**
 * Sandbox payment gateway: an in-memory HTTP simulator of our own generic gateway contract,
 * used by tests, the demo and developers without credentials. `node:http` only; it logs nothing.
 *
 * # Contract
 *
 * Conventions
 * - JSON request and response bodies. Amounts are integers in minor units (`amount > 0`);
 *   currencies are three-letter ISO 4217 codes, returned in lower case. `created` is unix ms.
 * - Errors are always `{ error: { type, code, message, param?, decline_code? } }`, with `type`
 *   from Clover's taxonomy: api_connection_error, api_error, authentication_error, card_error,
 *   idempotency_error, invalid_request_error, rate_limit_error.
 *
 * Authentication
 * - Every `/v1/*` request needs `Authorization: Bearer sk_test_…` (or `sk_live_…`), otherwise
 *   401 `authentication_error` / `invalid_api_key`. The key is never echoed.
 *
 * Idempotency
 * - Every POST must carry `Idempotency-Key` (≤ 255 chars), otherwise 400
 *   `invalid_request_error` / `parameter_missing`, param `Idempotency-Key`.
 * - Keys are scoped per API key. Same key + same method, path and body (key order ignored) →
 *   the stored response (status and body) is replayed with header `Idempotent-Replayed: true`
 *   and nothing runs again. Same key + a different request → 400 `idempotency_error` /
 *   `idempotency_key_reused`.
 * - Stored are the results of operations: 2xx and 402 (declines). Validation errors and 404s are
 *   not stored, so a corrected request may reuse its key.
 *
 * Resources
 * - `POST /v1/payments` `{ amount, currency, source, description? (≤ 255), metadata? }` → 201 payment.
 *   Sources: `tok_visa` authorizes; `tok_decline_<code>` → 402 `card_error` / `card_declined`
 *   with `decline_code: <code>` (nothing stored); `tok_capture_decline_<code>` authorizes, but
 *   every capture on it is declined the same way. Any other source → 400 `resource_missing`,
 *   param `source`.
 * - Payment: `{ id: "sbx_pay_…", object: "payment", status, amount, currency, amount_captured,
 *   amount_refunded, amount_capturable, captures: Capture[], refunds: Refund[], description,
 *   created, metadata }`. Status: `refunded`/`partially_refunded` once anything is refunded
 *   (all of what was captured / part of it); else `authorized` (nothing captured), `canceled`
 *   (nothing captured, rest released), `captured` (all of `amount`), `partially_captured`.
 * - `GET /v1/payments/:id` → 200 payment | 404 `invalid_request_error` / `resource_missing`, param `id`.
 * - `POST /v1/payments/:id/captures` `{ amount? (default: all capturable), description? (≤ 255),
 *   metadata? }` → 201 capture `{ id: "sbx_cap_…", object: "capture", payment, amount, currency,
 *   status: "succeeded", transaction_id: "txn_…", idempotency_key, description, metadata, created }`.
 *   Errors: 404 unknown payment; 400 param `amount` (`parameter_invalid`) for a non-integer or
 *   ≤ 0 amount; 400 `payment_not_capturable` when nothing is capturable (canceled or fully
 *   captured); 400 `amount_too_large`, param `amount`, when amount > capturable; 402
 *   `card_error` for capture-decline sources (nothing stored but the idempotency record).
 * - `GET /v1/payments/:id/captures[?idempotency_key=…]` → 200 `{ data: Capture[] }` (creation
 *   order); `GET /v1/payments/:id/captures/:captureId` → 200 capture | 404.
 * - `POST /v1/payments/:id/refunds` `{ amount, capture?: captureId, reason? (≤ 255) }` → 201 refund
 *   `{ id: "sbx_re_…", object: "refund", payment, capture (or null), amount, currency,
 *   status: "succeeded", reason, idempotency_key, created }`. 400 `amount_too_large`, param
 *   `amount`, when amount > captured − refunded (and, with `capture`, > that capture's amount −
 *   its refunds); 404 param `capture` for a capture of another payment.
 * - `GET /v1/payments/:id/refunds[?idempotency_key=…]` → `{ data: Refund[] }`;
 *   `GET /v1/payments/:id/refunds/:refundId`.
 * - `POST /v1/payments/:id/cancel` → 200 payment: releases the uncaptured rest
 *   (`amount_capturable` becomes 0; status `canceled` if nothing was captured, otherwise it keeps
 *   its captured status). Idempotent: canceling again is 200.
 * - Unknown `/v1` path → 404 `route_not_found`; known path, wrong method → 405 `method_not_allowed`.
 *
 * Concurrency: a request's checks and mutation run synchronously, so requests on one payment
 * are applied strictly one at a time. Captures are synchronous (`captureMode: "sync"`).
 *
 * Control API (no auth, for tests)
 * - `POST /__control/faults` `{ faults: Fault[] }` queues faults; each is consumed by the next
 *   `/v1` request(s) it matches (`match.method`, `match.path`: substring of the path + query, or a
 *   regex source; `times`, default 1). Kinds: `delay` (wait `delayMs`, then handle normally);
 *   `status_500` / `status_503` (answer `api_error` without acting); `status_429` (answer
 *   `rate_limit_error` with `Retry-After: retryAfterSeconds`, default 1, without acting);
 *   `reset_before` (destroy the socket without acting); `reset_after` and `lost_response`
 *   (act and store, including the idempotency record, then destroy the socket without
 *   answering; `delayMs` keeps the socket silent that long first); `malformed` (act, then
 *   answer 200 with a non-JSON body). For the other kinds `delayMs` is a wait before the fault.
 * - `DELETE /__control/faults` clears the queue; `GET /__control/faults` lists it.
 * - `GET /__control/state` → `{ counts: { payments, captures, refunds, requests }, payments,
 *   captures, refunds, faults }`; `POST /__control/reset` clears everything.
 */
import { header } from "../common/http"
import { startSimulator } from "../common/request-pipeline"
import type { ErrorFaultKind } from "../common/respond"
import { handleApiRequest } from "./api"
import { handleControlRequest } from "./control"
import { ApiError, invalidRequest } from "./http"
import { SandboxState } from "./state"

export { SandboxState } from "./state"

export type SandboxGatewayOptions = {
  /** Default 0: an ephemeral port. */
  port?: number
  /** Default 127.0.0.1. */
  host?: string
  captureMode?: "sync"
}

export type SandboxGatewayHandle = {
  url: string
  port: number
  close(): Promise<void>
  state: SandboxState
}

export async function startSandboxGateway(opts: SandboxGatewayOptions = {}): Promise<SandboxGatewayHandle> {
  const state = new SandboxState({ captureMode: opts.captureMode ?? "sync" })
  const server = await startSimulator({
    port: opts.port,
    host: opts.host,
    // A bug in the simulator: answer 500 if still possible, never log request data.
    internalError: () => new ApiError(500, "api_error", "internal_error", "The sandbox failed unexpectedly.").toResponse(),
    routes: () => ({
      apiPrefix: "/v1",
      state,
      bodyTooLarge: () => invalidRequest("request_too_large", "The request body is larger than 1 MB.", undefined, 413).toResponse(),
      unknownRoute: (method, pathname) =>
        invalidRequest("route_not_found", `Unrecognized request URL (${method} ${pathname}).`, undefined, 404).toResponse(),
      control: ({ method, url, rawBody }) => handleControlRequest(state, method, url, rawBody),
      faultError,
      // Nothing awaits inside handleApiRequest: check and mutation are atomic.
      api: ({ req, method, url, rawBody }, respond) =>
        respond(() =>
          handleApiRequest(state, {
            method,
            url,
            authorization: header(req, "authorization"),
            idempotencyKey: header(req, "idempotency-key"),
            rawBody,
          })
        ),
    }),
  })
  return { url: server.url, port: server.port, state, close: () => server.close() }
}

/** The error a fault answers with instead of acting. */
function faultError(kind: ErrorFaultKind) {
  switch (kind) {
    case "status_500":
      return new ApiError(500, "api_error", "internal_error", "Simulated internal server error.").toResponse()
    case "status_503":
      return new ApiError(503, "api_error", "service_unavailable", "Simulated service unavailable.").toResponse()
    case "status_429":
      return new ApiError(429, "rate_limit_error", "rate_limited", "Too many requests. Retry later.").toResponse()
  }
}
