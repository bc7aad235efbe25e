/** The unauthenticated `/__control/*` API used by tests: faults, state, reset. */
import { FaultValidationError, json, parseFaults, type ApiResponse } from "../shared"
import { CloverSimError, invalidRequest } from "./errors"
import type { CloverSandboxState } from "./state"
import { isRecord } from "./validate"

export function handleControlRequest(state: CloverSandboxState, method: string, pathname: string, rawBody: string): ApiResponse {
  try {
    const path = pathname.replace(/\/+$/, "")
    if (path === "/__control/faults" && method === "POST") {
      const body = parseJson(rawBody)
      try {
        return json(200, { queued: state.faults.add(parseFaults(isRecord(body) ? body.faults : undefined)) })
      } catch (err) {
        if (err instanceof FaultValidationError) throw invalidRequest("invalid_request", err.message, err.param)
        throw err
      }
    }
    if (path === "/__control/faults" && method === "DELETE") return json(200, { cleared: state.faults.clear() })
    if (path === "/__control/faults" && method === "GET") return json(200, { faults: state.faults.list() })
    if (path === "/__control/state" && method === "GET") return json(200, state.snapshot())
    if (path === "/__control/reset" && method === "POST") {
      state.reset()
      return json(200, { reset: true })
    }
    throw invalidRequest("resource_missing", `Unrecognized control URL (${method} ${pathname}).`, undefined, 404)
  } catch (err) {
    if (err instanceof CloverSimError) return err.toResponse()
    throw err
  }
}

function parseJson(raw: string): unknown {
  if (raw.trim() === "") return {}
  try {
    return JSON.parse(raw)
  } catch {
    throw invalidRequest("invalid_request", "The request body is not valid JSON.")
  }
}
