/**
 * The unauthenticated `/__control/*` API every simulator has, for tests and the demo: queue,
 * list and clear faults, read the state, reset. A simulator supplies its own error bodies, what
 * its state and reset are, and any extra control routes (Mollie's config and webhooks).
 */
import { FAULT_KINDS, FaultValidationError, parseFaults, type FaultKind, type FaultQueue } from "./faults"
import { json, type ApiResponse } from "./http"

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value)

export type ControlRequest = {
  url: URL
  /** The parsed JSON body; `{}` when empty. Read lazily: only routes that need it parse it. */
  body(): unknown
}

/** Keyed by `"<METHOD> <path without trailing slash>"`, e.g. `"POST /__control/reset"`. */
export type ControlRoutes = Record<string, (req: ControlRequest) => ApiResponse | Promise<ApiResponse>>

/** The simulator's own error bodies for control requests. Each returns an error to throw. */
export type ControlErrors = {
  invalidJson(message: string): Error
  invalidFaults(err: FaultValidationError): Error
  notFound(method: string, pathname: string): Error
  /** The response for an error this simulator threw; undefined for anything else (a bug). */
  toResponse(err: unknown): ApiResponse | undefined
}

export type StandardControl = {
  faults: FaultQueue
  /** The fault kinds this simulator documents (default: all). */
  faultKinds?: readonly FaultKind[]
  errors: Pick<ControlErrors, "invalidFaults">
  snapshot(): unknown
  reset(): void
}

/** The routes every simulator has: faults (queue, list, clear), state and reset. */
export function standardControlRoutes(control: StandardControl): ControlRoutes {
  const { faults } = control
  return {
    "POST /__control/faults": (req) => {
      const body = req.body()
      try {
        return json(200, { queued: faults.add(parseFaults(isRecord(body) ? body.faults : undefined, control.faultKinds ?? FAULT_KINDS)) })
      } catch (err) {
        if (err instanceof FaultValidationError) throw control.errors.invalidFaults(err)
        throw err
      }
    },
    "DELETE /__control/faults": () => json(200, { cleared: faults.clear() }),
    "GET /__control/faults": () => json(200, { faults: faults.list() }),
    "GET /__control/state": () => json(200, control.snapshot()),
    "POST /__control/reset": () => {
      control.reset()
      return json(200, { reset: true })
    },
  }
}

export type ControlOptions = {
  routes: ControlRoutes
  errors: ControlErrors
  /**
   * Parse the body of every POST before routing, so a malformed body is a 400 even on an
   * unknown URL (Mollie's simulator always did this); by default only routes that read the
   * body parse it.
   */
  parseEveryPost?: boolean
}

export async function handleControl(
  opts: ControlOptions,
  req: { method: string; url: URL; rawBody: string }
): Promise<ApiResponse> {
  const { errors } = opts
  try {
    const path = req.url.pathname.replace(/\/+$/, "")
    let parsed: { value: unknown } | undefined
    const body = (): unknown => {
      parsed ??= { value: parseJson(req.rawBody, errors) }
      return parsed.value
    }
    if (opts.parseEveryPost && req.method === "POST") body()
    const route = opts.routes[`${req.method} ${path}`]
    if (!route) throw errors.notFound(req.method, req.url.pathname)
    return await route({ url: req.url, body })
  } catch (err) {
    const response = errors.toResponse(err)
    if (response) return response
    throw err
  }
}

function parseJson(raw: string, errors: Pick<ControlErrors, "invalidJson">): unknown {
  if (raw.trim() === "") return {}
  try {
    return JSON.parse(raw)
  } catch {
    throw errors.invalidJson("The request body is not valid JSON.")
  }
}
