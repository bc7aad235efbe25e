import { createHash } from "crypto"
import { requestHash } from "../request-hash"

const base = {
  payment_id: "pay_1",
  amount: 3000,
  currency_code: "eur",
  description: "first shipment",
  metadata: { order: { line: 1, sku: "A-1" }, tags: ["a", "b"] },
}

describe("requestHash", () => {
  it("is 64 lowercase hex characters", () => {
    expect(requestHash(base)).toMatch(/^[0-9a-f]{64}$/)
    expect(requestHash({})).toMatch(/^[0-9a-f]{64}$/)
  })

  it("is deterministic", () => {
    expect(requestHash(base)).toBe(requestHash({ ...base }))
  })

  it("is the sha256 of the canonical JSON", () => {
    // {"a":1,"b":{"c":2}} with keys sorted
    const expected = createHash("sha256").update('{"a":1,"b":{"c":2}}').digest("hex")
    expect(requestHash({ b: { c: 2 }, a: 1 })).toBe(expected)
  })

  describe("equal requests hash equal", () => {
    it.each<[string, Record<string, unknown>, Record<string, unknown>]>([
      ["top-level key order", { amount: 3000, currency_code: "eur" }, { currency_code: "eur", amount: 3000 }],
      [
        "nested key order",
        { metadata: { a: 1, b: { x: 1, y: 2 } } },
        { metadata: { b: { y: 2, x: 1 }, a: 1 } },
      ],
      [
        "key order inside objects in arrays",
        { items: [{ id: 1, qty: 2 }] },
        { items: [{ qty: 2, id: 1 }] },
      ],
      ["an undefined top-level field", { amount: 3000, description: undefined }, { amount: 3000 }],
      ["an undefined nested field", { metadata: { a: 1, b: undefined } }, { metadata: { a: 1 } }],
      [
        "the full example in another order",
        base,
        {
          metadata: { tags: ["a", "b"], order: { sku: "A-1", line: 1 } },
          description: "first shipment",
          currency_code: "eur",
          amount: 3000,
          payment_id: "pay_1",
          reference: undefined,
        },
      ],
    ])("%s", (_name, a, b) => {
      expect(requestHash(a)).toBe(requestHash(b))
    })
  })

  describe("any changed value changes the hash", () => {
    it.each<[string, Record<string, unknown>, Record<string, unknown>]>([
      ["amount 3000 vs 3001", { amount: 3000 }, { amount: 3001 }],
      ["amount number vs string", { amount: 3000 }, { amount: "3000" }],
      ["currency", { currency_code: "eur" }, { currency_code: "usd" }],
      ["nested metadata value", { metadata: { order: { line: 1 } } }, { metadata: { order: { line: 2 } } }],
      ["nested metadata key", { metadata: { a: 1 } }, { metadata: { b: 1 } }],
      ["null vs missing", { description: null }, {}],
      ["null vs undefined", { description: null }, { description: undefined }],
      ["null metadata vs empty metadata", { metadata: null }, { metadata: {} }],
      ["empty string vs missing", { description: "" }, {}],
      ["array order", { tags: ["a", "b"] }, { tags: ["b", "a"] }],
      ["array vs object with index keys", { tags: ["a"] }, { tags: { 0: "a" } }],
      ["extra field", { amount: 3000 }, { amount: 3000, reason: "return" }],
      ["boolean vs string", { flag: true }, { flag: "true" }],
      ["value moved to another key", { a: 1, b: 2 }, { a: 2, b: 1 }],
    ])("%s", (_name, a, b) => {
      expect(requestHash(a)).not.toBe(requestHash(b))
    })
  })

  it("does not mutate its input", () => {
    const input = { b: 1, a: { d: undefined, c: 2 } }
    const copy = { b: 1, a: { d: undefined, c: 2 } }
    requestHash(input)
    expect(input).toEqual(copy)
    expect(Object.keys(input)).toEqual(["b", "a"])
    expect(Object.keys(input.a)).toEqual(["d", "c"])
  })
})

describe("requestHash with keys named like Object.prototype's members", () => {
  // As the API gets them: JSON.parse makes `__proto__` an own key.
  const json = (text: string) => JSON.parse(text) as Record<string, unknown>
  const NAMES = Object.getOwnPropertyNames(Object.prototype)

  it("hashes the canonical JSON with a __proto__ key in it", () => {
    const expected = createHash("sha256").update('{"metadata":{"__proto__":{"a":1},"b":2}}').digest("hex")
    expect(requestHash(json('{"metadata":{"b":2,"__proto__":{"a":1}}}'))).toBe(expected)
  })

  it.each(NAMES)("tells %s apart from no key, from another value and from every other such key", (key) => {
    const k = JSON.stringify(key)
    const hash = requestHash(json(`{"metadata":{${k}:{"a":1}}}`))
    expect(hash).not.toBe(requestHash(json('{"metadata":{}}')))
    expect(hash).not.toBe(requestHash(json(`{"metadata":{${k}:{"a":2}}}`)))
    expect(hash).not.toBe(requestHash(json(`{"metadata":{${k}:1}}`)))
    for (const other of NAMES.filter((n) => n !== key)) {
      expect(hash).not.toBe(requestHash(json(`{"metadata":{${JSON.stringify(other)}:{"a":1}}}`)))
    }
  })

  it("still hashes equal requests equal, whatever the key order", () => {
    expect(requestHash(json('{"metadata":{"__proto__":1,"toString":2}}'))).toBe(requestHash(json('{"metadata":{"toString":2,"__proto__":1}}')))
  })
})
