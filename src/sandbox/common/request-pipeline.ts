/**
 * The life of one request in every simulator: read the body (too large → the simulator's 413,
 * a broken upload → drop the socket), serve the control API, serve non-API pages (Mollie's
 * checkout), 404 anything outside the API prefix, then count the API request, take the next
 * matching fault and let `respondWithFault` apply it around the simulator's API handler.
 * The simulator supplies its error bodies and its API; the order above is the same for all.
 */
import type { IncomingMessage, ServerResponse } from "node:http"
import type { FaultQueue } from "./faults"
import { BodyTooLargeError, readBody, send, type ApiResponse } from "./http"
import { startServer, type ServerLifecycle } from "./lifecycle"
import { respondWithFault, type ErrorFaultKind } from "./respond"

export type SimulatorRequest = {
  req: IncomingMessage
  /** Upper case. */
  method: string
  url: URL
  rawBody: string
}

/** Runs the simulator's API handler under the request's fault (see `respondWithFault`). */
export type RespondWithFault = (act: () => ApiResponse | Promise<ApiResponse>) => Promise<void>

export type SimulatorRoutes = {
  /** e.g. "/v1": that path and everything below it is the API. */
  apiPrefix: string
  /** Default content type of API responses (Mollie: `application/hal+json`). */
  contentType?: string
  /** The simulator's state: its fault queue, and its count of API requests (faulted ones too). */
  state: { faults: FaultQueue; requests: number }
  bodyTooLarge(): ApiResponse
  unknownRoute(method: string, pathname: string): ApiResponse
  /** `/__control/*`. */
  control(request: SimulatorRequest): ApiResponse | Promise<ApiResponse>
  /** Pages outside the API and the control API; undefined when the request is not one. */
  page?(request: SimulatorRequest): ApiResponse | undefined
  /** The simulator's error body for a fault that answers instead of acting. */
  faultError(kind: ErrorFaultKind): ApiResponse
  /** RespondWithFaultOptions.defaultRetryAfterSeconds. */
  defaultRetryAfterSeconds?: number | null
  /**
   * Handles an API request: call `respond` with the handler (keep it free of awaits where
   * atomicity matters). Work around it, like Mollie's in-flight idempotency marks, goes here.
   */
  api(request: SimulatorRequest, respond: RespondWithFault): Promise<void>
}

export async function handleSimulatorRequest(
  routes: SimulatorRoutes,
  sleep: (ms: number) => Promise<void>,
  req: IncomingMessage,
  res: ServerResponse
): Promise<void> {
  const method = (req.method ?? "GET").toUpperCase()
  // The base is never used: only the path and query of the request target matter.
  const url = new URL(req.url ?? "/", "http://simulator.invalid")

  let rawBody: string
  try {
    rawBody = await readBody(req)
  } catch (err) {
    if (err instanceof BodyTooLargeError) {
      send(res, routes.bodyTooLarge(), routes.contentType)
    } else {
      req.socket.destroy()
    }
    return
  }
  const request: SimulatorRequest = { req, method, url, rawBody }

  if (url.pathname.startsWith("/__control/")) {
    send(res, await routes.control(request))
    return
  }
  const page = routes.page?.(request)
  if (page) {
    send(res, page)
    return
  }
  if (url.pathname !== routes.apiPrefix && !url.pathname.startsWith(`${routes.apiPrefix}/`)) {
    send(res, routes.unknownRoute(method, url.pathname), routes.contentType)
    return
  }

  routes.state.requests += 1
  const fault = routes.state.faults.take(method, url.pathname + url.search)
  await routes.api(request, (act) =>
    respondWithFault({ req, res, fault, sleep, contentType: routes.contentType, renderError: routes.faultError, defaultRetryAfterSeconds: routes.defaultRetryAfterSeconds, act })
  )
}

export type StartSimulatorOptions = {
  port?: number
  host?: string
  /** The 500 answered when the simulator itself throws (a bug); it must not echo request data. */
  internalError(): ApiResponse
  contentType?: string
  /** Builds the routes once the server listens (they may need its timers, signal or URL). */
  routes(server: ServerLifecycle): SimulatorRoutes
}

/** Starts a simulator's HTTP server around `handleSimulatorRequest`. */
export async function startSimulator(opts: StartSimulatorOptions): Promise<ServerLifecycle> {
  let routes: SimulatorRoutes | undefined
  const server = await startServer({
    port: opts.port,
    host: opts.host,
    // `routes` is set before any request can arrive: the listen callback resolves startServer
    // in a microtask, an incoming connection needs a later I/O callback.
    handler: (req, res) => handleSimulatorRequest(routes!, server.sleep, req, res),
    onUnexpectedError: (res) => send(res, opts.internalError(), opts.contentType),
  })
  routes = opts.routes(server)
  return server
}
