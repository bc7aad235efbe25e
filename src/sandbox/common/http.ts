/** HTTP helpers every simulator needs: responses, body reading with a size limit, fingerprints. */
import type { IncomingMessage, ServerResponse } from "node:http"

/**
 * A response produced by a simulator, body already serialized (so later mutations of the state
 * cannot leak into a stored or replayed response). `contentType` overrides the one `send` is
 * given, e.g. for Mollie's HTML checkout page.
 */
export type ApiResponse = {
  status: number
  body: string
  headers?: Record<string, string>
  contentType?: string
}

export function json(status: number, body: unknown, headers?: Record<string, string>): ApiResponse {
  return { status, body: JSON.stringify(body), headers }
}

/** Writes the response unless the socket is already gone (a fault or a client that gave up). */
export function send(res: ServerResponse, response: ApiResponse, contentType = "application/json"): void {
  if (res.destroyed || res.writableEnded) return
  const headers: Record<string, string | number> = { ...response.headers }
  // A 204 has no body, hence no Content-Type either.
  if (response.status !== 204) {
    headers["Content-Type"] = `${response.contentType ?? contentType}; charset=utf-8`
    headers["Content-Length"] = Buffer.byteLength(response.body)
  }
  res.writeHead(response.status, headers)
  res.end(response.status === 204 ? undefined : response.body)
}

export class BodyTooLargeError extends Error {}

export const DEFAULT_BODY_LIMIT_BYTES = 1024 * 1024

/** Reads the whole body; rejects with `BodyTooLargeError` past `limitBytes` (and drains the rest). */
export function readBody(req: IncomingMessage, limitBytes = DEFAULT_BODY_LIMIT_BYTES): Promise<string> {
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

/** First value of a request header (Node gives arrays for repeated ones). */
export function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name.toLowerCase()]
  return Array.isArray(value) ? value[0] : value
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
