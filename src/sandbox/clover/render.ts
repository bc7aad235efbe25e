/**
 * What the simulator's `/v1` answers show of a stored charge or refund, by contract
 * (`CloverContract` in state.ts). The store keeps everything (tests read it on `/__control/state`);
 * a `strictest` answer leaves out what Clover does not promise, so that the plugin is proven not
 * to rely on it.
 */
import type { CloverSandboxState, SimCharge, SimRefund } from "./state"

/**
 * A charge as `/v1` shows it. `captureAnswer`: the 200 to a capture request, which Clover's text
 * says shows `captured: true` and its own sample shows `captured: false`
 * (docs/gateways/clover.md#capture).
 */
export function renderCharge(state: CloverSandboxState, charge: SimCharge, captureAnswer = false): Record<string, unknown> {
  if (state.config.contract === "documented") return { ...charge }
  const { amount_captured: _undocumented, ...rest } = charge
  return captureAnswer ? { ...rest, captured: false } : rest
}

/**
 * Clover's refund object is `{ id, object, amount, charge, created, status }` (its refund sample);
 * `documented` also keeps what the refund request carried (`reason`, `metadata`), which Clover is
 * silent about. Neither shows a currency: Clover's refunds do not.
 */
export function renderRefund(state: CloverSandboxState, refund: SimRefund): Record<string, unknown> {
  const { id, object, amount, charge, created, status, reason, metadata } = refund
  const documented = { id, object, amount, charge, created, status }
  return state.config.contract === "documented" ? { ...documented, reason, metadata } : documented
}

/**
 * Clover's status list has both 400 and 402 "Request Failed", and its capture page lists card
 * errors under 400: which one a decline gets is not documented.
 */
export const declineStatus = (state: CloverSandboxState): 400 | 402 => (state.config.contract === "documented" ? 402 : 400)
