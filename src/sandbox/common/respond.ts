/**
 * Applies a queued fault around one API request. The semantics are the same for every
 * simulator; only the error bodies differ, so the caller passes `renderError`:
 *
 * - `delay`, `timeout`: wait `delayMs` (timeout: default `TIMEOUT_FAULT_DEFAULT_MS`), then act
 *   and answer normally.
 * - `status_500`, `status_503`, `status_429`: wait `delayMs`, answer the error without acting
 *   (429 with `Retry-After: retryAfterSeconds`, default 1 unless the simulator says otherwise).
 * - `reset_before`: wait `delayMs`, destroy the socket without acting.
 * - `reset_after`, `lost_response`: act (the simulator stores the result and its idempotency
 *   record), wait `delayMs`, then destroy the socket without answering: the client cannot tell
 *   whether anything happened, which is the case the reconciler exists for.
 * - `malformed`: act, then answer 200 with half the body and a junk tail.
 */
import type { IncomingMessage, ServerResponse } from "node:http"
import { TIMEOUT_FAULT_DEFAULT_MS, type Fault } from "./faults"
import { send, type ApiResponse } from "./http"

/** The fault kinds that answer with an error instead of acting. */
export type ErrorFaultKind = "status_500" | "status_503" | "status_429"

export type RespondWithFaultOptions = {
  req: IncomingMessage
  res: ServerResponse
  /** The fault taken from the queue for this request, if any. */
  fault: Fault | undefined
  sleep: (ms: number) => Promise<void>
  /** Does the work and returns the response. Keep it free of awaits where atomicity matters. */
  act: () => ApiResponse | Promise<ApiResponse>
  /** The simulator's own error body for a fault that answers instead of acting. */
  renderError: (kind: ErrorFaultKind) => ApiResponse
  /** Default content type of responses (e.g. `application/hal+json` for Mollie). */
  contentType?: string
  /**
   * `Retry-After` of a `status_429` fault that names no `retryAfterSeconds`: default 1; null sends
   * none (Clover names one only on concurrent-limit 429s).
   */
  defaultRetryAfterSeconds?: number | null
}

const actsFirst = (fault: Fault): boolean => fault.kind === "reset_after" || fault.kind === "lost_response"

export async function respondWithFault(opts: RespondWithFaultOptions): Promise<void> {
  const { req, res, fault, sleep, contentType } = opts
  const wait = fault?.delayMs ?? (fault?.kind === "timeout" ? TIMEOUT_FAULT_DEFAULT_MS : 0)

  if (fault && !actsFirst(fault)) {
    await sleep(wait)
    switch (fault.kind) {
      case "reset_before":
        req.socket.destroy()
        return
      case "status_500":
      case "status_503":
        send(res, opts.renderError(fault.kind), contentType)
        return
      case "status_429": {
        const response = opts.renderError("status_429")
        const seconds = fault.retryAfterSeconds ?? (opts.defaultRetryAfterSeconds === undefined ? 1 : opts.defaultRetryAfterSeconds)
        const headers = seconds === null ? { ...response.headers } : { ...response.headers, "Retry-After": String(seconds) }
        send(res, { ...response, headers }, contentType)
        return
      }
      default:
        break
    }
  }

  const response = await opts.act()

  if (fault && actsFirst(fault)) {
    await sleep(wait)
    req.socket.destroy()
    return
  }
  if (fault?.kind === "malformed") {
    const half = response.body.slice(0, Math.max(1, Math.floor(response.body.length / 2)))
    send(res, { status: 200, body: half + "<!-- truncated", contentType: response.contentType }, contentType)
    return
  }
  send(res, response, contentType)
}
