import type { CaptureResult, RefundResult } from "../../gateways/gateway"
import { isGatewayError } from "../../gateways/gateway"
import type { LedgerStatus } from "../../domain"

/**
 * What a gateway's answer (or fault) means for a ledger row: pure, so the rules
 * are testable without a database or a gateway.
 * - a result is final or pending as the gateway says;
 * - a fault whose outcome is unknown (timeout, reset, 5xx) leaves the row
 *   `requested` for reconciliation: marking it failed could hide money taken;
 * - any other fault means the gateway refused: the row fails with its reason.
 */
export type OutcomePatch = {
  status: LedgerStatus
  gatewayId?: string
  gatewayTransactionId?: string
  token?: string
  message?: string | null
  error_code?: string | null
  error_detail?: string | null
  decline_code?: string | null
}

export function patchFromResult(result: CaptureResult | RefundResult): OutcomePatch {
  const gatewayId = "gatewayCaptureId" in result ? result.gatewayCaptureId : (result as RefundResult).gatewayRefundId
  return {
    status: result.status,
    gatewayId,
    gatewayTransactionId: "gatewayTransactionId" in result ? result.gatewayTransactionId : undefined,
    token: "token" in result ? result.token : undefined,
    message: result.message ?? null,
    error_code: result.status === "failed" ? result.errorCode ?? result.declineCode ?? "declined" : null,
    error_detail: result.status === "failed" ? result.message ?? null : null,
    decline_code: result.declineCode ?? null,
  }
}

export function patchFromError(err: unknown): OutcomePatch {
  if (isGatewayError(err) && !err.outcomeUnknown) {
    return {
      status: "failed",
      message: err.message,
      error_code: err.code ?? err.type,
      error_detail: [err.type, err.param ? `param: ${err.param}` : undefined, err.httpStatus ? `HTTP ${err.httpStatus}` : undefined]
        .filter(Boolean)
        .join("; "),
      decline_code: err.declineCode ?? null,
    }
  }
  const message = err instanceof Error ? err.message : String(err)
  return {
    status: "requested",
    message: `outcome unknown, left for reconciliation: ${message}`,
    error_code: isGatewayError(err) ? err.code ?? err.type : "unknown_outcome",
    error_detail: null,
  }
}

/** The error code of a row reconciliation declared never received by its gateway. */
export const NEVER_RECEIVED_CODE = "not_received_by_gateway"

/**
 * What reconciliation makes of a lookup at the gateway: found → the gateway's
 * outcome; not found although the row's own call cannot be running any more
 * (`mayRunForMs`: the provider's timeout × attempts and retry waits when it was
 * sent, recorded on the row) and it is older than the caller asks
 * (`neverReceivedAfterMs`, which can only add to that) → failed, the gateway
 * never received it (so doing it again is safe); otherwise nothing yet (the
 * call may still be on its way).
 */
export function patchFromLookup(
  found: CaptureResult | RefundResult | null,
  row: { status: LedgerStatus; ageMs: number; mayRunForMs: number },
  neverReceivedAfterMs: number,
  kind: "capture" | "refund"
): OutcomePatch | null {
  if (found) return patchFromResult(found)
  if (row.status !== "requested" || row.ageMs < Math.max(row.mayRunForMs, neverReceivedAfterMs)) return null
  return {
    status: "failed",
    message: `The gateway has no record of this ${kind}: it never received the call. It is safe to ${kind} again.`,
    error_code: NEVER_RECEIVED_CODE,
    error_detail: null,
  }
}
