/**
 * The end of an authorization without a capture call (docs/gateways/stripe.md#authorization-window):
 * expiry at `capture_before`. "If the authorization expires before you capture the funds, the
 * funds are released and the payment status changes to canceled"; a multicapture intent with
 * captures becomes `succeeded` instead, with a `charge.captured` event "at the end of the
 * authorization window to reverse the authorization of the uncaptured amount".
 *
 * Since API version 2025-03-31.basil releasing an authorization creates no Refund: the charge's
 * `amount_refunded` and `refunded` stay as they are, no `charge.refunded` is sent, and an expired
 * intent's `cancellation_reason` is `expired` (it was `automatic`).
 */
import { emitEvent } from "./events"
import { renderCharge, renderIntent } from "./render"
import type { StripeSandboxState } from "./state"

/** Ends every authorization whose `capture_before` has passed on the simulated clock; returns their intents. */
export function expireAuthorizations(state: StripeSandboxState): string[] {
  const now = state.clock.nowSeconds()
  const expired: string[] = []
  for (const intent of state.intents.values()) {
    if (intent.status !== "requires_capture") continue
    const charge = intent.latestCharge ? state.charges.get(intent.latestCharge) : undefined
    if (!charge || charge.captureBefore === null || charge.captureBefore > now) continue
    expired.push(intent.id)
    const previousCapturable = intent.amountCapturable
    intent.amountCapturable = 0
    if (intent.amountReceived === 0) {
      intent.status = "canceled"
      intent.canceledAt = now
      intent.cancellationReason = "expired"
      emitEvent(state, intent.mode, "charge.expired", renderCharge(state, charge), { request: null })
      emitEvent(state, intent.mode, "payment_intent.canceled", renderIntent(state, intent), { request: null })
      continue
    }
    charge.captured = true
    intent.status = "succeeded"
    emitEvent(state, intent.mode, "charge.captured", renderCharge(state, charge), { request: null, previous: { captured: false } })
    emitEvent(state, intent.mode, "payment_intent.amount_capturable_updated", renderIntent(state, intent), {
      request: null,
      previous: { amount_capturable: previousCapturable },
    })
    emitEvent(state, intent.mode, "payment_intent.succeeded", renderIntent(state, intent), { request: null })
  }
  return expired
}
