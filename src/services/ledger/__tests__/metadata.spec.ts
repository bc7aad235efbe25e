import { RESERVED_METADATA_KEYS, mergeMetadata, reservedKeyMessage, reservedMetadataKey } from "../metadata"

// Values as the API gets them: JSON.parse makes every key, `__proto__` too, an own key.
const json = (text: string) => JSON.parse(text) as Record<string, unknown>

/** Own keys and values in order, `__proto__` included (toEqual reads `x.__proto__` as the prototype). */
const entries = (value: unknown): unknown =>
  Array.isArray(value)
    ? value.map(entries)
    : value && typeof value === "object"
      ? Object.entries(value).map(([k, v]) => [k, entries(v)])
      : value

const EVERY_PROTOTYPE_NAME = Object.getOwnPropertyNames(Object.prototype)

describe("mergeMetadata", () => {
  it.each(EVERY_PROTOTYPE_NAME)("keeps %s exactly, from the current metadata and from the patch", (key) => {
    const k = JSON.stringify(key)
    const current = json(`{"a":1,${k}:{"from":"current"}}`)
    expect(entries(mergeMetadata(current, json('{"b":2}')))).toEqual([["a", 1], [key, [["from", "current"]]], ["b", 2]])
    expect(entries(mergeMetadata(json('{"a":1}'), json(`{${k}:[1,{"x":null}]}`)))).toEqual([["a", 1], [key, [1, [["x", null]]]]])
    expect(entries(mergeMetadata(current, json(`{${k}:"replaced"}`)))).toEqual([["a", 1], [key, "replaced"]])
    expect(entries(mergeMetadata(null, json(`{${k}:0}`)))).toEqual([[key, 0]])
  })

  it("keeps __proto__ as data: the result's prototype is Object.prototype and nothing is inherited from the value", () => {
    const merged = mergeMetadata(json('{"a":1}'), json('{"__proto__":{"polluted":true}}')) as Record<string, unknown>
    expect(Object.getPrototypeOf(merged)).toBe(Object.prototype)
    expect(Object.keys(merged)).toEqual(["a", "__proto__"])
    expect(Object.getOwnPropertyDescriptor(merged, "__proto__")?.value).toEqual({ polluted: true })
    expect((merged as { polluted?: unknown }).polluted).toBeUndefined()
    expect(JSON.stringify(merged)).toBe('{"a":1,"__proto__":{"polluted":true}}')
    expect(({} as { polluted?: unknown }).polluted).toBeUndefined()
  })

  it.each(EVERY_PROTOTYPE_NAME)('removes %s with "" and leaves the rest', (key) => {
    const current = json(`{"a":1,${JSON.stringify(key)}:{"x":1},"b":2}`)
    expect(entries(mergeMetadata(current, json(`{${JSON.stringify(key)}:""}`)))).toEqual([["a", 1], ["b", 2]])
  })

  it("keeps the order of keys: current ones where they were, new ones after", () => {
    expect(Object.keys(mergeMetadata(json('{"a":1,"b":2}'), json('{"c":3,"a":9}')) as object)).toEqual(["a", "b", "c"])
  })

  it("null clears; neither input is changed", () => {
    const current = json('{"__proto__":1,"a":1}')
    const patch = json('{"a":"","b":2}')
    expect(mergeMetadata(current, null)).toBeNull()
    expect(entries(mergeMetadata(current, patch))).toEqual([["__proto__", 1], ["b", 2]])
    expect(entries(current)).toEqual([["__proto__", 1], ["a", 1]])
    expect(entries(patch)).toEqual([["a", ""], ["b", 2]])
  })
})

describe("reservedMetadataKey", () => {
  it("reserves Object.prototype's members but constructor", () => {
    expect([...RESERVED_METADATA_KEYS].sort()).toEqual(EVERY_PROTOTYPE_NAME.filter((k) => k !== "constructor").sort())
  })

  it.each(RESERVED_METADATA_KEYS)("finds %s at the top, in nested objects and in arrays", (key) => {
    const k = JSON.stringify(key)
    expect(reservedMetadataKey(json(`{"a":1,${k}:{}}`))).toEqual({ key, path: [key] })
    expect(reservedMetadataKey(json(`{"a":{"b":{${k}:null}}}`))).toEqual({ key, path: ["a", "b", key] })
    expect(reservedMetadataKey(json(`{"a":[0,[{${k}:1}]]}`))).toEqual({ key, path: ["a", "1", "0", key] })
  })

  it("finds nothing in ordinary keys, however they look", () => {
    expect(reservedMetadataKey(json('{"constructor":{"prototype":{"x":1}},"__proto":1,"toJSON":2,"ToString":3,"hasownproperty":[{"then":4}]}'))).toBeNull()
    expect(reservedMetadataKey(null)).toBeNull()
    expect(reservedMetadataKey("__proto__")).toBeNull()
    expect(reservedMetadataKey(["toString"])).toBeNull()
  })

  it("reports the first one in document order", () => {
    expect(reservedMetadataKey(json('{"a":{"valueOf":1},"toString":2}'))?.path).toEqual(["toString"])
    expect(reservedMetadataKey(json('{"a":{"valueOf":1},"b":{"toString":2}}'))?.path).toEqual(["a", "valueOf"])
  })

  it("walks values nested 50,000 levels deep without overflowing the stack", () => {
    const deep = json(`{"x":${'{"a":'.repeat(50_000)}{"__proto__":1}${"}".repeat(50_000)}}`)
    const found = reservedMetadataKey(deep)
    expect(found?.key).toBe("__proto__")
    expect(found?.path).toHaveLength(50_002)
  })

  it("names the key, and where it is when not at the top", () => {
    expect(reservedKeyMessage({ key: "hasOwnProperty", path: ["hasOwnProperty"] })).toMatch(/^the key "hasOwnProperty" is reserved: /)
    expect(reservedKeyMessage({ key: "__proto__", path: ["a", "0", "__proto__"] })).toMatch(/^the key "__proto__" \(at a\.0\.__proto__\) is reserved: /)
  })
})
