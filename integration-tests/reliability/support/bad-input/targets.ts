/** The id in a route's path: ids of the world's rows, and segments that cannot name anything. */
import fc from "fast-check"
import { clip, pctEncode } from "./json"
import * as O from "./oracle"
import type { Problem } from "./oracle"
import * as V from "./values"
import type { RealCapture, RealPayment, World } from "./world"

export type Kind = "payment" | "capture" | "order"
export type Target = { segment: string; raw: string; problem?: Problem; payment?: RealPayment; capture?: RealCapture; order?: string }

const MALFORMED_SEGMENTS = ["%", "%E0%A4%A", "%ED%A0%80", "%C0%AF", "%FF", "%zz", "abc%", "%%", "%u0041", "%F0%9F%98"]

export function segmentOf(raw: string): string {
  if (raw === "." || raw === "..") return raw.replace(/\./g, "%2E")
  return pctEncode(raw)
}

export function resolveTarget(kind: Kind, w: World, segment: string): Target {
  let raw: string
  try {
    raw = decodeURIComponent(segment)
  } catch {
    return {
      segment,
      raw: segment,
      problem: { what: `path id ${segment} is not valid percent-encoded UTF-8`, names: /param|decod|\bid\b|path|url|encod/i, beforeAuth: true },
    }
  }
  const payment = kind === "payment" ? w.payments.find((p) => p.id === raw) : undefined
  const capture = kind === "capture" ? w.captures.find((c) => c.id === raw) : undefined
  const order = kind === "order" ? w.orders.find((o) => o === raw) : undefined
  if (payment || capture || order) return { segment, raw, payment, capture, order }
  return { segment, raw, problem: { what: `no ${kind} with id ${JSON.stringify(clip(raw, 60))}`, names: O.names(kind) } }
}

export function targetArb(kind: Kind, w: World): fc.Arbitrary<Target> {
  const real = kind === "payment" ? w.payments.map((p) => p.id) : kind === "capture" ? w.captures.map((c) => c.id) : w.orders
  const others = [
    ...(kind === "payment" ? [] : w.payments.map((p) => p.id)),
    ...(kind === "capture" ? [] : w.captures.map((c) => c.id)),
    ...(kind === "order" ? [] : w.orders),
    ...w.otherKinds,
  ]
  const prefix = { payment: "pay", capture: "cap", order: "order" }[kind]
  const raw = fc.oneof(
    { weight: 12, arbitrary: fc.constantFrom(...real) },
    { weight: 2, arbitrary: V.lookAlikeId(prefix) },
    { weight: 1, arbitrary: fc.constantFrom("pay", "cap", "order", "capref", "ref", "swap").chain(V.lookAlikeId) },
    { weight: 2, arbitrary: fc.constantFrom(...others) },
    { weight: 2, arbitrary: fc.constantFrom(...real).chain(V.mutatedId) },
    {
      weight: 2,
      arbitrary: fc.oneof(
        V.nastyText.filter((s) => s.length > 0),
        fc.constantFrom(".", "..", "~", "*", "null", "undefined", "0", "-1", "x".repeat(1000), "x".repeat(3000))
      ),
    }
  )
  return fc
    .oneof({ weight: 20, arbitrary: raw.map(segmentOf) }, { weight: 1, arbitrary: fc.constantFrom(...MALFORMED_SEGMENTS) })
    .map((segment) => resolveTarget(kind, w, segment))
}
