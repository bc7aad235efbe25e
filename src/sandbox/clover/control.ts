/** The unauthenticated `/__control/*` API used by tests: faults, state, reset (`../common/control`). */
import { handleControl, standardControlRoutes, type ControlErrors } from "../common/control"
import type { ApiResponse } from "../common"
import { CloverSimError, invalidRequest } from "./errors"
import type { CloverSandboxState } from "./state"

/** Clover-shaped error bodies for control requests. */
const ERRORS: ControlErrors = {
  invalidJson: (message) => invalidRequest("invalid_request", message),
  invalidFaults: (err) => invalidRequest("invalid_request", err.message, err.param),
  notFound: (method, pathname) => invalidRequest("resource_missing", `Unrecognized control URL (${method} ${pathname}).`, undefined, 404),
  toResponse: (err) => (err instanceof CloverSimError ? err.toResponse() : undefined),
}

export function handleControlRequest(state: CloverSandboxState, method: string, url: URL, rawBody: string): Promise<ApiResponse> {
  const routes = standardControlRoutes({
    faults: state.faults,
    errors: ERRORS,
    snapshot: () => state.snapshot(),
    reset: () => state.reset(),
  })
  return handleControl({ routes, errors: ERRORS }, { method, url, rawBody })
}
