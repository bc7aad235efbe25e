/**
 * Pieces every HTTP simulator reuses: the fault queue, the fault-applying responder, the server
 * lifecycle, the request pipeline, the control API, route matching, the command line and small
 * HTTP helpers. A simulator supplies its routes and its own error bodies.
 */
export {
  BASE_FAULT_KINDS,
  FAULT_KINDS,
  FaultQueue,
  FaultValidationError,
  TIMEOUT_FAULT_DEFAULT_MS,
  faultMatches,
  parseFaults,
} from "./faults"
export type { BaseFaultKind, Fault, FaultKind, FaultMatch } from "./faults"
export {
  BodyTooLargeError,
  DEFAULT_BODY_LIMIT_BYTES,
  canonicalJson,
  header,
  json,
  readBody,
  send,
} from "./http"
export type { ApiResponse } from "./http"
export { startServer } from "./lifecycle"
export type { ServerHandler, ServerLifecycle, StartServerOptions } from "./lifecycle"
export { respondWithFault } from "./respond"
export type { ErrorFaultKind, RespondWithFaultOptions } from "./respond"
export { runCli, serveFromCli } from "./cli"
export type { CliOptions, CliSimulator } from "./cli"
export { handleControl, standardControlRoutes } from "./control"
export type { ControlErrors, ControlOptions, ControlRequest, ControlRoutes, StandardControl } from "./control"
export type { TaxonomyErrorType } from "./error-types"
export { parseJsonObject } from "./json-body"
export { handleSimulatorRequest, startSimulator } from "./request-pipeline"
export type { RespondWithFault, SimulatorRequest, SimulatorRoutes, StartSimulatorOptions } from "./request-pipeline"
export { compilePath, findRoute, safeDecode } from "./routes"
export type { PathPattern, RouteMatch } from "./routes"
