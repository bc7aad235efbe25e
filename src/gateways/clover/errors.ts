/**
 * Pure translation of Clover failures into `GatewayError`s: HTTP error answers (the seven error
 * types of docs/gateways/clover.md#errors; the status pairs are assumed 2 there), transport
 * failures and unreadable bodies (assumed 14). Who may retry, and
 * whether the request may have acted, is decided here and nowhere else:
 *
 * | failure                                        | retryable | outcomeUnknown (POST) |
 * |------------------------------------------------|-----------|-----------------------|
 * | connection never made                          | yes       | no                    |
 * | timeout, reset after sending                   | yes       | yes                   |
 * | 429 rate_limit_error (Retry-After honoured)    | yes       | no                    |
 * | 5xx api_error                                  | yes       | yes                   |
 * | 2xx with a body we cannot read                 | no        | yes                   |
 * | 401/403 authentication_error                   | never     | no                    |
 * | 402 card_error, 400/404 invalid_request_error, |           |                       |
 * | 409 idempotency_error                          | no        | no                    |
 *
 * A GET never acts, so its failures are never outcome-unknown.
 */
import { GATEWAY_ERROR_TYPES, GatewayError, type GatewayErrorInit, type GatewayErrorType } from "../gateway"
import * as failures from "../common/failures"
import { BEARER_TOKEN, redactPatterns, redactVerbatim } from "../common/redact"
import { parseRetryAfter } from "../common/retry-after"

export { parseRetryAfter }
export type { RequestContext } from "../common/failures"
type RequestContext = failures.RequestContext

/** A Clover error with the two fields `GatewayError` has no place for. */
export class CloverApiError extends GatewayError {
  /** The failed charge's id (card errors: Clover keeps a failed charge). */
  readonly charge?: string
  readonly docUrl?: string

  constructor(init: GatewayErrorInit & { charge?: string; docUrl?: string }) {
    super(init)
    this.name = "CloverApiError"
    this.charge = init.charge
    this.docUrl = init.docUrl
  }
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value)

const text = (value: unknown): string | undefined => (typeof value === "string" && value !== "" ? value : undefined)

/** Only a POST can have acted at Clover. */
export const isMutating = (method: string): boolean => method.toUpperCase() === "POST"

// --- secrets ---------------------------------------------------------------------------------

/**
 * Removes bearer tokens, and the given secrets verbatim, from a message that came from the
 * network (a misbehaving proxy could echo our Authorization header).
 */
export function redact(message: string, secrets: readonly string[] = []): string {
  // Secrets shorter than 4 characters are not scrubbed: they would shred the message.
  return redactVerbatim(redactPatterns(message, [BEARER_TOKEN]), secrets, 4)
}

// --- HTTP error answers ------------------------------------------------------------------------

const isErrorType = (value: unknown): value is GatewayErrorType =>
  typeof value === "string" && (GATEWAY_ERROR_TYPES as readonly string[]).includes(value)

/** The type to assume when the body does not name one (a proxy's HTML page, an empty body). */
export function errorTypeForStatus(status: number): GatewayErrorType {
  if (status === 401 || status === 403) return "authentication_error"
  if (status === 402) return "card_error"
  if (status === 409) return "idempotency_error"
  if (status === 429) return "rate_limit_error"
  if (status >= 400 && status < 500) return "invalid_request_error"
  return "api_error"
}

export type ErrorAnswer = {
  status: number
  /** The parsed JSON body, or undefined when it was not JSON. */
  body: unknown
  retryAfter?: string | null
  nowMs?: number
  /** Which Clover environment answered, for the authentication message. */
  environment?: string
  secrets?: readonly string[]
}

function authenticationMessage(status: number, environment: string | undefined, detail: string | undefined): string {
  const where = environment ? ` ${environment}` : ""
  const base =
    status === 403
      ? `Clover refused the request (HTTP 403): the private key is not allowed to do this for this merchant.`
      : `Clover rejected the private key (HTTP ${status}). Check that the Ecommerce private key is current and belongs to the${where} environment; the request is not retried.`
  return detail ? `${base} Clover said: ${detail}` : base
}

/** A non-2xx answer from Clover as a `CloverApiError`. */
export function errorFromResponse(answer: ErrorAnswer, ctx: RequestContext): CloverApiError {
  const { status } = answer
  const wire = isRecord(answer.body) && isRecord(answer.body.error) ? answer.body.error : undefined
  const type = isErrorType(wire?.type) ? wire.type : errorTypeForStatus(status)
  const serverMessage = text(wire?.message) ?? (isRecord(answer.body) ? text(answer.body.message) : undefined)
  // An authentication error is never retried, whatever the status: a new key is needed.
  const retryable =
    type !== "authentication_error" &&
    (type === "rate_limit_error" || type === "api_connection_error" || status === 429 || status >= 500)
  const message =
    type === "authentication_error"
      ? authenticationMessage(status, answer.environment, serverMessage)
      : serverMessage ?? `Clover answered HTTP ${status} to ${ctx.method} ${ctx.path}.`
  return new CloverApiError({
    type,
    message: redact(message, answer.secrets),
    code: text(wire?.code) ?? (wire ? undefined : `http_${status}`),
    declineCode: text(wire?.decline_code),
    param: text(wire?.param),
    httpStatus: status,
    retryable,
    outcomeUnknown: status >= 500 && isMutating(ctx.method),
    retryAfterMs: retryable ? parseRetryAfter(answer.retryAfter, answer.nowMs ?? Date.now()) : undefined,
    charge: text(wire?.charge),
    docUrl: text(wire?.doc_url),
  })
}

// --- no HTTP answer ----------------------------------------------------------------------------

/** How the shared failure messages name Clover. An abort is reported as the timeout it is. */
const WORDING: failures.FailureWording<CloverApiError> = {
  gateway: "Clover",
  isMutating,
  create: (init) => new CloverApiError(init),
  expectedBody: "JSON object",
}

/** A request that got no HTTP answer: always retryable with the same key. */
export const transportError = (err: unknown, ctx: RequestContext & { timeoutMs: number }): CloverApiError =>
  failures.transportError(err, ctx, WORDING)

/** A 2xx we cannot read. Not retried (it may have acted); a POST's outcome is unknown. */
export const malformedResponseError = (status: number, ctx: RequestContext): CloverApiError =>
  failures.malformedResponseError(status, ctx, WORDING)

/**
 * The same error, marked outcome-unknown: once an earlier attempt may have acted, a later
 * failure (a 409, a 400 on the retry) proves nothing about that attempt.
 */
export function asOutcomeUnknown(err: GatewayError): CloverApiError {
  return new CloverApiError({
    ...failures.initOf(err),
    outcomeUnknown: true,
    charge: err instanceof CloverApiError ? err.charge : undefined,
    docUrl: err instanceof CloverApiError ? err.docUrl : undefined,
  })
}

/** A problem with our own request, found before sending it. */
export function invalidRequest(code: string, message: string, param?: string): CloverApiError {
  return new CloverApiError({ type: "invalid_request_error", code, message, param })
}
