/**
 * Bodies for Stripe's webhook: events as Stripe sends them (an object with `type`
 * and `data.object`) about this store's PaymentIntent, another store's, or none,
 * next to payloads of every wrong shape. Once its signature checks out, the
 * endpoint reads only `type` and `data.object` (the rest is asked of Stripe).
 */
import fc from "fast-check"
import { Obj, type Val } from "./json"
import * as O from "./oracle"
import * as V from "./values"
import type { World } from "./world"
import type { BodySpec } from "./bodies"

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v)

/** The event types the plugin follows, and some it does not. */
const TYPES = [
  "payment_intent.succeeded",
  "payment_intent.amount_capturable_updated",
  "payment_intent.canceled",
  "payment_intent.payment_failed",
  "charge.captured",
  "charge.refunded",
  "charge.refund.updated",
  "charge.expired",
  "charge.updated",
  "refund.updated",
  "customer.created",
  "payout.paid",
]

const objectAbout = (ref: fc.Arbitrary<Val>): fc.Arbitrary<Val> =>
  fc.oneof(
    ref.map((id) => new Obj([["id", id], ["object", "payment_intent"]])),
    fc.tuple(fc.constantFrom("charge", "refund"), ref).map(([object, pi]) => new Obj([["id", `${object === "charge" ? "ch" : "re"}_bad1nput`], ["object", object], ["payment_intent", pi]])),
    ref.map((pi) => new Obj([["id", "ch_bad1nput"], ["object", "charge"], ["payment_intent", new Obj([["id", pi], ["object", "payment_intent"]])]]))
  )

/** The intent an event names: only `w.stripe.ref` is this store's. */
export function stripeEventBody(w: World): BodySpec {
  const ref: fc.Arbitrary<Val> = fc.oneof(
    { weight: 3, arbitrary: fc.constant(w.stripe.ref) },
    { weight: 2, arbitrary: fc.constant(w.stripe.otherStoreRef) },
    { weight: 1, arbitrary: fc.stringMatching(/^pi_[A-Za-z0-9]{1,24}$/) },
    { weight: 1, arbitrary: fc.constantFrom(`${w.stripe.ref} `, w.stripe.ref.toUpperCase(), "pi_", "pi_a-b", w.mollieRef, w.payments[0].id) },
    { weight: 1, arbitrary: fc.oneof(V.nastyText, V.notAString) }
  )
  const data = objectAbout(ref).map((object) => new Obj([["object", object]]))
  const badData: fc.Arbitrary<Val | undefined> = fc.oneof(
    fc.constant(undefined),
    fc.constant(null),
    fc.constantFrom<Val>(new Obj([]), new Obj([["object", null]]), new Obj([["object", "pi_1"]]), new Obj([["object", []]]), [new Obj([["object", new Obj([])]])]),
    V.nastyText,
    V.notAString
  )
  const type = fc.constantFrom(...TYPES)
  const badType: fc.Arbitrary<Val | undefined> = fc.oneof(fc.constant(undefined), fc.constant(""), V.nastyText, V.notAString)
  const optional = <T extends Val>(a: fc.Arbitrary<T>): fc.Arbitrary<Val | undefined> => fc.oneof(fc.constant(undefined), a)
  return {
    fields: [
      { name: "id", valid: optional(fc.stringMatching(/^evt_[A-Za-z0-9]{8,24}$/)), any: fc.oneof(fc.constant(undefined), V.nastyText, V.notAString) },
      { name: "object", valid: optional(fc.constant("event")), any: fc.oneof(fc.constant(undefined), V.nastyText, V.notAString) },
      { name: "type", valid: type, any: fc.oneof({ weight: 2, arbitrary: type }, { weight: 1, arbitrary: badType }) },
      { name: "data", valid: data, any: fc.oneof({ weight: 2, arbitrary: data }, { weight: 1, arbitrary: badData }) },
      { name: "created", valid: optional(fc.integer({ min: 1_600_000_000, max: 2_000_000_000 })), any: fc.oneof(fc.constant(undefined), V.badNumber, V.nastyText) },
    ],
    formKeys: ["type", "data[object][id]", "data[object][object]", "id"],
    check: (c, v) => {
      if (typeof v.type !== "string" || v.type.length === 0) c.reject.push(O.fieldProblem("type", `${O.describe(v.type)} is not an event type`))
      const d = v.data
      if (!isRecord(d) || !isRecord(d.object)) c.reject.push({ what: `data.object: ${O.describe(d)} holds no object`, names: /data\.object/i })
    },
  }
}

/** True when a valid event names this store's intent (the only one the endpoint syncs, so the only one that may write). */
export function namesStoreIntent(w: World, body: Record<string, unknown> | undefined): boolean {
  const object = isRecord(body?.data) ? (body!.data as Record<string, unknown>).object : undefined
  if (!isRecord(object)) return false
  const pi = isRecord(object.payment_intent) ? object.payment_intent.id : object.payment_intent
  return object.id === w.stripe.ref || pi === w.stripe.ref
}
