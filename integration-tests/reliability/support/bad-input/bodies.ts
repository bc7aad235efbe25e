/** Request bodies as bytes: transports (JSON, forms, other types, broken encodings) and what each must make the plugin do. */
import fc from "fast-check"
import { Obj, nestedArrayText, nestedObjectText, toJson, type Val } from "./json"
import * as O from "./oracle"
import type { Collector, Problem } from "./oracle"
import * as V from "./values"
import { queryString } from "./query-strings"

export type Transport =
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

export const transportArb: fc.Arbitrary<Transport> = fc.oneof(
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

export const formValue = fc.oneof(fc.constantFrom("100", "1", "-5", "abc", "eur", "return", "", "tr_abc123"), V.nastyText)

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

export type BodySpec = {
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
export function encodeBody(
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
