/** Small HTTP helpers for the sandbox gateway: typed API errors, JSON responses, body reading. */
import type { IncomingMessage, ServerResponse } from "node:http"

/** Clover's error taxonomy (the same list as `GatewayErrorType` in `gateways/gateway.ts`). */
export type ApiErrorType =
  | "api_connection_error"
  | "api_error"
  | "authentication_error"
  | "card_error"
  | "idempotency_error"
  | "invalid_request_error"
  | "rate_limit_error"

export type ApiErrorBody = {
  error: { type: ApiErrorType; code: string; message: string; param?: string; decline_code?: string }
}

/** A response produced by the API, body already serialized (so later mutations cannot leak in). */
export type ApiResponse = { status: number; body: string; headers?: Record<string, string> }

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

export function json(status: number, body: unknown, headers?: Record<string, string>): ApiResponse {
  return { status, body: JSON.stringify(body), headers }
}

export function send(res: ServerResponse, response: ApiResponse, contentType = "application/json"): void {
  if (res.destroyed || res.writableEnded) return
  res.writeHead(response.status, {
    "Content-Type": `${contentType}; charset=utf-8`,
    "Content-Length": Buffer.byteLength(response.body),
    ...response.headers,
  })
  res.end(response.body)
}

export class BodyTooLargeError extends Error {}

export function readBody(req: IncomingMessage, limitBytes = 1024 * 1024): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    req.on("data", (chunk: Buffer) => {
      size += chunk.length
      if (size > limitBytes) {
        reject(new BodyTooLargeError())
        req.removeAllListeners("data")
        req.resume()
        return
      }
      chunks.push(chunk)
    })
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")))
    req.on("error", reject)
  })
}

/** JSON with object keys sorted, so `{a,b}` and `{b,a}` fingerprint the same. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`
  if (value !== null && typeof value === "object") {
    const entries = Object.keys(value as object)
      .sort()
      .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`)
    return `{${entries.join(",")}}`
  }
  return JSON.stringify(value) ?? "null"
}
