/**
 * Pieces every HTTP simulator reuses: the fault queue, the fault-applying responder, the server
 * lifecycle and small HTTP helpers. A simulator supplies its routes and its own error bodies.
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
