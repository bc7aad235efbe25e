/**
 * Fault injection for the sandbox gateway: the shared queue (`../common/faults`), restricted to
 * the kinds this simulator has always documented (no `timeout`; use `delay`).
 */
import { BASE_FAULT_KINDS, parseFaults as parseSharedFaults, type BaseFaultKind, type Fault } from "../common/faults"

export { FaultQueue, FaultValidationError, faultMatches } from "../common/faults"
export type { Fault, FaultMatch } from "../common/faults"

export const FAULT_KINDS = BASE_FAULT_KINDS
export type FaultKind = BaseFaultKind

/** Checks faults received over the control API; throws `FaultValidationError`. */
export function parseFaults(input: unknown): Fault[] {
  return parseSharedFaults(input, FAULT_KINDS)
}
