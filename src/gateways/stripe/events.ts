import type Stripe from "stripe"

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value)

/**
 * Why a payload whose signature checked out is still not an event this endpoint
 * can read, or null. Stripe sends every event as an object with a `type` and a
 * `data.object`; anything else is refused rather than guessed at.
 */
export function eventShapeProblem(value: unknown): string | null {
  if (!isRecord(value)) return "is not a JSON object"
  if (typeof value.type !== "string" || value.type.length === 0) return "type: is missing or not a string"
  if (!isRecord(value.data) || !isRecord(value.data.object)) return "data.object: is missing or not an object"
  return null
}

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
