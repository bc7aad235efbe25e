export { startCloverSandbox } from "./server"
export type { CloverSandboxHandle, CloverSandboxOptions } from "./server"
export { CloverSandboxState } from "./state"
export type {
  ChargeCounts,
  CloverSandboxCounts,
  CloverSandboxSnapshot,
  SimCharge,
  SimRefund,
} from "./state"
export { TEST_TOKENS_HELP } from "./tokens"
export { FAULT_KINDS } from "../common"
export type { Fault, FaultKind, FaultMatch } from "../common"
