/**
 * Typed API errors of the sandbox gateway. The generic pieces (responses, body reading,
 * fingerprints) live in `../common/http` and are re-exported here for the existing imports.
 */
import type { TaxonomyErrorType } from "../common/error-types"
import type { ApiResponse } from "../common/http"

export { BodyTooLargeError, canonicalJson, json, readBody, send } from "../common/http"
export type { ApiResponse } from "../common/http"

/** Clover's error taxonomy (the same list as `GatewayErrorType` in `gateways/gateway.ts`). */
export type ApiErrorType = TaxonomyErrorType

export type ApiErrorBody = {
  error: { type: ApiErrorType; code: string; message: string; param?: string; decline_code?: string }
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly type: ApiErrorType,
    readonly code: string,
    message: string,
    readonly extra: { param?: string; decline_code?: string } = {}
  ) {
    super(message)
    this.name = "ApiError"
  }

  toBody(): ApiErrorBody {
    const error: ApiErrorBody["error"] = { type: this.type, code: this.code, message: this.message }
    if (this.extra.param !== undefined) error.param = this.extra.param
    if (this.extra.decline_code !== undefined) error.decline_code = this.extra.decline_code
    return { error }
  }

  toResponse(headers?: Record<string, string>): ApiResponse {
    return { status: this.status, body: JSON.stringify(this.toBody()), headers }
  }
}

export const invalidRequest = (code: string, message: string, param?: string, status = 400): ApiError =>
  new ApiError(status, "invalid_request_error", code, message, { param })

export const resourceMissing = (what: string, id: string, param: string): ApiError =>
  invalidRequest("resource_missing", `No such ${what}: '${id}'`, param, 404)

