/**
 * Clover's error object as the simulator answers it: `{ error: { type, code, message, param?,
 * decline_code?, charge?, doc_url } }` (docs/gateways/clover.md#errors: the fields of Clover's
 * response table). Handlers throw `CloverSimError`; the pipeline turns it into a response.
 */
import type { TaxonomyErrorType } from "../common/error-types"
import { json, type ApiResponse, type ErrorFaultKind } from "../common"

export type CloverSimErrorType = TaxonomyErrorType

export type CloverErrorExtra = { param?: string; decline_code?: string; charge?: string }

/** Where Clover documents its codes (docs/gateways/clover.md#errors). */
export const DOC_URL = "https://docs.clover.com/docs/ecommerce-error-codes"

export class CloverSimError extends Error {
  constructor(
    readonly status: number,
    readonly type: CloverSimErrorType,
    /** Only codes from Clover's list; none where Clover documents none (401, 409). */
    readonly code: string | undefined,
    message: string,
    readonly extra: CloverErrorExtra = {}
  ) {
    super(message)
    this.name = "CloverSimError"
  }

  toResponse(headers?: Record<string, string>): ApiResponse {
    const error: Record<string, unknown> = { type: this.type, ...(this.code ? { code: this.code } : {}), message: this.message }
    for (const [key, value] of Object.entries(this.extra)) if (value !== undefined) error[key] = value
    error.doc_url = DOC_URL
    return json(this.status, { error }, headers)
  }
}

export const invalidRequest = (code: string, message: string, param?: string, status = 400): CloverSimError =>
  new CloverSimError(status, "invalid_request_error", code, message, { param })

export const resourceMissing = (what: string, id: string, param: string): CloverSimError =>
  invalidRequest("resource_missing", `No such ${what}: '${id}'.`, param, 404)

const DECLINE_MESSAGES: Record<string, string> = {
  insufficient_funds: "The card has insufficient funds.",
  expired_card: "The card has expired.",
  incorrect_cvc: "The card's security code is incorrect.",
  processing_error: "An error occurred while processing the card.",
}

/**
 * `card_error` / `card_declined`; `charge` names the failed charge. The status (400 or 402) is not
 * documented: render.ts `declineStatus` picks it by contract.
 */
export const cardDeclined = (declineCode: string, chargeId: string, status: 400 | 402 = 402): CloverSimError =>
  new CloverSimError(status, "card_error", "card_declined", DECLINE_MESSAGES[declineCode] ?? "The card was declined.", {
    decline_code: declineCode,
    charge: chargeId,
  })

/** Bodies for the fault kinds that answer instead of acting (`respondWithFault`). */
export function faultError(kind: ErrorFaultKind): ApiResponse {
  switch (kind) {
    case "status_500":
      return new CloverSimError(500, "api_error", "internal_error", "Simulated internal server error.").toResponse()
    case "status_503":
      return new CloverSimError(503, "api_error", "service_unavailable", "Simulated service unavailable.").toResponse()
    case "status_429":
      return new CloverSimError(429, "rate_limit_error", "rate_limit", "Too many requests: pause one second, then back off exponentially.").toResponse()
  }
}
