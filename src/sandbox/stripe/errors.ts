/**
 * Stripe's error object as the simulator answers it (docs/gateways/stripe.md#errors): `{ error: {
 * type, code?, decline_code?, param?, message, doc_url?, payment_intent?, charge? } }`, with the
 * HTTP status Stripe pairs with it. Handlers throw `StripeApiError`; the pipeline renders it.
 *
 * `phase` decides whether an idempotency record keeps the answer: Stripe saves a result "only
 * after the execution of an endpoint begins", so an error found while reading the parameters or
 * the object named in the path (`validation`) is not replayed, one found while acting is.
 */
import { json, type ApiResponse } from "../common/http"
import type { ErrorFaultKind } from "../common/respond"
import { requestId } from "./ids"

/** The four types the API reference lists for `error.type`. */
export type StripeErrorType = "api_error" | "card_error" | "idempotency_error" | "invalid_request_error"

export type StripeErrorExtra = {
  code?: string
  decline_code?: string
  param?: string
  /** Card errors on an intent carry the intent as it is after the failed attempt. */
  payment_intent?: unknown
  charge?: string
}

export type ErrorPhase = "validation" | "execution"

/** Every error links to its code on Stripe's error-code page, the way Stripe's `doc_url` does. */
export const docUrl = (code: string): string => `https://stripe.com/docs/error-codes/${code.replace(/_/g, "-")}`

export class StripeApiError extends Error {
  constructor(
    readonly status: number,
    readonly type: StripeErrorType,
    message: string,
    readonly extra: StripeErrorExtra = {},
    readonly phase: ErrorPhase = "execution"
  ) {
    super(message)
    this.name = "StripeApiError"
  }

  toBody(): { error: Record<string, unknown> } {
    const error: Record<string, unknown> = {}
    const { code, decline_code, param, payment_intent, charge } = this.extra
    if (charge !== undefined) error.charge = charge
    if (code !== undefined) error.code = code
    if (decline_code !== undefined) error.decline_code = decline_code
    if (code !== undefined) error.doc_url = docUrl(code)
    error.message = this.message
    if (param !== undefined) error.param = param
    if (payment_intent !== undefined) error.payment_intent = payment_intent
    error.type = this.type
    return { error }
  }

  toResponse(headers?: Record<string, string>): ApiResponse {
    return json(this.status, this.toBody(), headers)
  }
}

type Opts = { code?: string; param?: string; status?: number; phase?: ErrorPhase }

/** 400 `invalid_request_error` raised while acting (stored for idempotent replay). */
export const invalidRequest = (message: string, opts: Opts = {}): StripeApiError =>
  new StripeApiError(opts.status ?? 400, "invalid_request_error", message, { code: opts.code, param: opts.param }, opts.phase ?? "execution")

/** 400 about the request's parameters: found before the endpoint acts, never stored. */
export const badParam = (message: string, param: string | undefined, code?: string): StripeApiError =>
  invalidRequest(message, { code, param, phase: "validation" })

export const parameterMissing = (param: string): StripeApiError =>
  badParam(`Missing required param: ${param}.`, param, "parameter_missing")

export const parameterUnknown = (param: string): StripeApiError =>
  badParam(`Received unknown parameter: ${param}`, param, "parameter_unknown")

/**
 * 404 `resource_missing`. Stripe names the other mode when the object exists there ("a similar
 * object exists in live mode, but a test mode key was used to make this request").
 */
export function resourceMissing(kind: string, id: string, param: string, otherMode?: "test" | "live"): StripeApiError {
  const hint = otherMode
    ? `; a similar object exists in ${otherMode} mode, but a ${otherMode === "live" ? "test" : "live"} mode key was used to make this request.`
    : ""
  return invalidRequest(`No such ${kind}: '${id}'${hint}`, { code: "resource_missing", param, status: 404, phase: "validation" })
}

/** `payment_intent_unexpected_state`, worded as Stripe words it for each operation. */
export function unexpectedState(action: string, status: string, allowed: readonly string[]): StripeApiError {
  const list = allowed.length === 1 ? allowed[0] : allowed.join(", ")
  return invalidRequest(
    `This PaymentIntent could not be ${action} because it has a status of ${status}. Only a PaymentIntent with one of the following statuses may be ${action}: ${list}.`,
    { code: "payment_intent_unexpected_state" }
  )
}

/** 402 `card_error`; on an intent the error carries the intent and the failed charge. */
export const cardError = (
  message: string,
  extra: { code: string; decline_code?: string; payment_intent?: unknown; charge?: string }
): StripeApiError => new StripeApiError(402, "card_error", message, extra)

/** Bodies for the fault kinds that answer instead of acting (`../common/respond.ts`). */
export function faultError(kind: ErrorFaultKind): ApiResponse {
  const headers = { "Request-Id": requestId() }
  switch (kind) {
    case "status_500":
      return new StripeApiError(500, "api_error", "Simulated internal server error.").toResponse(headers)
    case "status_503":
      return new StripeApiError(503, "api_error", "Simulated service unavailable.").toResponse(headers)
    case "status_429":
      // Stripe answers a rate limit as invalid_request_error / rate_limit (error-codes page).
      return invalidRequest("Too many requests hit the API too quickly. We recommend an exponential backoff of your requests.", {
        code: "rate_limit",
        status: 429,
      }).toResponse(headers)
  }
}
