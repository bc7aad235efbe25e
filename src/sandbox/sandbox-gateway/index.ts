export { startSandboxGateway } from "./server"
export type { SandboxGatewayHandle, SandboxGatewayOptions } from "./server"
export { SandboxState } from "./state"
export type {
  SandboxCapture,
  SandboxCounts,
  SandboxPayment,
  SandboxPaymentStatus,
  SandboxRefund,
  SandboxStateSnapshot,
} from "./state"
export { FAULT_KINDS } from "./faults"
export type { Fault, FaultKind, FaultMatch } from "./faults"
