import type Stripe from "stripe"

/**
 * The PaymentIntent a Stripe event is about, or null for events the ledger
 * does not follow. The id is all that is read from the event: what happened is
 * asked of Stripe again.
 */
export function intentOfEvent(event: Pick<Stripe.Event, "type" | "data">): string | null {
  const object = event.data?.object as { object?: string; id?: unknown; payment_intent?: unknown } | undefined
  if (!object) return null
  if (event.type.startsWith("payment_intent.") && object.object === "payment_intent") return idOf(object.id)
  if (event.type.startsWith("charge.") || event.type.startsWith("refund.")) return idOf(object.payment_intent)
  return null
}

function idOf(value: unknown): string | null {
  if (typeof value === "string") return /^pi_[A-Za-z0-9_]+$/.test(value) ? value : null
  if (value && typeof value === "object" && "id" in value) return idOf((value as { id: unknown }).id)
  return null
}
