/** The unauthenticated `/__control/*` API used by tests: faults, state, reset (`../common/control`). */
import { handleControl, standardControlRoutes, type ControlErrors, type ControlRequest } from "../common/control"
import { json, type ApiResponse } from "../common"
import { CloverSimError, invalidRequest } from "./errors"
import type { CloverContract, CloverSandboxState, PartialCaptureRest } from "./state"

/** Clover-shaped error bodies for control requests. */
const ERRORS: ControlErrors = {
  invalidJson: (message) => invalidRequest("invalid_request", message),
  invalidFaults: (err) => invalidRequest("invalid_request", err.message, err.param),
  notFound: (method, pathname) => invalidRequest("resource_missing", `Unrecognized control URL (${method} ${pathname}).`, undefined, 404),
  toResponse: (err) => (err instanceof CloverSimError ? err.toResponse() : undefined),
}

const CONTRACTS: readonly CloverContract[] = ["documented", "strictest"]
const RESTS: readonly PartialCaptureRest[] = ["released", "held"]

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value)

/**
 * Besides the standard routes: `GET|POST /__control/config` `{ contract: "documented" | "strictest" }`
 * and `POST /__control/clock` `{ advanceSeconds }` (moves the simulator's clock forward, so
 * authorizations age past their validity without waiting days) or `{ offsetSeconds }` (sets how far
 * ahead of real time it runs; 0 puts it back).
 */
export function handleControlRequest(state: CloverSandboxState, method: string, url: URL, rawBody: string): Promise<ApiResponse> {
  const routes = {
    ...standardControlRoutes({
      faults: state.faults,
      errors: ERRORS,
      snapshot: () => state.snapshot(),
      reset: () => state.reset(),
    }),
    "GET /__control/config": () => json(200, state.config),
    "POST /__control/config": (req: ControlRequest) => {
      const body = isRecord(req.body()) ? (req.body() as Record<string, unknown>) : {}
      const { contract, partialCaptureRest } = body
      if (contract !== undefined && !CONTRACTS.includes(contract as CloverContract)) {
        throw invalidRequest("invalid_request", `contract must be one of ${CONTRACTS.join(", ")}.`, "contract")
      }
      if (partialCaptureRest !== undefined && !RESTS.includes(partialCaptureRest as PartialCaptureRest)) {
        throw invalidRequest("invalid_request", `partialCaptureRest must be one of ${RESTS.join(", ")}.`, "partialCaptureRest")
      }
      state.config = {
        contract: (contract as CloverContract | undefined) ?? state.config.contract,
        partialCaptureRest: (partialCaptureRest as PartialCaptureRest | undefined) ?? state.config.partialCaptureRest,
      }
      return json(200, state.config)
    },
    "POST /__control/clock": (req: ControlRequest) => {
      const body = isRecord(req.body()) ? (req.body() as Record<string, unknown>) : {}
      const field = body.offsetSeconds !== undefined ? "offsetSeconds" : "advanceSeconds"
      const seconds = body[field]
      if (typeof seconds !== "number" || !Number.isFinite(seconds) || seconds < 0) {
        throw invalidRequest("invalid_request", `${field} must be a number ≥ 0.`, field)
      }
      state.clockOffsetMs = (field === "offsetSeconds" ? 0 : state.clockOffsetMs) + Math.round(seconds * 1000)
      return json(200, { now: state.now(), offsetMs: state.clockOffsetMs })
    },
  }
  return handleControl({ routes, errors: ERRORS }, { method, url, rawBody })
}
