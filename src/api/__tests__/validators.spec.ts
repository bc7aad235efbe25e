import { MedusaError } from "@medusajs/utils"
import { MAX_AMOUNT } from "../../domain"
import { RESERVED_METADATA_KEYS } from "../../services/ledger/metadata"
import { createCaptureBody, expandQuery, listCapturesQuery, parse, refundCaptureBody, updateCaptureBody } from "../validators"

type Schema =
  | typeof createCaptureBody
  | typeof refundCaptureBody
  | typeof updateCaptureBody
  | typeof listCapturesQuery
  | typeof expandQuery

function parseError(schema: Schema, value: unknown, where: "body" | "query" = "body"): MedusaError {
  try {
    parse(schema, value, where)
  } catch (err) {
    return err as MedusaError
  }
  throw new Error(`expected ${JSON.stringify(value)} to be rejected`)
}

/** Bigger than 1024 bytes once stringified. */
const bigMetadata = { blob: "x".repeat(1020) }
// {"blob":"<1012 x>"} is exactly 1024 bytes: the limit is inclusive.
const maxMetadata = { blob: "x".repeat(1024 - '{"blob":""}'.length) }
// 'é' is 2 bytes in UTF-8: 507 of them plus the wrapper is 1025 bytes but only 518 characters.
const multibyteMetadata = { blob: "é".repeat(507) }

describe("parse", () => {
  it("throws a MedusaError of type invalid_data with code invalid_request", () => {
    const err = parseError(createCaptureBody, { amount: -1 })
    // @medusajs/utils ships MedusaError compiled to ES5, so `instanceof MedusaError` is false;
    // Medusa's error handler (and these tests) rely on `type` instead.
    expect(err).toBeInstanceOf(Error)
    expect(err.type).toBe(MedusaError.Types.INVALID_DATA)
    expect(err.type).toBe("invalid_data")
    expect(err.code).toBe("invalid_request")
  })

  it.each([undefined, null])("treats %p as an empty body", (value) => {
    expect(parse(createCaptureBody, value, "body")).toEqual({})
  })

  it("names `where` for a value that is not an object", () => {
    expect(parseError(createCaptureBody, "amount=5").message).toMatch(/^body: /)
    expect(parseError(expandQuery, 42, "query").message).toMatch(/^query: /)
  })

  it("joins several problems with '; ' and stops at five", () => {
    const err = parseError(refundCaptureBody, { amount: 0, reason: "oops", note: 1, metadata: "x" })
    const parts = err.message.split("; ")
    expect(parts).toHaveLength(4)
    expect(parts.map((p) => p.split(":")[0])).toEqual(["amount", "reason", "note", "metadata"])

    const many = parseError(listCapturesQuery, {
      payment_id: "",
      order_id: "",
      provider_id: "",
      limit: 0,
      offset: -1,
      expand: "foo",
      status: "done",
    }, "query")
    expect(many.message.split("; ")).toHaveLength(5)
  })
})

describe("createCaptureBody", () => {
  it.each<[string, unknown, unknown]>([
    ["an empty body (capture everything capturable)", {}, {}],
    ["an amount", { amount: 2500 }, { amount: 2500 }],
    ["amount 1", { amount: 1 }, { amount: 1 }],
    ["the largest int4 amount", { amount: MAX_AMOUNT }, { amount: 2147483647 }],
    ["a lower-case currency", { amount: 100, currency_code: "eur" }, { amount: 100, currency_code: "eur" }],
    ["an upper-case currency", { amount: 100, currency_code: "EUR" }, { amount: 100, currency_code: "EUR" }],
    ["a 255-char description", { description: "d".repeat(255) }, { description: "d".repeat(255) }],
    ["null texts", { description: null, reference: null, reference_origin: null }, { description: null, reference: null, reference_origin: null }],
    ["references", { reference: "INV-1", reference_origin: "erp" }, { reference: "INV-1", reference_origin: "erp" }],
    ["metadata", { metadata: { a: 1, nested: { b: [1, 2] } } }, { metadata: { a: 1, nested: { b: [1, 2] } } }],
    ["metadata of exactly 1024 bytes", { metadata: maxMetadata }, { metadata: maxMetadata }],
    ["null metadata", { metadata: null }, { metadata: null }],
    ["empty metadata", { metadata: {} }, { metadata: {} }],
  ])("accepts %s", (_name, body, expected) => {
    expect(parse(createCaptureBody, body, "body")).toEqual(expected)
  })

  it("the 1024-byte fixture really is 1024 bytes", () => {
    expect(Buffer.byteLength(JSON.stringify(maxMetadata), "utf8")).toBe(1024)
    expect(Buffer.byteLength(JSON.stringify(multibyteMetadata), "utf8")).toBe(1025)
  })

  it.each<[string, unknown, string]>([
    ["negative amount", { amount: -100 }, "amount: must be greater than 0"],
    ["zero amount", { amount: 0 }, "amount: must be greater than 0"],
    ["fractional amount", { amount: 10.5 }, "amount: must be an integer number of minor units (e.g. 1050 for 10.50 EUR)"],
    ["string amount", { amount: "3000" }, "amount: must be an integer number of minor units"],
    ["NaN amount", { amount: NaN }, "amount: must be an integer number of minor units"],
    [
      "Infinity amount",
      { amount: Infinity },
      "amount: must be an integer number of minor units (e.g. 1050 for 10.50 EUR); amount: must be at most 2147483647",
    ],
    ["null amount", { amount: null }, "amount: must be an integer number of minor units"],
    ["amount over int4", { amount: MAX_AMOUNT + 1 }, "amount: must be at most 2147483647"],
    ["4-letter currency", { currency_code: "EURO" }, "currency_code: must be a 3-letter ISO 4217 code"],
    ["2-letter currency", { currency_code: "EU" }, "currency_code: must be a 3-letter ISO 4217 code"],
    ["currency with a digit", { currency_code: "E1R" }, "currency_code: must be a 3-letter ISO 4217 code"],
    ["numeric currency", { currency_code: 978 }, "currency_code: Expected string, received number"],
    ["256-char description", { description: "d".repeat(256) }, "description: must be at most 255 characters"],
    ["256-char reference", { reference: "r".repeat(256) }, "reference: must be at most 255 characters"],
    ["256-char reference_origin", { reference_origin: "r".repeat(256) }, "reference_origin: must be at most 255 characters"],
    ["metadata over 1024 bytes", { metadata: bigMetadata }, "metadata: must be at most 1024 bytes as JSON"],
    ["metadata over 1024 bytes in UTF-8 only", { metadata: multibyteMetadata }, "metadata: must be at most 1024 bytes as JSON"],
    ["array metadata", { metadata: [1, 2] }, "metadata: must be an object"],
    ["string metadata", { metadata: "{}" }, "metadata: must be an object"],
    ["numeric metadata", { metadata: 1 }, "metadata: must be an object"],
  ])("rejects %s", (_name, body, message) => {
    const err = parseError(createCaptureBody, body)
    expect(err.type).toBe("invalid_data")
    expect(err.message).toBe(message)
  })

  it.each<[unknown, string]>([
    [{ amount: 100, amont: 100 }, "body: unknown field(s) amont"],
    [{ payment_id: "pay_1", fulfillment_id: "ful_1" }, "body: unknown field(s) payment_id, fulfillment_id"],
    [{ idempotency_key: "k" }, "body: unknown field(s) idempotency_key"],
  ])("rejects unknown fields %j", (body, message) => {
    const err = parseError(createCaptureBody, body)
    expect(err.type).toBe("invalid_data")
    expect(err.message).toBe(message)
  })
})

describe("refundCaptureBody", () => {
  it.each<[unknown, unknown]>([
    [{}, {}],
    [{ amount: 500 }, { amount: 500 }],
    ...(["discount", "return", "swap", "claim", "other"] as const).map((reason): [unknown, unknown] => [{ reason }, { reason }]),
    [{ note: "n".repeat(1000), metadata: { rma: "R-1" } }, { note: "n".repeat(1000), metadata: { rma: "R-1" } }],
    [{ note: null, metadata: null }, { note: null, metadata: null }],
  ])("accepts %j", (body, expected) => {
    expect(parse(refundCaptureBody, body, "body")).toEqual(expected)
  })

  it.each<[string, unknown, RegExp]>([
    ["negative amount", { amount: -1 }, /^amount: must be greater than 0$/],
    ["zero amount", { amount: 0 }, /^amount: must be greater than 0$/],
    ["fractional amount", { amount: 0.5 }, /^amount: must be an integer number of minor units/],
    ["string amount", { amount: "10" }, /^amount: must be an integer number of minor units$/],
    ["NaN amount", { amount: NaN }, /^amount: must be an integer number of minor units$/],
    ["amount over int4", { amount: 2147483648 }, /^amount: must be at most 2147483647$/],
    ["reason not in the enum", { reason: "fraud" }, /^reason: Invalid enum value/],
    ["upper-case reason", { reason: "RETURN" }, /^reason: Invalid enum value/],
    ["note of 1001 chars", { note: "n".repeat(1001) }, /^note: must be at most 1000 characters$/],
    ["metadata over 1024 bytes", { metadata: bigMetadata }, /^metadata: must be at most 1024 bytes as JSON$/],
    ["array metadata", { metadata: [] }, /^metadata: must be an object$/],
    ["unknown field", { amount: 1, currency_code: "eur" }, /^body: unknown field\(s\) currency_code$/],
  ])("rejects %s", (_name, body, message) => {
    const err = parseError(refundCaptureBody, body)
    expect(err.type).toBe("invalid_data")
    expect(err.message).toMatch(message)
  })
})

describe("updateCaptureBody", () => {
  it.each<[unknown, unknown]>([
    [{}, {}],
    [{ metadata: { a: "" } }, { metadata: { a: "" } }],
    [{ metadata: null, reference: null, reference_origin: null }, { metadata: null, reference: null, reference_origin: null }],
    [{ reference: "r".repeat(255) }, { reference: "r".repeat(255) }],
  ])("accepts %j", (body, expected) => {
    expect(parse(updateCaptureBody, body, "body")).toEqual(expected)
  })

  it.each<[string, unknown, string]>([
    ["metadata over 1024 bytes", { metadata: bigMetadata }, "metadata: must be at most 1024 bytes as JSON"],
    ["array metadata", { metadata: ["a"] }, "metadata: must be an object"],
    ["string metadata", { metadata: "a" }, "metadata: must be an object"],
    ["256-char reference", { reference: "r".repeat(256) }, "reference: must be at most 255 characters"],
    // Only metadata and references can change after the fact.
    ["amount", { amount: 100 }, "body: unknown field(s) amount"],
    ["description", { description: "x" }, "body: unknown field(s) description"],
    ["status", { status: "succeeded" }, "body: unknown field(s) status"],
  ])("rejects %s", (_name, body, message) => {
    const err = parseError(updateCaptureBody, body)
    expect(err.type).toBe("invalid_data")
    expect(err.message).toBe(message)
  })
})

describe("listCapturesQuery", () => {
  it("fills in defaults: limit 20, offset 0, expand []", () => {
    expect(parse(listCapturesQuery, {}, "query")).toEqual({ limit: 20, offset: 0, expand: [] })
    expect(parse(listCapturesQuery, undefined, "query")).toEqual({ limit: 20, offset: 0, expand: [] })
  })

  it.each<[string, Record<string, unknown>, Record<string, unknown>]>([
    ["limit and offset as query strings", { limit: "50", offset: "100" }, { limit: 50, offset: 100 }],
    ["limit 1 and 100 bounds", { limit: "1" }, { limit: 1 }],
    ["limit 100", { limit: "100" }, { limit: 100 }],
    ["offset 0", { offset: "0" }, { offset: 0 }],
    ["ids", { payment_id: "pay_1", order_id: "order_1", provider_id: "sandbox" }, { payment_id: "pay_1", order_id: "order_1", provider_id: "sandbox" }],
    ["one status", { status: "failed" }, { status: ["failed"] }],
    ["a comma-separated status list", { status: "succeeded,failed" }, { status: ["succeeded", "failed"] }],
    ["a status list with spaces", { status: " pending , requested " }, { status: ["pending", "requested"] }],
    ["a status array (?status[]=...)", { status: ["succeeded", "failed"] }, { status: ["succeeded", "failed"] }],
    ["expand", { expand: "refunds,events" }, { expand: ["refunds", "events"] }],
    ["expand with spaces and empty parts", { expand: " refunds ,, " }, { expand: ["refunds"] }],
  ])("accepts %s", (_name, query, expected) => {
    expect(parse(listCapturesQuery, query, "query")).toEqual({ limit: 20, offset: 0, expand: [], ...expected })
  })

  it("coerces created_at bounds to Dates", () => {
    const parsed = parse(
      listCapturesQuery,
      { created_at: { gt: "2024-01-01T00:00:00Z", lte: "2024-02-01T12:30:00.000Z" } },
      "query"
    )
    expect(parsed.created_at).toEqual({
      gt: new Date("2024-01-01T00:00:00Z"),
      lte: new Date("2024-02-01T12:30:00.000Z"),
    })
    expect(parsed.created_at?.gt).toBeInstanceOf(Date)
  })

  it.each<[string, Record<string, unknown>, RegExp]>([
    ["limit 0", { limit: "0" }, /^limit: /],
    ["limit 101", { limit: "101" }, /^limit: /],
    ["limit abc", { limit: "abc" }, /^limit: /],
    ["fractional limit", { limit: "2.5" }, /^limit: /],
    ["offset -1", { offset: "-1" }, /^offset: /],
    ["offset abc", { offset: "abc" }, /^offset: /],
    ["status done", { status: "done" }, /^status(\.0)?: must be one of requested, pending, succeeded, failed$/],
    ["a status list with one bad entry", { status: "succeeded,done" }, /^status(\.1)?: must be one of requested, pending, succeeded, failed$/],
    ["upper-case status", { status: "FAILED" }, /^status(\.0)?: must be one of /],
    ["created_at[gt] not-a-date", { created_at: { gt: "not-a-date" } }, /^created_at\.gt: must be an ISO 8601 date$/],
    ["created_at[lt] empty", { created_at: { lt: "" } }, /^created_at\.lt: must be an ISO 8601 date$/],
    ["created_at with an unknown operator", { created_at: { eq: "2024-01-01" } }, /^query: unknown field\(s\) eq$/],
    ["expand foo", { expand: "foo" }, /^expand: can only be refunds, events$/],
    ["expand with one bad entry", { expand: "refunds,payment" }, /^expand: can only be refunds, events$/],
    ["empty payment_id", { payment_id: "" }, /^payment_id: /],
    ["payment_id over 100 chars", { payment_id: "p".repeat(101) }, /^payment_id: /],
    ["unknown filter", { customer_id: "cus_1" }, /^query: unknown field\(s\) customer_id$/],
  ])("rejects %s", (_name, query, message) => {
    const err = parseError(listCapturesQuery, query, "query")
    expect(err.type).toBe("invalid_data")
    expect(err.message).toMatch(message)
  })
})

describe("expandQuery", () => {
  it.each<[unknown, string[]]>([
    [{}, []],
    [undefined, []],
    [{ expand: "" }, []],
    [{ expand: "refunds" }, ["refunds"]],
    [{ expand: "events" }, ["events"]],
    [{ expand: "refunds,events" }, ["refunds", "events"]],
  ])("accepts %j", (query, expand) => {
    expect(parse(expandQuery, query, "query")).toEqual({ expand })
  })

  it.each<[unknown, string]>([
    [{ expand: "foo" }, "expand: can only be refunds, events"],
    [{ expand: "Refunds" }, "expand: can only be refunds, events"],
    [{ expand: ["refunds"] }, "expand: Expected string, received array"],
    [{ expand: "refunds", limit: "1" }, "query: unknown field(s) limit"],
  ])("rejects %j", (query, message) => {
    const err = parseError(expandQuery, query, "query")
    expect(err.type).toBe("invalid_data")
    expect(err.message).toBe(message)
  })
})

describe("listCapturesQuery is strict about what looks almost right", () => {
  it.each([
    ["an empty status list", { status: "" }, /^status: must name at least one status$/],
    ["a status list of commas", { status: ",," }, /^status: must name at least one status$/],
    ["limit in exponent notation", { limit: "1e1" }, /^limit: must be a whole number$/],
    ["limit with decimals", { limit: "10.0" }, /^limit: must be a whole number$/],
    ["a bare number as a date", { created_at: { gt: "1" } }, /^created_at\.gt: must be an ISO 8601 date$/],
    ["a date in words", { created_at: { gt: "Tuesday 5 March 2024" } }, /^created_at\.gt: must be an ISO 8601 date$/],
    ["an impossible date", { created_at: { gt: "2024-13-45" } }, /^created_at\.gt: must be an ISO 8601 date$/],
  ])("rejects %s", (_name, query, message) => {
    const err = parseError(listCapturesQuery, query, "query")
    expect(err.type).toBe("invalid_data")
    expect(err.message).toMatch(message)
  })

  it("accepts a date and a date-time with offset", () => {
    const parsed = parse(listCapturesQuery, { created_at: { gte: "2026-11-23", lt: "2026-11-23T10:00:00.123+01:00" } }, "query")
    expect(parsed.created_at?.gte?.toISOString()).toBe("2026-11-23T00:00:00.000Z")
    expect(parsed.created_at?.lt?.toISOString()).toBe("2026-11-23T09:00:00.123Z")
  })
})

describe("metadata keys named like Object.prototype's members", () => {
  // Bodies as body-parser makes them: JSON.parse gives `__proto__` as an own key.
  const body = (json: string) => JSON.parse(json) as Record<string, unknown>
  const RESERVED = RESERVED_METADATA_KEYS
  const schemas = [
    ["createCaptureBody", createCaptureBody],
    ["refundCaptureBody", refundCaptureBody],
    ["updateCaptureBody", updateCaptureBody],
  ] as const

  describe.each(schemas)("%s", (_name, schema) => {
    it.each(RESERVED)("refuses %s at the top, naming it", (key) => {
      const err = parseError(schema, body(`{"metadata":{"a":1,${JSON.stringify(key)}:{"x":1}}}`))
      expect(err.type).toBe("invalid_data")
      expect(err.message).toBe(
        `metadata: the key ${JSON.stringify(key)} is reserved: keys named like a member of JavaScript's Object.prototype ` +
          "(__proto__, __defineGetter__, __defineSetter__, __lookupGetter__, __lookupSetter__, hasOwnProperty, isPrototypeOf, " +
          "propertyIsEnumerable, toLocaleString, toString, valueOf) cannot be stored"
      )
    })

    it.each(RESERVED)("refuses %s nested in objects and arrays, naming where", (key) => {
      const k = JSON.stringify(key)
      expect(parseError(schema, body(`{"metadata":{"n":{${k}:"v"}}}`)).message).toMatch(new RegExp(`^metadata: the key "${key}" \\(at n\\.${key}\\) is reserved`))
      expect(parseError(schema, body(`{"metadata":{"list":[1,{${k}:[]}]}}`)).message).toMatch(new RegExp(`^metadata: the key "${key}" \\(at list\\.1\\.${key}\\) is reserved`))
    })

    it("refuses a primitive value under a reserved key too (the rule is about names)", () => {
      expect(parseError(schema, body('{"metadata":{"toString":"x"}}')).message).toMatch(/^metadata: the key "toString" is reserved/)
      expect(parseError(schema, body('{"metadata":{"__proto__":null}}')).message).toMatch(/^metadata: the key "__proto__" is reserved/)
    })

    it.each(["constructor", "prototype", "__proto", "Constructor", "toJSON", "then", "equals", "hasownproperty"])(
      "keeps %s exactly as sent",
      (key) => {
        const sent = body(`{"metadata":{${JSON.stringify(key)}:{"x":[1,{"y":null}]},"n":{${JSON.stringify(key)}:"v"}}}`)
        const parsed = parse(schema, sent, "body") as { metadata: Record<string, unknown> }
        expect(JSON.stringify(parsed.metadata)).toBe(JSON.stringify(sent.metadata))
        expect(Object.keys(parsed.metadata)).toEqual([key, "n"])
      }
    )
  })

  it("does not overflow the stack on metadata nested far deeper than 1 kB allows", () => {
    const deep = body(`{"metadata":${'{"a":'.repeat(20_000)}1${"}".repeat(20_000)}}`)
    expect(parseError(createCaptureBody, deep).message).toMatch(/^metadata: /)
    const deepReserved = body(`{"metadata":${'{"a":'.repeat(20_000)}{"valueOf":1}${"}".repeat(20_000)}}`)
    expect(parseError(createCaptureBody, deepReserved).message).toMatch(/^metadata: the key "valueOf" \(at (a\.){20000}valueOf\) is reserved/)
  })
})
