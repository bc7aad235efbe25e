/** The unauthenticated `/__control/*` API used by tests: faults, state, reset (`../common/control`). */
import { handleControl, standardControlRoutes, type ControlErrors } from "../common/control"
import { FAULT_KINDS } from "./faults"
import { ApiError, invalidRequest, type ApiResponse } from "./http"
import type { SandboxState } from "./state"

/** This simulator's error bodies for control requests. */
const ERRORS: ControlErrors = {
  invalidJson: (message) => invalidRequest("invalid_json", message),
  invalidFaults: (err) => invalidRequest("parameter_invalid", err.message, err.param),
  notFound: (method, pathname) => invalidRequest("route_not_found", `Unrecognized control URL (${method} ${pathname}).`, undefined, 404),
  toResponse: (err) => (err instanceof ApiError ? err.toResponse() : undefined),
}

export function handleControlRequest(state: SandboxState, method: string, url: URL, rawBody: string): Promise<ApiResponse> {
  const routes = standardControlRoutes({
    faults: state.faults,
    // The kinds this simulator has always documented (no `timeout`; use `delay`).
    faultKinds: FAULT_KINDS,
    errors: ERRORS,
    snapshot: () => state.snapshot(),
    reset: () => state.reset(),
  })
  return handleControl({ routes, errors: ERRORS }, { method, url, rawBody })
}
