/**
 * One fast-check arbitrary per route of the plugin, each producing complete
 * HTTP requests (credentials, path id, query, headers, body bytes) together
 * with what the plugin must do with them (oracle.ts).
 */
import crypto from "node:crypto"
import fc from "fast-check"
import type { RawRequest } from "./http"
import { Obj, clip, nestedArrayText, nestedObjectText, obj, pctEncode, toJson, type Val } from "./json"
import * as O from "./oracle"
import type { Collector, Expectation, Problem } from "./oracle"
import * as V from "./values"
import type { RealCapture, RealPayment, World } from "./world"

export type Case = {
  route: string
  request: RawRequest
  expect: Expectation
}

type Json = Record<string, any> // eslint-disable-line @typescript-eslint/no-explicit-any

// ------------------------------------------------------------------ credentials

function jwt(payload: object, secret: string, alg: "HS256" | "none" = "HS256"): string {
  const part = (o: object) => Buffer.from(JSON.stringify(o)).toString("base64url")
  const head = `${part({ alg, typ: "JWT" })}.${part(payload)}`
  return alg === "none" ? `${head}.` : `${head}.${crypto.createHmac("sha256", secret).update(head).digest("base64url")}`
}

type Auth = { headers: Record<string, string>; problem?: string }

function authArb(w: World): fc.Arbitrary<Auth> {
  const token = w.ctx.adminToken
  const now = Math.floor(Date.now() / 1000)
  const admin = { user_id: w.adminUserId, domain: "admin", iat: now, exp: now + 86400 }
  const secret = w.ctx.serverEnv.JWT_SECRET
  const basic = Buffer.from(`${w.ctx.serverEnv.ADMIN_EMAIL}:${w.ctx.serverEnv.ADMIN_PASSWORD}`).toString("base64")
  const bad: Auth[] = [
    { problem: "no credentials", headers: {} },
    { problem: "a token signed by another store", headers: { authorization: `Bearer ${jwt(admin, "another-store-secret")}` } },
    { problem: "an expired token", headers: { authorization: `Bearer ${jwt({ ...admin, iat: now - 7200, exp: now - 3600 }, secret)}` } },
    { problem: "a customer's token", headers: { authorization: `Bearer ${jwt({ customer_id: "cus_01", domain: "store", iat: now, exp: now + 3600 }, secret)}` } },
    { problem: "an unsigned token (alg none)", headers: { authorization: `Bearer ${jwt(admin, "", "none")}` } },
    { problem: "the token without its last character", headers: { authorization: `Bearer ${token.slice(0, -1)}` } },
    { problem: "the token with a character appended", headers: { authorization: `Bearer ${token}x` } },
    { problem: "the JWT sent as an API token", headers: { "x-medusa-access-token": token } },
    { problem: "an unknown API token", headers: { "x-medusa-access-token": "pk_01J000000000000000000000000" } },
    { problem: "a forged session cookie", headers: { cookie: "connect.sid=s%3Aforged-session.c2lnbmF0dXJl" } },
    { problem: "the admin's password as Basic auth", headers: { authorization: `Basic ${basic}` } },
    { problem: "an empty Bearer", headers: { authorization: "Bearer " } },
    { problem: "the token under another scheme", headers: { authorization: `Token ${token}` } },
  ]
  const garbage = fc
    .string({ unit: "grapheme-ascii", minLength: 1, maxLength: 80 })
    .map((s): Auth => ({ problem: "a garbage Bearer token", headers: { authorization: `Bearer ${s.trim() || "x"}` } }))
  return fc.oneof(
    { weight: 8, arbitrary: fc.constant<Auth>({ headers: { authorization: `Bearer ${token}` } }) },
    { weight: 1, arbitrary: fc.constantFrom(...bad) },
    { weight: 1, arbitrary: garbage }
  )
}

// ------------------------------------------------------------------ path ids

type Kind = "payment" | "capture" | "order"
type Target = { segment: string; raw: string; problem?: Problem; payment?: RealPayment; capture?: RealCapture; order?: string }

const MALFORMED_SEGMENTS = ["%", "%E0%A4%A", "%ED%A0%80", "%C0%AF", "%FF", "%zz", "abc%", "%%", "%u0041", "%F0%9F%98"]

function segmentOf(raw: string): string {
  if (raw === "." || raw === "..") return raw.replace(/\./g, "%2E")
  return pctEncode(raw)
}

function resolveTarget(kind: Kind, w: World, segment: string): Target {
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

function targetArb(kind: Kind, w: World): fc.Arbitrary<Target> {
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

// ------------------------------------------------------------------ query strings

function encodeKey(key: string): string {
  return key.split(/([[\]])/).map((p) => (p === "[" || p === "]" ? p : pctEncode(p))).join("")
}

function queryString(entries: Array<[string, string]>): string {
  return entries.map(([k, v]) => `${encodeKey(k)}=${pctEncode(v)}`).join("&")
}

const junkKey = fc.constantFrom(
  "foo",
  "__proto__[polluted]",
  "__proto__",
  "constructor[prototype][polluted]",
  "a[b][c][d][e][f][g][h]",
  "expand",
  "limit",
  "fields",
  "q",
  "$where",
  "id",
  "status[]",
  "\u0000",
  "😀",
  "עברית"
)
const shortNasty = V.nastyText.map((s) => s.slice(0, 200))
const junkValue = fc.oneof(fc.constantFrom("1", "-1", "true", "refunds", "refunds,events", "payment", ""), shortNasty)
const junkQuery: fc.Arbitrary<Array<[string, string]>> = fc.oneof(
  { weight: 6, arbitrary: fc.constant<Array<[string, string]>>([]) },
  { weight: 1, arbitrary: fc.array(fc.tuple(junkKey, junkValue), { minLength: 1, maxLength: 3 }) }
)

function listQueryArb(w: World): fc.Arbitrary<Array<[string, string]>> {
  const ids = [...w.payments.map((p) => p.id), ...w.orders, ...w.captures.map((c) => c.id), ...w.otherKinds]
  const idValue = fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(...ids) },
    { weight: 1, arbitrary: V.lookAlikeId("pay") },
    { weight: 2, arbitrary: shortNasty },
    { weight: 1, arbitrary: fc.constantFrom("", "x".repeat(100), "x".repeat(101), "y".repeat(300)) },
    { weight: 1, arbitrary: fc.constantFrom(...ids).map((id) => `${id}\u0000`) },
    { weight: 1, arbitrary: fc.constantFrom("\u0000", "\ud800", "%00", "%ED%A0%80") }
  )
  const statusValue = fc.oneof(
    fc
      .array(fc.constantFrom("requested", "pending", "succeeded", "failed", "SUCCEEDED", "done", "", " failed ", "succeeded\u0000", "refunded"), {
        minLength: 1,
        maxLength: 3,
      })
      .map((a) => a.join(",")),
    shortNasty
  )
  const dateValue = fc.oneof(
    fc
      .date({ min: new Date("1970-01-01T00:00:00Z"), max: new Date("2100-01-01T00:00:00Z"), noInvalidDate: true })
      .chain((d) => {
        const iso = d.toISOString()
        return fc.constantFrom(iso, iso.slice(0, 10), iso.slice(0, 16), iso.replace("Z", "+05:30"), iso.slice(0, 19) + "-0800")
      }),
    fc.constantFrom(
      "yesterday",
      "now()",
      "2020-13-01",
      "2020-02-30",
      "2021-02-29",
      "2020-00-10",
      "2020-01-01T25:00",
      "2020-01-01T23:60",
      "0000-01-01",
      "9999-12-31T23:59:59.999Z",
      "2020-01-01T00:00:00.1234567Z",
      "2020-1-1",
      "2020/01/01",
      "01-01-2020",
      "1e10",
      "0",
      "-1",
      "",
      "2020-01-01 00:00:00",
      "2020-01-01T00:00:00z",
      "+002020-01-01",
      "2020-W01",
      "275760-09-13",
      "1970-01-01T00:00:00+99:99",
      "2020-01-01'; DROP TABLE capture; --"
    ),
    shortNasty
  )
  const intish = fc.oneof(
    fc.integer({ min: -5, max: 120 }).map(String),
    fc.constantFrom("0", "1", "100", "101", "0000000020", "00000000020", "1000000000", "1000000001", "99999999999", "-1", "1.5", "1e1", "NaN", "Infinity", "", " 5", "5 ", "0x10", "１０", "20abc", "9".repeat(400)),
    shortNasty
  )
  const expandValue = fc.oneof(
    fc.constantFrom("refunds", "events", "refunds,events", " events , refunds ", ",", "payment", "refunds,payment", "REFUNDS", "events,events", "refunds\u0000"),
    shortNasty
  )
  const param: fc.Arbitrary<[string, string]> = fc.oneof(
    fc.tuple(fc.constant("payment_id"), idValue),
    fc.tuple(fc.constant("order_id"), idValue),
    fc.tuple(fc.constant("provider_id"), fc.oneof(fc.constantFrom("captures-sandbox", "mollie", "clover", "manual", "CAPTURES-SANDBOX", "mollie\u0000"), shortNasty)),
    fc.tuple(fc.constantFrom("status", "status", "status[]", "status[0]", "status[a]", "status[1001]"), statusValue),
    fc.tuple(fc.constantFrom("created_at[gt]", "created_at[gte]", "created_at[lt]", "created_at[lte]", "created_at[eq]", "created_at", "created_at[gt][x]", "created_at[]"), dateValue),
    fc.tuple(fc.constantFrom("limit", "offset", "limit", "offset", "limit[]", "offset[x]"), intish),
    fc.tuple(fc.constantFrom("expand", "expand", "expand[]"), expandValue),
    fc.tuple(junkKey, junkValue)
  )
  return fc.array(param, { maxLength: 5 })
}

// ------------------------------------------------------------------ bodies

type Transport =
  | { kind: "none" }
  | { kind: "json"; contentType: string }
  | { kind: "top-level"; text: string }
  | { kind: "malformed"; text: string }
  | { kind: "form"; big?: "deep" | "many" }
  | { kind: "unparsed"; contentType: string | null }
  | { kind: "text" }
  | { kind: "charset"; contentType: string }
  | { kind: "encoding"; encoding: string }
  | { kind: "huge" }

const MALFORMED_JSON = [
  '{"amount": 10',
  "{amount: 10}",
  "{'amount': 10}",
  '{"amount": 10,}',
  '{"amount": NaN}',
  '{"amount": Infinity}',
  '{"amount": 0x10}',
  '{"amount": 01}',
  '{"amount": .5}',
  '{"amount": 1e}',
  '{"amount": -}',
  '{"a": "\\x41"}',
  '{"a": "\\ud800"',
  '{"a": 1} trailing',
  '{"a":1}}',
  "{",
  "[1,]",
  "nul",
  '"unterminated',
  "\u0000",
  "{\u0000}",
  '{"a" 1}',
  "undefined",
  "// comment\n{}",
]

const TOP_LEVEL_NOT_OBJECT = ["[]", "[1,2]", '[{"amount": 100}]', '"str"', "123", "true", "null", "-0", '"{\\"amount\\":100}"']

const transportArb: fc.Arbitrary<Transport> = fc.oneof(
  { weight: 3, arbitrary: fc.constant<Transport>({ kind: "none" }) },
  {
    weight: 64,
    arbitrary: fc
      .constantFrom("application/json", "application/json", "application/json; charset=utf-8", "Application/JSON", "application/json;charset=UTF-8")
      .map((contentType): Transport => ({ kind: "json", contentType })),
  },
  {
    weight: 3,
    arbitrary: fc.oneof(
      fc.constantFrom(...TOP_LEVEL_NOT_OBJECT),
      fc.integer({ min: 100, max: 40_000 }).map(nestedArrayText),
      fc.integer({ min: 100, max: 20_000 }).map(nestedObjectText)
    ).map((text): Transport => ({ kind: "top-level", text })),
  },
  { weight: 5, arbitrary: fc.constantFrom(...MALFORMED_JSON).map((text): Transport => ({ kind: "malformed", text })) },
  { weight: 4, arbitrary: fc.constant<Transport>({ kind: "form" }) },
  { weight: 1, arbitrary: fc.constantFrom<Transport>({ kind: "form", big: "deep" }, { kind: "form", big: "many" }) },
  {
    weight: 6,
    arbitrary: fc
      .constantFrom<string | null>(
        "application/xml",
        "application/octet-stream",
        "multipart/form-data; boundary=x",
        "application/vnd.api+json",
        "text/json",
        "application/merge-patch+json",
        "application/jsonx",
        "image/png",
        null
      )
      .map((contentType): Transport => ({ kind: "unparsed", contentType })),
  },
  { weight: 2, arbitrary: fc.constant<Transport>({ kind: "text" }) },
  {
    weight: 2,
    arbitrary: fc
      .constantFrom(
        "application/json; charset=latin1",
        "application/json; charset=iso-8859-1",
        "application/json; charset=x-bogus",
        "application/x-www-form-urlencoded; charset=latin1",
        "text/plain; charset=x-bogus"
      )
      .map((contentType): Transport => ({ kind: "charset", contentType })),
  },
  { weight: 2, arbitrary: fc.constantFrom("gzip", "deflate", "br", "x-unknown").map((encoding): Transport => ({ kind: "encoding", encoding })) },
  { weight: 1, arbitrary: fc.constant<Transport>({ kind: "huge" }) }
)

const formValue = fc.oneof(fc.constantFrom("100", "1", "-5", "abc", "eur", "return", "", "tr_abc123"), V.nastyText)

function formText(keys: string[], big: "deep" | "many" | undefined, entries: Array<[string, string]>): string {
  if (big === "deep") return `${keys[0]}${"[a]".repeat(40)}=1`
  if (big === "many") return Array.from({ length: 1100 }, (_, i) => `k${i}=1`).join("&")
  return queryString(entries)
}

/** Valid JSON as body-parser (strict) reads it, or why it refuses it. */
function parseJsonBody(text: string): { value: unknown } | { error: string } {
  const first = text.trimStart()[0]
  if (first !== "{" && first !== "[") return { error: "is not a JSON object or array" }
  try {
    return { value: JSON.parse(text) }
  } catch (e) {
    return { error: `is not valid JSON (${(e as Error).message.slice(0, 80)})` }
  }
}

const BODY = O.names("body")

type FieldSpec = {
  name: string
  /** Values the route must accept (or refuse only for its target's state). */
  valid: fc.Arbitrary<Val | undefined>
  /** Any value, mostly bad. */
  any: fc.Arbitrary<Val | undefined>
}

type BodySpec = {
  fields: FieldSpec[]
  /** Field names for form-encoded variants (the route's own, plus look-alikes). */
  formKeys: string[]
  /** The rules for a parsed object body. */
  check: (c: Collector, value: Record<string, unknown>) => void
  /** The webhook reads only `id` and answers a missing one with a 400 naming `id`. */
  webhook?: boolean
}

type BodyOutcome = { value?: Record<string, unknown>; text?: string; contentType?: string; encoding?: string }

/**
 * The bytes to send for a transport and body, and what the route must make of
 * them. Routes without a body (`spec` undefined) may ignore any body, so what
 * is wrong with it is only "may be refused" there.
 */
function encodeBody(
  spec: BodySpec | undefined,
  t: Transport,
  body: Val,
  form: Array<[string, string]>,
  c: Collector
): BodyOutcome {
  const must = (p: Problem) => (spec ? c.reject : c.maybe).push(p)
  const notAnObject = (what: string) => must(spec?.webhook ? O.fieldProblem("id", `missing: the body ${what}`) : { what: `body ${what}`, names: BODY })
  const json = toJson(body)
  const trivial = json === "{}"
  const fromParsed = (r: { value: unknown } | { error: string }): Record<string, unknown> | undefined => {
    if ("error" in r) return void must({ what: `body ${r.error}`, names: BODY })
    if (Array.isArray(r.value)) return void notAnObject("is an array")
    return r.value as Record<string, unknown>
  }
  switch (t.kind) {
    case "none":
      return { value: {} }
    case "json":
      return { value: fromParsed(parseJsonBody(json)), text: json, contentType: t.contentType }
    case "top-level":
      return { value: fromParsed(parseJsonBody(t.text)), text: t.text, contentType: "application/json" }
    case "malformed":
      must({ what: "body is not valid JSON", names: BODY })
      return { text: t.text, contentType: "application/json" }
    case "form": {
      const text = formText(spec?.webhook ? ["id"] : spec?.formKeys ?? ["a"], t.big, form)
      const parsed = O.parseForm(text)
      if (typeof parsed === "string") {
        must({ what: `form body ${parsed}`, names: /body|field|param|deep|nest|depth/i })
        return { text, contentType: "application/x-www-form-urlencoded" }
      }
      return { value: parsed, text, contentType: "application/x-www-form-urlencoded" }
    }
    case "unparsed": {
      const what = `body sent as ${t.contentType ?? "no content type"}, which is not read`
      if (trivial) c.maybe.push({ what, names: /content.type|media type|body|unsupported/i })
      else must({ what, names: spec?.webhook ? /\bid\b|content.type|media type|body/i : /content.type|media type|body|unsupported/i })
      return { value: trivial ? {} : undefined, text: json, contentType: t.contentType ?? undefined }
    }
    case "text":
      notAnObject("is text/plain")
      return { text: json, contentType: "text/plain" }
    case "charset":
      must({ what: `body in an unsupported charset (${t.contentType})`, names: /charset|content.type|encoding|body/i })
      return { text: t.contentType.includes("urlencoded") ? "reference=x" : json, contentType: t.contentType }
    case "encoding":
      must({ what: `body claims content-encoding ${t.encoding} but is not encoded so`, names: /encoding|body|content/i })
      return { text: json, contentType: "application/json", encoding: t.encoding }
    case "huge":
      must({ what: "body is over 100 kB", names: /body|large|size|limit/i })
      return { text: toJson(new Obj([[spec?.webhook ? "id" : "reference", "x".repeat(150_000)]])), contentType: "application/json" }
  }
}

// ------------------------------------------------------------------ idempotency keys

const IDEMPOTENCY_POOL = ["bad-input-key-1", "bad-input-key-2", "bad-input-key-3"]

const idempotencyArb: fc.Arbitrary<string | undefined> = fc.oneof(
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

function checkIdempotencyKey(c: Collector, header: string | undefined, used: boolean): void {
  if (header === undefined) return
  const key = header.trim()
  const valid = key.length >= 1 && key.length <= 255 && /^[\x21-\x7e]+$/.test(key)
  if (valid) return
  const p = O.fieldProblem("Idempotency-Key", `${JSON.stringify(header)} is not 1 to 255 printable ASCII characters`)
  ;(used ? c.reject : c.maybe).push(p)
}

// ------------------------------------------------------------------ body fields

const extraFields: fc.Arbitrary<Array<[string, Val]>> = fc.array(
  fc.tuple<[string, Val]>(V.unknownKey, fc.oneof(fc.integer(), V.nastyText, fc.constant(new Obj([["polluted", true]])))),
  { minLength: 1, maxLength: 2 }
)

/**
 * A body: either every field drawn from everything (mostly several problems at
 * once), or every field valid but one (one problem at a time, or none: then the
 * request reaches the ledger).
 */
function bodyArb(spec: BodySpec, focused: boolean): fc.Arbitrary<Val> {
  const build = (values: Array<Val | undefined>, extra: Array<[string, Val]>) =>
    new Obj([...obj(spec.fields.map((f, i): [string, Val | undefined] => [f.name, values[i]])).entries, ...extra])
  if (!focused) {
    return fc
      .tuple(fc.tuple(...spec.fields.map((f) => f.any)), fc.oneof({ weight: 8, arbitrary: fc.constant<Array<[string, Val]>>([]) }, { weight: 1, arbitrary: extraFields }))
      .map(([values, extra]) => build(values, extra))
  }
  const n = spec.fields.length
  return fc.integer({ min: 0, max: n + 1 }).chain((bad) =>
    fc
      .tuple(fc.tuple(...spec.fields.map((f, i) => (i === bad ? f.any : f.valid))), bad === n ? extraFields : fc.constant<Array<[string, Val]>>([]))
      .map(([values, extra]) => build(values, extra))
  )
}

const validText = (limit: number): fc.Arbitrary<Val | undefined> =>
  fc.oneof(
    { weight: 3, arbitrary: fc.constant(undefined) },
    { weight: 1, arbitrary: fc.constant(null) },
    { weight: 2, arbitrary: fc.string({ maxLength: 30 }) },
    { weight: 2, arbitrary: fc.string({ unit: "grapheme", maxLength: 30 }) },
    { weight: 1, arbitrary: fc.constantFrom("שלום עולם", "مرحبا", "👩‍👩‍👧‍👦🇺🇳", "\u202egnp.exe", "' OR '1'='1", "x".repeat(limit)) }
  )

/** Keys of valid metadata: any but the reserved ones, `constructor` and other look-alikes included. */
const validMetadataKey = fc.oneof(
  { weight: 4, arbitrary: fc.string({ maxLength: 8 }).filter((k) => !O.RESERVED_METADATA_KEYS.includes(k)) },
  { weight: 1, arbitrary: V.prototypeKey.filter((k) => !O.RESERVED_METADATA_KEYS.includes(k)) }
)

const validMetadata: fc.Arbitrary<Val | undefined> = fc.oneof(
  { weight: 3, arbitrary: fc.constant(undefined) },
  { weight: 1, arbitrary: fc.constant(null) },
  {
    weight: 3,
    arbitrary: fc
      .array(
        fc.tuple(
          validMetadataKey,
          fc.oneof(fc.string({ maxLength: 10 }), fc.integer(), fc.boolean(), fc.constant(null), fc.constant<Val>(new Obj([["x", new Obj([["y", 1]])]])), fc.constant<Val>([1, new Obj([])]))
        ),
        { maxLength: 4 }
      )
      .map((e) => new Obj(e)),
  }
)

/** Amounts that fit (most) or any valid size; "no amount" (everything) is left to the `any` values, to keep money for later cases. */
const validAmount: fc.Arbitrary<Val | undefined> = fc.oneof(
  { weight: 16, arbitrary: fc.integer({ min: 1, max: 300 }) },
  { weight: 1, arbitrary: fc.integer({ min: 1, max: V.MAX_AMOUNT }) }
)

const currencyField: fc.Arbitrary<Val | undefined> = fc.oneof(
  { weight: 6, arbitrary: fc.constant(undefined) },
  { weight: 2, arbitrary: fc.constantFrom("eur", "EUR", "Eur") },
  { weight: 1, arbitrary: fc.constantFrom("usd", "jpy", "xxx") },
  { weight: 2, arbitrary: fc.oneof(fc.constantFrom<Val>("euro", "e", "", "€€€", "EU R", "eu1", "\u0000ur", null), V.nastyText, V.notAString) }
)

const REASONS = ["discount", "return", "swap", "claim", "other"]
const reasonField: fc.Arbitrary<Val | undefined> = fc.oneof(
  { weight: 5, arbitrary: fc.constant(undefined) },
  { weight: 3, arbitrary: fc.constantFrom(...REASONS) },
  { weight: 2, arbitrary: fc.oneof(fc.constantFrom<Val>("because", "RETURN", "", "refund", null), V.nastyText, V.notAString) }
)

const intField = (min: number, max: number): fc.Arbitrary<Val | undefined> =>
  fc.oneof(
    { weight: 4, arbitrary: fc.constant(undefined) },
    { weight: 3, arbitrary: fc.integer({ min, max }) },
    { weight: 1, arbitrary: fc.constantFrom(min - 1, max + 1, 1e308, -1, 2 ** 53) },
    { weight: 1, arbitrary: V.badNumber },
    { weight: 1, arbitrary: V.notANumber }
  )
const validInt = (min: number, max: number): fc.Arbitrary<Val | undefined> =>
  fc.oneof({ weight: 1, arbitrary: fc.constant(undefined) }, { weight: 2, arbitrary: fc.integer({ min, max }) })

const captureBody: BodySpec = {
  fields: [
    { name: "amount", valid: validAmount, any: V.amountField },
    { name: "currency_code", valid: fc.oneof(fc.constant(undefined), fc.constantFrom("eur", "EUR")), any: currencyField },
    { name: "description", valid: validText(255), any: V.textField(255) },
    { name: "reference", valid: validText(255), any: V.textField(255) },
    { name: "reference_origin", valid: validText(255), any: V.textField(255) },
    { name: "metadata", valid: validMetadata, any: V.metadataField },
  ],
  formKeys: ["amount", "currency_code", "description", "reference", "reference_origin", "metadata[a]", "metadata[__proto__][x]", "__proto__[x]", "constructor", "amount_cents"],
  check: (c, v) => {
    O.checkKnownKeys(c, "body", v, ["amount", "currency_code", "description", "reference", "reference_origin", "metadata"])
    O.checkAmount(c, "amount", v.amount)
    O.checkCurrency(c, "currency_code", v.currency_code)
    O.checkText(c, "description", v.description, 255)
    O.checkText(c, "reference", v.reference, 255)
    O.checkText(c, "reference_origin", v.reference_origin, 255)
    O.checkMetadata(c, "metadata", v.metadata)
  },
}

const updateBody: BodySpec = {
  fields: [
    { name: "metadata", valid: validMetadata, any: V.metadataField },
    { name: "reference", valid: validText(255), any: V.textField(255) },
    { name: "reference_origin", valid: validText(255), any: V.textField(255) },
  ],
  formKeys: ["reference", "reference_origin", "metadata[a]", "metadata[__proto__][x]", "__proto__[x]", "constructor", "status"],
  check: (c, v) => {
    O.checkKnownKeys(c, "body", v, ["metadata", "reference", "reference_origin"])
    O.checkMetadata(c, "metadata", v.metadata)
    O.checkText(c, "reference", v.reference, 255)
    O.checkText(c, "reference_origin", v.reference_origin, 255)
  },
}

const refundBody: BodySpec = {
  fields: [
    { name: "amount", valid: validAmount, any: V.amountField },
    { name: "reason", valid: fc.oneof(fc.constant(undefined), fc.constantFrom(...REASONS)), any: reasonField },
    { name: "note", valid: validText(1000), any: V.textField(1000) },
    { name: "metadata", valid: validMetadata, any: V.metadataField },
  ],
  formKeys: ["amount", "reason", "note", "metadata[a]", "__proto__[x]", "constructor", "refund_all"],
  check: (c, v) => {
    O.checkKnownKeys(c, "body", v, ["amount", "reason", "note", "metadata"])
    O.checkAmount(c, "amount", v.amount)
    O.checkEnum(c, "reason", v.reason, REASONS)
    O.checkText(c, "note", v.note, 1000)
    O.checkMetadata(c, "metadata", v.metadata)
  },
}

const RECONCILE_FIELDS: Array<[string, number, number]> = [
  ["older_than_seconds", 0, 31_536_000],
  ["never_received_after_seconds", 0, 31_536_000],
  ["limit", 1, 1000],
]

const reconcileBody: BodySpec = {
  fields: RECONCILE_FIELDS.map(([name, min, max]) => ({ name, valid: validInt(min, max), any: intField(min, max) })),
  formKeys: ["older_than_seconds", "never_received_after_seconds", "limit", "__proto__[x]", "constructor", "all"],
  check: (c, v) => {
    O.checkKnownKeys(c, "body", v, RECONCILE_FIELDS.map(([name]) => name))
    for (const [name, min, max] of RECONCILE_FIELDS) O.checkInt(c, name, v[name], min, max)
  },
}

/** The release takes no fields: any field is refused, naming it. */
const releaseBody: BodySpec = {
  fields: [],
  formKeys: ["amount", "__proto__[x]", "constructor", "all"],
  check: (c, v) => O.checkKnownKeys(c, "body", v, []),
}

const MOLLIE_ID = /^tr_[A-Za-z0-9]+$/

function webhookBody(w: World): BodySpec {
  const alnum = fc.string({ unit: fc.constantFrom(..."abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"), minLength: 1, maxLength: 20 })
  const valid: fc.Arbitrary<Val> = fc.oneof(
    { weight: 2, arbitrary: fc.constant(w.mollieRef) },
    { weight: 2, arbitrary: fc.constant(w.otherStoreMollieRef) },
    { weight: 3, arbitrary: alnum.map((s) => `tr_${s}`) },
    { weight: 1, arbitrary: fc.constantFrom(` ${w.mollieRef} `, `\t${w.otherStoreMollieRef}\n`, "tr_unknown0\u00a0", "\ufefftr_unknown1") }
  )
  const bad: fc.Arbitrary<Val | undefined> = fc.oneof(
    fc.constantFrom<Val | undefined>(undefined, "tr_", "tr_abc-def", "tr_ab c", "TR_abc", "tr_abc\u0000", "tr_😀", "tr_abc' OR '1'='1", "cpt_abc", "re_abc", "ord_abc", null, "", `${w.mollieRef},${w.mollieRef}`),
    fc.constantFrom(...w.payments.map((p) => p.id), ...w.orders, ...w.otherKinds),
    V.nastyText,
    V.notAString
  )
  return {
    fields: [{ name: "id", valid, any: fc.oneof({ weight: 1, arbitrary: valid }, { weight: 1, arbitrary: bad }) }],
    formKeys: ["id"],
    webhook: true,
    check: (c, v) => {
      const raw = v.id
      if (typeof raw !== "string" || !MOLLIE_ID.test(raw.trim())) c.reject.push(O.fieldProblem("id", `${O.describe(raw)} is not a Mollie payment id`))
    },
  }
}

function webhookFormEntries(w: World): fc.Arbitrary<Array<[string, string]>> {
  const value = fc.oneof(fc.constantFrom(w.mollieRef, w.otherStoreMollieRef, "tr_abc123", " tr_abc123 ", "tr_", ""), V.nastyText)
  return fc.array(fc.tuple(fc.constantFrom("id", "id", "id", "id[]", "id[a]", "__proto__[id]", "testByPass"), value), { maxLength: 3 })
}

// ------------------------------------------------------------------ routes

type Given = {
  target?: Target
  body?: Record<string, unknown>
  query: Record<string, unknown>
  list?: O.ListQuery
  idempotencyKey?: string
}

type RouteDef = {
  name: string
  method: "GET" | "POST"
  admin: boolean
  target?: Kind
  path: (segment: string) => string
  /** How the route reads its query string: strictly (GET /admin/captures, GET /admin/captures/:id) or not at all. */
  query: "list" | "expand" | "ignored"
  body?: BodySpec
  idempotency: boolean
  /** For a request with nothing wrong: what its target's state may refuse, whether it writes, what an answer must say. */
  outcome: (g: Given, w: World) => Partial<Expectation>
}

const ACCEPTED = ["requested", "pending", "succeeded"]

/** The strings sent in these fields come back unchanged (when PostgreSQL can store them). */
function echoes(sent: Record<string, unknown> | undefined, got: Json | undefined, fields: string[]): string[] {
  const out: string[] = []
  for (const f of fields) {
    const v = sent?.[f]
    if (v === undefined) continue
    if (typeof v === "string" && /[\u0000\ud800-\udfff]/.test(v)) continue
    if (got?.[f] !== v) out.push(`${f}: sent ${O.describe(v)}, answered ${O.describe(got?.[f])}`)
  }
  return out
}

function routes(w: World): RouteDef[] {
  return [
    {
      name: "POST /admin/payments/:id/captures",
      method: "POST",
      admin: true,
      target: "payment",
      path: (s) => `/admin/payments/${s}/captures`,
      query: "ignored",
      body: captureBody,
      idempotency: true,
      outcome: (g) => {
        const p = g.target?.payment as RealPayment
        return {
          business: [
            {
              what: `payment ${p.id} (${p.state}) refuses`,
              names: O.names(
                p.id,
                "amount",
                "currency_code",
                "Idempotency-Key",
                "declined",
                "refused by the gateway",
                // Mollie takes 1 kB of metadata with the plugin's own keys: less than the plugin's own 1024 bytes.
                ...(p.provider === "mollie" ? ["metadata"] : [])
              ),
            },
          ],
          // A gateway's decline of a valid request is recorded as a failed capture and answered 422 (README).
          declineAllowed: true,
          mutates: true,
          accepted: (b) => {
            const c = b?.capture
            const out: string[] = []
            if (c?.payment_id !== p.id) out.push(`capture.payment_id ${O.describe(c?.payment_id)} ≠ ${p.id}`)
            if (!ACCEPTED.includes(c?.status)) out.push(`capture.status ${O.describe(c?.status)}`)
            if (typeof g.body?.amount === "number" && c?.amount !== g.body.amount) out.push(`asked to capture ${g.body.amount}, captured ${O.describe(c?.amount)}`)
            return [...out, ...echoes(g.body, c, ["description", "reference", "reference_origin"]), ...O.sameMetadata(g.body?.metadata, c?.metadata)]
          },
        }
      },
    },
    {
      name: "GET /admin/payments/:id/captures",
      method: "GET",
      admin: true,
      target: "payment",
      path: (s) => `/admin/payments/${s}/captures`,
      query: "ignored",
      idempotency: false,
      outcome: (g) => ({
        accepted: (b) => {
          const id = g.target?.raw
          const out: string[] = []
          if (!Array.isArray(b?.captures)) return ["no captures array"]
          if (b.captures.some((c: Json) => c.payment_id !== id)) out.push(`a capture of another payment than ${id}`)
          if (b.count !== b.captures.length) out.push(`count ${b.count} ≠ ${b.captures.length} captures`)
          if (typeof b?.totals?.authorized !== "number") out.push("no totals")
          return out
        },
      }),
    },
    {
      name: "GET /admin/captures",
      method: "GET",
      admin: true,
      path: () => `/admin/captures`,
      query: "list",
      idempotency: false,
      outcome: (g) => ({
        accepted: (b) => {
          const q = g.list as O.ListQuery
          const out: string[] = []
          if (!Array.isArray(b?.captures)) return ["no captures array"]
          if (b.captures.length > q.limit) out.push(`${b.captures.length} captures for limit ${q.limit}`)
          if (b.limit !== q.limit) out.push(`limit ${b.limit} ≠ ${q.limit}`)
          if (typeof b.count !== "number" || b.count < b.captures.length) out.push(`count ${b.count}`)
          if (typeof b.count_capped !== "boolean") out.push(`count_capped ${b.count_capped}`)
          for (const c of b.captures as Json[]) {
            if (q.payment_id !== undefined && c.payment_id !== q.payment_id) out.push(`capture ${c.id} of payment ${c.payment_id}, filter ${q.payment_id}`)
            if (q.order_id !== undefined && c.order_id !== q.order_id) out.push(`capture ${c.id} of order ${c.order_id}, filter ${q.order_id}`)
            if (q.provider_id !== undefined && c.provider_id !== q.provider_id) out.push(`capture ${c.id} of ${c.provider_id}, filter ${q.provider_id}`)
            if (q.statuses && !q.statuses.includes(c.status)) out.push(`capture ${c.id} is ${c.status}, filter ${q.statuses}`)
            if (q.expand.includes("events") && !Array.isArray(c.events)) out.push(`capture ${c.id} without its events`)
          }
          return out
        },
      }),
    },
    {
      name: "GET /admin/captures/:id",
      method: "GET",
      admin: true,
      target: "capture",
      path: (s) => `/admin/captures/${s}`,
      query: "expand",
      idempotency: false,
      outcome: (g) => ({
        accepted: (b) => {
          const out: string[] = []
          if (b?.capture?.id !== g.target?.raw) out.push(`capture.id ${O.describe(b?.capture?.id)}`)
          const expand = O.checkExpand({ reject: [], maybe: [] }, g.query.expand)
          for (const e of expand) if (!Array.isArray(b?.capture?.[e])) out.push(`expand=${e} but no ${e}`)
          return out
        },
      }),
    },
    {
      name: "POST /admin/captures/:id",
      method: "POST",
      admin: true,
      target: "capture",
      path: (s) => `/admin/captures/${s}`,
      query: "ignored",
      body: updateBody,
      idempotency: false,
      outcome: (g) => ({
        business: [{ what: "the merged metadata is too big", names: O.names(g.target?.raw ?? "", "metadata") }],
        mutates: true,
        accepted: (b) => {
          const out: string[] = []
          if (b?.capture?.id !== g.target?.raw) out.push(`capture.id ${O.describe(b?.capture?.id)}`)
          return [...out, ...echoes(g.body, b?.capture, ["reference", "reference_origin"]), ...O.mergedMetadata(g.body?.metadata, b?.capture?.metadata)]
        },
      }),
    },
    {
      name: "GET /admin/captures/:id/refunds",
      method: "GET",
      admin: true,
      target: "capture",
      path: (s) => `/admin/captures/${s}/refunds`,
      query: "ignored",
      idempotency: false,
      outcome: (g) => ({
        accepted: (b) => {
          if (!Array.isArray(b?.refunds)) return ["no refunds array"]
          const out: string[] = []
          if (b.refunds.some((r: Json) => r.capture_id !== g.target?.raw)) out.push("a refund of another capture")
          if (b.count !== b.refunds.length) out.push(`count ${b.count} ≠ ${b.refunds.length}`)
          return out
        },
      }),
    },
    {
      name: "POST /admin/captures/:id/refunds",
      method: "POST",
      admin: true,
      target: "capture",
      path: (s) => `/admin/captures/${s}/refunds`,
      query: "ignored",
      body: refundBody,
      idempotency: true,
      outcome: (g) => {
        const cap = g.target?.capture as RealCapture
        return {
          business: [{ what: `capture ${cap.id} (${cap.state}) refuses`, names: O.names(cap.id, "amount", "Idempotency-Key", "declined", "refused by the gateway") }],
          // Refused at the gateway (e.g. Mollie's duplicate-refund rule): a failed refund row and a 422.
          declineAllowed: true,
          mutates: true,
          accepted: (b) => {
            const out: string[] = []
            if (b?.refund?.capture_id !== cap.id) out.push(`refund.capture_id ${O.describe(b?.refund?.capture_id)}`)
            if (!ACCEPTED.includes(b?.refund?.status)) out.push(`refund.status ${O.describe(b?.refund?.status)}`)
            if (typeof g.body?.amount === "number" && b?.refund?.amount !== g.body.amount) out.push(`asked to refund ${g.body.amount}, refunded ${O.describe(b?.refund?.amount)}`)
            return [...out, ...echoes(g.body, b?.refund, ["note"]), ...O.sameMetadata(g.body?.metadata, b?.refund?.metadata)]
          },
        }
      },
    },
    {
      name: "POST /admin/captures/:id/retry",
      method: "POST",
      admin: true,
      target: "capture",
      path: (s) => `/admin/captures/${s}/retry`,
      query: "ignored",
      idempotency: true,
      outcome: (g) => {
        const cap = g.target?.capture as RealCapture
        return {
          business: [{ what: `capture ${cap.id} (${cap.state}) cannot be retried`, names: O.names(cap.id, cap.paymentId, "Idempotency-Key", "declined", "refused by the gateway") }],
          declineAllowed: true,
          mutates: true,
          accepted: (b) => (b?.capture?.payment_id === cap.paymentId ? [] : [`capture.payment_id ${O.describe(b?.capture?.payment_id)}`]),
        }
      },
    },
    {
      name: "POST /admin/payments/:id/release",
      method: "POST",
      admin: true,
      target: "payment",
      path: (s) => `/admin/payments/${s}/release`,
      query: "ignored",
      body: releaseBody,
      idempotency: false,
      outcome: (g) => {
        const p = g.target?.payment as RealPayment
        return {
          business: [
            {
              what: `payment ${p.id} (${p.state}) cannot be released`,
              names: O.names(p.id, "nothing_captured", "capture_in_flight", "refused by the gateway"),
            },
          ],
          mutates: true,
          accepted: (b) => {
            const out: string[] = []
            if (b?.payment_id !== p.id) out.push(`payment_id ${O.describe(b?.payment_id)} ≠ ${p.id}`)
            if (!Number.isSafeInteger(b?.released) || b.released < 0) out.push(`released ${O.describe(b?.released)}`)
            if (b?.totals?.capturable !== 0) out.push(`capturable after a release: ${O.describe(b?.totals?.capturable)}`)
            return out
          },
        }
      },
    },
    {
      name: "POST /admin/captures/:id/reconcile",
      method: "POST",
      admin: true,
      target: "capture",
      path: (s) => `/admin/captures/${s}/reconcile`,
      query: "ignored",
      idempotency: false,
      // Every capture of this suite is settled: reconciling one changes nothing.
      outcome: (g) => ({
        business: [{ what: `capture ${g.target?.raw} cannot be reconciled`, names: O.names(g.target?.raw ?? "") }],
        accepted: (b) => (b?.capture?.id === g.target?.raw ? [] : [`capture.id ${O.describe(b?.capture?.id)}`]),
      }),
    },
    {
      name: "POST /admin/captures/reconcile",
      method: "POST",
      admin: true,
      path: () => `/admin/captures/reconcile`,
      query: "ignored",
      body: reconcileBody,
      idempotency: false,
      // Nothing of this suite's payments is in flight: a run changes none of them.
      outcome: () => ({
        accepted: (b) =>
          ["captures", "refunds", "recorded", "errors"].filter((k) => !Array.isArray(b?.[k])).map((k) => `no ${k} array in the report`),
      }),
    },
    {
      name: "GET /admin/orders/:id/captures",
      method: "GET",
      admin: true,
      target: "order",
      path: (s) => `/admin/orders/${s}/captures`,
      query: "ignored",
      idempotency: false,
      outcome: (g) => ({
        accepted: (b) => {
          const out: string[] = []
          if (b?.order_id !== g.target?.raw) out.push(`order_id ${O.describe(b?.order_id)}`)
          if (!Array.isArray(b?.captures) || !Array.isArray(b?.payments)) out.push("no captures or payments")
          if (typeof b?.totals?.authorized !== "number") out.push("no totals")
          return out
        },
      }),
    },
    {
      name: "POST /hooks/captures/mollie",
      method: "POST",
      admin: false,
      path: () => `/hooks/captures/mollie`,
      query: "ignored",
      body: webhookBody(w),
      idempotency: false,
      // Only this store's Mollie payment is known: a webhook for it records the call and syncs;
      // any other well-formed id answers 200 and changes nothing.
      outcome: (g) => ({
        mutates: typeof g.body?.id === "string" && g.body.id.trim() === w.mollieRef,
        accepted: (b) => (b?.received === true ? [] : [`answer ${O.describe(b)}`]),
      }),
    },
  ]
}

export const ROUTE_NAMES = [
  "POST /admin/payments/:id/captures",
  "GET /admin/payments/:id/captures",
  "GET /admin/captures",
  "GET /admin/captures/:id",
  "POST /admin/captures/:id",
  "GET /admin/captures/:id/refunds",
  "POST /admin/captures/:id/refunds",
  "POST /admin/captures/:id/retry",
  "POST /admin/captures/:id/reconcile",
  "POST /admin/captures/reconcile",
  "GET /admin/orders/:id/captures",
  // After the routes that capture and refund: a release closes its payment for them.
  "POST /admin/payments/:id/release",
  "POST /hooks/captures/mollie",
] as const

export type RouteName = (typeof ROUTE_NAMES)[number]

/**
 * The requests for one route, each with what the plugin must do with it. Half
 * are bad in every way at once; half are good but for (at most) one thing, so
 * that each problem is also met alone and valid requests reach the ledger.
 */
export function caseArb(name: RouteName, w: World): fc.Arbitrary<Case> {
  const def = routes(w).find((r) => r.name === name)
  if (!def) throw new Error(`no route ${name}`)
  const valid = <T>(good: fc.Arbitrary<T>, any: fc.Arbitrary<T>, goodWeight = 8) =>
    fc.oneof({ weight: goodWeight, arbitrary: good }, { weight: 1, arbitrary: any })
  const noTarget = fc.constant<Target | undefined>(undefined)
  const admin = fc.constant<Auth>({ headers: { authorization: `Bearer ${w.ctx.adminToken}` } })
  const anyAuth = def.admin ? authArb(w) : fc.oneof({ weight: 4, arbitrary: fc.constant<Auth>({ headers: {} }) }, { weight: 1, arbitrary: authArb(w) })
  const realIds = def.target === "payment" ? w.payments.map((p) => p.id) : def.target === "capture" ? w.captures.map((c) => c.id) : w.orders
  const anyTarget = def.target ? targetArb(def.target, w) : noTarget
  const realTarget = def.target ? fc.constantFrom(...realIds).map((id) => resolveTarget(def.target as Kind, w, segmentOf(id))) : noTarget
  const anyQuery = def.query === "list" ? listQueryArb(w) : junkQuery
  const json = fc.constant<Transport>({ kind: "json", contentType: "application/json" })
  const anyTransport =
    def.method !== "POST"
      ? fc.constant<Transport>({ kind: "none" })
      : def.body
        ? transportArb
        : fc.oneof({ weight: 4, arbitrary: fc.constant<Transport>({ kind: "none" }) }, { weight: 1, arbitrary: transportArb })
  const anyBody = (focused: boolean) =>
    def.body ? bodyArb(def.body, focused) : fc.oneof({ weight: 3, arbitrary: fc.constant<Val>(new Obj([])) }, { weight: 1, arbitrary: bodyArb(captureBody, false) })
  const form = def.body?.webhook
    ? webhookFormEntries(w)
    : fc.array(fc.tuple(fc.constantFrom(...(def.body?.formKeys ?? ["amount", "foo"])), formValue), { maxLength: 4 })
  const goodKey = fc.oneof(fc.constant(undefined), fc.constantFrom(...IDEMPOTENCY_POOL), fc.stringMatching(/^[\x21-\x7e]{1,40}$/))
  const everything = fc.record({
    auth: anyAuth,
    target: anyTarget,
    query: anyQuery,
    transport: anyTransport,
    body: anyBody(false),
    form,
    idempotencyKey: idempotencyArb,
  })
  const focused = fc.record({
    auth: valid(admin, anyAuth),
    target: valid(realTarget, anyTarget, 4),
    query: def.query === "list" ? anyQuery : valid(fc.constant<Array<[string, string]>>([]), anyQuery),
    transport: def.method === "POST" ? valid(json, anyTransport) : anyTransport,
    body: anyBody(true),
    form,
    idempotencyKey: valid(goodKey, idempotencyArb),
  })
  return fc.oneof(everything, focused).map((r) => build(def, w, r))
}

/** The routes that take metadata, and what of the world each example aims at. */
const METADATA_ROUTES: Partial<Record<RouteName, { target: (w: World) => string; fields: Array<[string, Val]> }>> = {
  "POST /admin/payments/:id/captures": { target: (w) => (w.payments.find((p) => p.state === "fresh") as RealPayment).id, fields: [["amount", 1]] },
  "POST /admin/captures/:id/refunds": {
    target: (w) => (w.captures.find((c) => c.state === "succeeded" && c.provider === "captures-sandbox") as RealCapture).id,
    fields: [["amount", 1]],
  },
  "POST /admin/captures/:id": { target: (w) => w.captures[0].id, fields: [] },
}

/**
 * Requests that every run makes (fast-check's `examples`, whatever the seed):
 * each key of V.PROTOTYPE_KEYS in the metadata of each route that takes it, at
 * the top and nested, in an otherwise valid request. Random cases find these
 * keys too, but only now and then.
 */
export function metadataKeyExamples(name: RouteName, w: World): Case[] {
  const def = routes(w).find((r) => r.name === name)
  const aim = METADATA_ROUTES[name]
  if (!def || !aim || !def.target) return []
  const target = resolveTarget(def.target, w, segmentOf(aim.target(w)))
  return V.PROTOTYPE_KEYS.flatMap((key) =>
    [new Obj([[key, new Obj([["x", 1]])]]), new Obj([["n", new Obj([[key, [1, "two"]]])]])].map((metadata) =>
      build(def, w, {
        auth: { headers: { authorization: `Bearer ${w.ctx.adminToken}` } },
        target,
        query: [],
        transport: { kind: "json", contentType: "application/json" },
        body: new Obj([...aim.fields, ["metadata", metadata]]),
        form: [],
      })
    )
  )
}

function build(
  def: RouteDef,
  w: World,
  r: { auth: Auth; target?: Target; query: Array<[string, string]>; transport: Transport; body: Val; form: Array<[string, string]>; idempotencyKey?: string }
): Case {
  const c: Collector = { reject: [], maybe: [] }
  const expect: Expectation = O.emptyExpectation()
  if (def.admin && r.auth.problem) expect.auth = r.auth.problem

  // Path id.
  if (r.target?.problem) c.reject.push(r.target.problem)

  // Query string.
  const qs = queryString(r.query)
  const query = O.parseQuery(qs)
  let list: O.ListQuery | undefined
  if (def.query === "list") list = O.checkListQuery(c, query)
  else if (def.query === "expand") {
    O.checkKnownKeys(c, "query", query, ["expand"])
    O.checkExpand(c, query.expand)
  } else {
    // Routes without query parameters may ignore them, or refuse them naming them.
    for (const key of Object.keys(query)) c.maybe.push(O.unknownKeyProblem("query", key))
  }

  // Body.
  const headers: Record<string, string> = { ...r.auth.headers }
  let bytes: Buffer | undefined
  let body: Record<string, unknown> | undefined
  if (def.method === "POST") {
    const out = encodeBody(def.body, r.transport, r.body, r.form, c)
    if (out.text !== undefined) bytes = Buffer.from(out.text, "utf8")
    // Medusa's body parsers read at most 100 kB (of the types they parse).
    const read = out.contentType !== undefined && /json|text\/plain|urlencoded/i.test(out.contentType) && !/vnd|merge|jsonx|text\/json/i.test(out.contentType)
    if (bytes && read && bytes.length > 102_400 && r.transport.kind !== "huge") {
      ;(def.body ? c.reject : c.maybe).push({ what: `body is ${bytes.length} bytes, over 100 kB`, names: /body|large|size|limit/i })
    }
    if (out.contentType) headers["content-type"] = out.contentType
    if (out.encoding) headers["content-encoding"] = out.encoding
    if (def.body && out.value) {
      def.body.check(c, out.value)
      body = out.value
    }
  }

  // Idempotency-Key.
  if (r.idempotencyKey !== undefined && def.method === "POST") {
    headers["idempotency-key"] = r.idempotencyKey
    checkIdempotencyKey(c, r.idempotencyKey, def.idempotency)
  }

  expect.reject = c.reject
  expect.maybe = c.maybe
  if (c.reject.length === 0 && !expect.auth) {
    Object.assign(expect, def.outcome({ target: r.target, body, query, list, idempotencyKey: r.idempotencyKey }, w))
  }
  const path = qs ? `${def.path(r.target?.segment ?? "")}?${qs}` : def.path(r.target?.segment ?? "")
  const kase: Case = { route: def.name, request: { method: def.method, path, headers, body: bytes }, expect }
  Object.defineProperty(kase, fc.toStringMethod, { value: () => describeRequest(kase), enumerable: false })
  return kase
}

export function describeRequest(c: Case): string {
  const h = Object.entries(c.request.headers)
    .map(([k, v]) => `${k}: ${clip(k === "authorization" ? v.replace(/^(Bearer .{12}).*(.{6})$/, "$1…$2") : v, 120)}`)
    .join("\n  ")
  const body = c.request.body ? `\n  body (${c.request.body.length} bytes): ${clip(c.request.body.toString("utf8"), 400)}` : ""
  const expected = [
    c.expect.auth ? `401 (${c.expect.auth})` : "",
    ...c.expect.reject.map((p) => `refuse: ${p.what}`),
    ...c.expect.maybe.map((p) => `may refuse: ${p.what}`),
  ].filter(Boolean)
  return `${c.request.method} ${clip(c.request.path, 300)}\n  ${h}${body}\n  expected: ${expected.join("; ") || "accept (or a refusal naming the target's state)"}`
}
