/**
 * fast-check arbitraries for the values bad input is made of: text of every
 * kind (RTL, emoji, NUL, lone surrogates, injections), numbers that are not
 * amounts, metadata that is too big, too deep or prototype-named, wrong types.
 */
import fc from "fast-check"
import { Obj, Raw, nestedObject, type Val } from "./json"

export const MAX_AMOUNT = 2_147_483_647

export const loneSurrogate = fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c))

/** Injection and confusion strings: SQL, JSON, templates, paths, encodings, direction marks. */
export const NASTY_STRINGS = [
  "",
  " ",
  "null",
  "undefined",
  "NaN",
  "Infinity",
  "-Infinity",
  "0",
  "-1",
  "true",
  "[]",
  "{}",
  "' OR '1'='1",
  "'; DROP TABLE capture; --",
  "1; SELECT pg_sleep(10); --",
  "\" OR \"\"=\"",
  "') OR 1=1 --",
  "%' OR 1=1 --",
  "\\x00",
  "$1",
  "${7*7}",
  "{{7*7}}",
  "<script>alert(1)</script>",
  '{"$gt": ""}',
  '{"__proto__": {"polluted": true}}',
  '"}, "amount": 1, "x": {"',
  "__proto__",
  "constructor",
  "../../../../etc/passwd",
  "%00",
  "%s%s%s%n",
  "\u0000",
  "a\u0000b",
  "\u0000\u0000\u0000",
  "\ud800",
  "\udfff",
  "x\ud83d",
  "\udc00y",
  "\u202egnp.exe",
  "\u200f\u200e\u200b\ufeff",
  "שלום עולם",
  "مرحبا بالعالم",
  "ＡＢＣ１２３",
  "١٢٣٤",
  "👩‍👩‍👧‍👦🇺🇳😀",
  "Z̤͔ͧ̑̓ä͖̭̈̇lͮ̒ͫǫ̗",
  "\r\n\r\nX-Injected: 1",
  "\t\v\f",
  "\u2028\u2029",
]

const nastyUnit = fc.oneof(
  fc.constantFrom("\u0000", "\u202e", "\u200f", "\u200b", "\ufeff", "😀", "👩‍👩‍👧", "ש", "ع", "'", '"', "\\", "%", "\n", "\t", " ", "é"),
  loneSurrogate,
  fc.string({ unit: "grapheme-ascii", minLength: 1, maxLength: 1 })
)

/** Short text of every kind. */
export const nastyText: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...NASTY_STRINGS) },
  { weight: 1, arbitrary: fc.string({ unit: "grapheme", maxLength: 24 }) },
  { weight: 1, arbitrary: fc.string({ unit: "binary", maxLength: 24 }) },
  { weight: 2, arbitrary: fc.string({ unit: nastyUnit, maxLength: 24 }) }
)

/** Text at and beyond a length limit, in characters of 1 to 4 UTF-8 bytes. */
export const longText = (limit: number): fc.Arbitrary<string> =>
  fc
    .tuple(fc.constantFrom(limit, limit + 1, limit * 4, 20_000), fc.constantFrom("x", "é", "€", "😀", "\u0000", "ש"))
    .map(([n, ch]) => ch.repeat(Math.ceil(n / ch.length)))

/** A value of any JSON type but a string. */
export const notAString: fc.Arbitrary<Val> = fc.oneof(
  fc.integer(),
  fc.double({ noNaN: true }),
  fc.boolean(),
  fc.constant([] as Val[]),
  fc.array(fc.string({ maxLength: 4 }), { minLength: 1, maxLength: 2 }),
  fc.constant(new Obj([])),
  fc.constant(new Obj([["$ne", null]])),
  fc.constant(new Obj([["__proto__", new Obj([["polluted", true]])]]))
)

/** A free-text field: absent, null, ordinary, nasty, too long or not text. */
export const textField = (limit: number): fc.Arbitrary<Val | undefined> =>
  fc.oneof(
    { weight: 4, arbitrary: fc.constant(undefined) },
    { weight: 1, arbitrary: fc.constant(null) },
    { weight: 3, arbitrary: fc.string({ maxLength: 30 }) },
    { weight: 4, arbitrary: nastyText },
    { weight: 1, arbitrary: longText(limit) },
    { weight: 1, arbitrary: notAString }
  )

/** Numbers that are no amount: ≤ 0, fractional, beyond int4, beyond doubles, as raw literals. */
export const badNumber: fc.Arbitrary<Val> = fc.oneof(
  fc.integer({ min: -MAX_AMOUNT, max: 0 }),
  fc.constantFrom(
    MAX_AMOUNT + 1,
    2 ** 32,
    2 ** 53,
    2 ** 53 + 2,
    1e21,
    Number.MAX_VALUE,
    -Number.MAX_VALUE,
    Number.MIN_VALUE,
    -Number.MIN_VALUE,
    0.5,
    10.5,
    99.99,
    1e-7,
    -2147483648
  ),
  fc.double({ noNaN: true, noDefaultInfinity: true }).filter((d) => !Number.isInteger(d)),
  fc.constantFrom("1e400", "-1e400", "-0", "-0.0", "0.0", "1e-400", "123456789012345678901234567890", "2147483648.0", "0.1e1").map((t) => new Raw(t))
)

/** Numbers written so they look odd but are valid whole amounts: 1E2, 100.0. */
export const oddButWholeNumber: fc.Arbitrary<Val> = fc.constantFrom("1E2", "100.0", "1.0e2", "0.5e1", "1e0").map((t) => new Raw(t))

/** Things that are no number at all: numeric-looking strings, booleans, null, containers. */
export const notANumber: fc.Arbitrary<Val> = fc.oneof(
  fc.constantFrom("100", "NaN", "Infinity", "-Infinity", "1e3", "0x64", "0b11", " 100 ", "100abc", "", "١٠٠", "１００", "1,000", "10.50", "null", "€1"),
  fc.constantFrom<Val>(null, true, false, [100], [], new Obj([["value", 100]]), new Obj([["$gt", 0]])),
  nastyText
)

/** An amount: absent, small enough to fit, any valid size, or not an amount at all. */
export const amountField: fc.Arbitrary<Val | undefined> = fc.oneof(
  { weight: 1, arbitrary: fc.constant(undefined) },
  { weight: 12, arbitrary: fc.integer({ min: 1, max: 300 }) },
  { weight: 2, arbitrary: fc.integer({ min: 1, max: MAX_AMOUNT }) },
  { weight: 1, arbitrary: oddButWholeNumber },
  { weight: 4, arbitrary: badNumber },
  { weight: 3, arbitrary: notANumber }
)

/**
 * Every member of Object.prototype (Node 20), and look-alikes: keys a JSON
 * object may hold and JavaScript code that treats it as an object trips over.
 */
export const PROTOTYPE_KEYS: readonly string[] = [
  // Object.prototype's own members (the reserved ones, and `constructor`, which is stored)…
  ...Object.getOwnPropertyNames(Object.prototype),
  // …and names that only look special.
  "prototype",
  "toJSON",
]

export const prototypeKey: fc.Arbitrary<string> = fc.constantFrom(...PROTOTYPE_KEYS)

export const metadataKey: fc.Arbitrary<string> = fc.oneof(
  fc.string({ maxLength: 10 }),
  prototypeKey,
  fc.constantFrom("", "\u0000", "a\u0000", "a.b", "$where", "😀", "שלום", "medusa_capture_id"),
  loneSurrogate
)

const metadataLeaf: fc.Arbitrary<Val> = fc.oneof(
  fc.constant(null),
  fc.boolean(),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.string({ maxLength: 12 }),
  nastyText,
  fc.constant("")
)

const metadataTree: fc.Arbitrary<Val> = fc.letrec<{ v: Val }>((tie) => ({
  v: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    metadataLeaf,
    fc.array(tie("v"), { maxLength: 3 }),
    fc.array(fc.tuple(metadataKey, tie("v")), { maxLength: 3 }).map((e) => new Obj(e))
  ),
})).v

/**
 * Metadata with a prototype-named key (of any kind of value) at the top, in a
 * nested object or in an object in an array, next to ordinary keys: the one
 * problem of an otherwise valid metadata.
 */
export const prototypeKeyMetadata: fc.Arbitrary<Val> = fc
  .tuple(
    prototypeKey,
    fc.oneof(
      fc.constantFrom<Val>(new Obj([]), new Obj([["x", 1]]), [], [1, "two"], null, 0, "v", true),
      metadataLeaf.filter((v) => v !== "")
    ),
    fc.constantFrom("top", "nested", "in an array"),
    fc.array(fc.tuple(fc.string({ minLength: 1, maxLength: 6 }), fc.oneof(fc.integer(), fc.string({ maxLength: 6 }))), { maxLength: 2 })
  )
  .map(([key, value, where, others]) => {
    const entry: [string, Val] = [key, value]
    const placed: [string, Val] =
      where === "top" ? entry : where === "nested" ? ["n", new Obj([entry])] : ["list", [1, new Obj([entry])]]
    return new Obj([...others, placed])
  })

/** Metadata: absent, null, small, prototype-named, too big, too deep, or not an object. */
export const metadataField: fc.Arbitrary<Val | undefined> = fc.oneof(
  { weight: 4, arbitrary: fc.constant(undefined) },
  { weight: 1, arbitrary: fc.constant(null) },
  { weight: 4, arbitrary: fc.array(fc.tuple(metadataKey, metadataTree), { maxLength: 5 }).map((e) => new Obj(e)) },
  { weight: 3, arbitrary: prototypeKeyMetadata },
  {
    weight: 1,
    arbitrary: fc.constantFrom<Val>(
      new Obj([["__proto__", new Obj([["polluted", true]])]]),
      new Obj([["constructor", new Obj([["prototype", new Obj([["polluted", true]])]])]]),
      new Obj([["__proto__", "x".repeat(2000)]]),
      new Obj([["a", new Obj([["__proto__", new Obj([["isAdmin", true]])]])]])
    ),
  },
  { weight: 1, arbitrary: fc.integer({ min: 990, max: 6000 }).map((n) => new Obj([["blob", "x".repeat(n)]])) },
  { weight: 1, arbitrary: fc.integer({ min: 30, max: 400 }).map((n) => new Obj(Array.from({ length: n }, (_, i): [string, Val] => [`k${i}`, i]))) },
  { weight: 1, arbitrary: fc.integer({ min: 5, max: 600 }).map((d) => new Obj([["deep", nestedObject(d)]])) },
  { weight: 2, arbitrary: notAString.filter((v) => !(v instanceof Obj)) },
  { weight: 1, arbitrary: nastyText }
)

/** Field names no route knows, including prototype names and look-alikes of real fields. */
export const unknownKey: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    "__proto__",
    "constructor",
    "prototype",
    "toString",
    "hasOwnProperty",
    "amount_cents",
    "status",
    "id",
    "payment_id",
    "captured_at",
    "refunded_amount",
    "AMOUNT",
    "amount ",
    "ａｍｏｕｎｔ",
    "",
    "\u0000",
    "metadata.a",
    "$set",
    "😀"
  ),
  fc.string({ minLength: 1, maxLength: 12 })
)

const CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"

/** An id shaped like Medusa's (`prefix_` + a 26-character ULID) that exists nowhere. */
export const lookAlikeId = (prefix: string): fc.Arbitrary<string> =>
  fc
    .array(fc.integer({ min: 0, max: 31 }), { minLength: 24, maxLength: 24 })
    .map((xs) => `${prefix}_01${xs.map((x) => CROCKFORD[x]).join("")}`)

/** Variations of a real id that must not find it. */
export const mutatedId = (id: string): fc.Arbitrary<string> =>
  fc.constantFrom(
    id + " ",
    " " + id,
    id + "\u200b",
    id.toUpperCase(),
    id.toLowerCase(),
    id.slice(0, -1),
    id + "0",
    id + "\u0000",
    id + "%00",
    id + "'",
    id + "' OR '1'='1",
    id + ";--",
    id.replace(/^[a-z]+_/, "cap_"),
    id.replace(/^[a-z]+_/, "pay_"),
    id.replace(/^[a-z]+_/, "order_"),
    `${id},${id}`,
    encodeURIComponent(id)
  ).filter((v) => v !== id)
