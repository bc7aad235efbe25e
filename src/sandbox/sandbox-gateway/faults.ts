/**
 * Fault injection for the sandbox gateway: the shared queue (`../shared/faults`), restricted to
 * the kinds this simulator has always documented (no `timeout`; use `delay`).
 */
import { BASE_FAULT_KINDS, parseFaults as parseSharedFaults, type BaseFaultKind, type Fault } from "../shared/faults"

export { FaultQueue, FaultValidationError, faultMatches } from "../shared/faults"
export type { Fault, FaultMatch } from "../shared/faults"

export const FAULT_KINDS = BASE_FAULT_KINDS
export type FaultKind = BaseFaultKind

/** Checks faults received over the control API; throws `FaultValidationError`. */
export function parseFaults(input: unknown): Fault[] {
  return parseSharedFaults(input, FAULT_KINDS)
}
