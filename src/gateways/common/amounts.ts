/** Input checks the gateway adapters share: every amount of the port is integer minor units. */
import { GatewayError } from "../gateway"

/** Refuses anything but a positive safe integer, before a request is sent. */
export function assertMinorUnits(amount: number, param = "amount"): void {
  if (!Number.isSafeInteger(amount) || amount <= 0) {
    throw new GatewayError({
      type: "invalid_request_error",
      code: "parameter_invalid",
      param,
      message: `${param} must be a positive integer in minor units, got ${String(amount)}.`,
    })
  }
}
