/**
 * Mollie's error body (spec `components.schemas.error-response`, docs/gateways/mollie.md#errors):
 * `{ status, title, detail, field?, _links: { documentation } }`, content type
 * `application/hal+json`, `title` the HTTP reason phrase.
 */
import type { ApiResponse } from "../common/http"

export const HAL_JSON = "application/hal+json"

/** "The URL to the generic Mollie API error handling guide", as the reference's 429 example links it. */
export const DOCS_ERRORS = { href: "https://docs.mollie.com/overview/handling-errors", type: "text/html" }

const TITLES: Record<number, string> = {
  400: "Bad Request",
  401: "Unauthorized Request",
  403: "Forbidden",
  404: "Not Found",
  405: "Method Not Allowed",
  409: "Conflict",
  410: "Gone",
  413: "Request Entity Too Large",
  415: "Unsupported Media Type",
  422: "Unprocessable Entity",
  429: "Too Many Requests",
  500: "Internal Server Error",
  502: "Bad Gateway",
  503: "Service Unavailable",
  504: "Gateway Timeout",
}

export type MollieErrorBody = {
  status: number
  title: string
  detail: string
  field?: string
  _links: { documentation: { href: string; type: string } }
}

export class MollieApiError extends Error {
  constructor(
    readonly status: number,
    readonly detail: string,
    readonly field?: string
  ) {
    super(detail)
    this.name = "MollieApiError"
  }

  toBody(): MollieErrorBody {
    const body: MollieErrorBody = {
      status: this.status,
      title: TITLES[this.status] ?? "Error",
      detail: this.detail,
      _links: { documentation: DOCS_ERRORS },
    }
    if (this.field !== undefined) body.field = this.field
    return body
  }

  toResponse(headers?: Record<string, string>): ApiResponse {
    return { status: this.status, body: JSON.stringify(this.toBody()), headers, contentType: HAL_JSON }
  }
}

/** A HAL+JSON success response. */
export function hal(status: number, body: unknown, headers?: Record<string, string>): ApiResponse {
  return { status, body: JSON.stringify(body), headers, contentType: HAL_JSON }
}

export const unprocessable = (detail: string, field?: string): MollieApiError => new MollieApiError(422, detail, field)
export const badRequest = (detail: string, field?: string): MollieApiError => new MollieApiError(400, detail, field)
/** A required field that was not sent, worded as the reference's 422 examples ("The 'amount' field is missing"). */
export const missingField = (field: string): MollieApiError => unprocessable(`The '${field}' field is missing`, field)
export const notFound = (detail: string): MollieApiError => new MollieApiError(404, detail)
export const noSuch = (what: "payment" | "capture" | "refund", id: string): MollieApiError =>
  notFound(`No ${what} exists with token ${id}.`)
