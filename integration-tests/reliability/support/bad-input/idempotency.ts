/** Idempotency-Key headers, valid and not. */
import fc from "fast-check"
import * as O from "./oracle"
import type { Collector } from "./oracle"

export const IDEMPOTENCY_POOL = ["bad-input-key-1", "bad-input-key-2", "bad-input-key-3"]

export const idempotencyArb: fc.Arbitrary<string | undefined> = fc.oneof(
  { weight: 6, arbitrary: fc.constant(undefined) },
  { weight: 3, arbitrary: fc.constantFrom(...IDEMPOTENCY_POOL) },
  { weight: 2, arbitrary: fc.stringMatching(/^[\x21-\x7e]{1,40}$/) },
  { weight: 1, arbitrary: fc.constantFrom(" padded-key ", "\tpadded-key\t", "k".repeat(255)) },
  {
    weight: 3,
    arbitrary: fc.oneof(
      fc.constantFrom("", " ", "a b", "k".repeat(256), "clé", "\u00a0", "key\u00ff", "\t", "a\tb"),
      fc.string({ unit: fc.integer({ min: 0x80, max: 0xff }).map((x) => String.fromCharCode(x)), minLength: 1, maxLength: 5 })
    ),
  }
)

export function checkIdempotencyKey(c: Collector, header: string | undefined, used: boolean): void {
  if (header === undefined) return
  const key = header.trim()
  const valid = key.length >= 1 && key.length <= 255 && /^[\x21-\x7e]+$/.test(key)
  if (valid) return
  const p = O.fieldProblem("Idempotency-Key", `${JSON.stringify(header)} is not 1 to 255 printable ASCII characters`)
  ;(used ? c.reject : c.maybe).push(p)
}
