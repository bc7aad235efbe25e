/**
 * What the plugin must do with a request, worked out from the request alone
 * (the documented rules of docs/api.md and docs/openapi.yaml, not the plugin's code): what must be refused, what may
 * be refused, and which words a refusal's message must contain to name the
 * problem.
 */
import * as path from "node:path"
import { containsAwkwardText, escapeRe, hasLoneSurrogate, isAwkwardText } from "./json"
import { RESERVED_METADATA_KEYS } from "../../../../src/services/ledger/metadata"
import { MAX_AMOUNT } from "./values"

/** A problem of a request and how a message names it. */
export type Problem = {
  what: string
  names: RegExp
  /** Found while routing, before credentials are checked (a path that does not decode): may be answered instead of 401. */
  beforeAuth?: boolean
}

export type Expectation = {
  /** The request carries no valid admin credentials for an admin route: 401, whatever else is wrong. */
  auth?: string
  /** Must be refused with a 4xx whose message names one of these. */
  reject: Problem[]
  /** May be refused (e.g. text PostgreSQL cannot store); a refusal must then name it. */
  maybe: Problem[]
  /** Refusals a valid request may get from the state of its target (nothing left to capture…). */
  business: Problem[]
  /** A gateway's decline may be recorded on the ledger (a failed row) and answered 422, as documented. */
  declineAllowed: boolean
  /** An accepted request may change the database. */
  mutates: boolean
  /** Checks on an accepted answer (2xx); each string is a violation. */
  accepted?: (body: any) => string[] // eslint-disable-line @typescript-eslint/no-explicit-any
}

export function emptyExpectation(): Expectation {
  return { reject: [], maybe: [], business: [], declineAllowed: false, mutates: false }
}

export const names = (...words: string[]): RegExp => new RegExp(words.map(escapeRe).join("|"), "i")

export function fieldProblem(field: string, what: string): Problem {
  return { what: `${field}: ${what}`, names: names(field) }
}

/** Unknown keys are named in the message when they are plain ASCII, else "unknown field" must be said. */
export function unknownKeyProblem(where: string, key: string): Problem {
  const plain = /^[\x21-\x7e]+$/.test(key)
  return { what: `${where}: unknown field ${JSON.stringify(key)}`, names: plain ? names(key) : /unknown field|unrecognized|not allowed/i }
}

// ------------------------------------------------------------ field rules

export type Collector = { reject: Problem[]; maybe: Problem[] }

/** Text that PostgreSQL cannot store as sent (NUL, lone surrogates) may be refused, naming the field. */
function awkward(c: Collector, field: string, v: unknown): void {
  if (containsAwkwardText(v)) c.maybe.push(fieldProblem(field, "holds NUL or a lone surrogate"))
}

export function checkAmount(c: Collector, field: string, v: unknown): void {
  if (v === undefined) return
  if (typeof v !== "number") return void c.reject.push(fieldProblem(field, `is ${typeName(v)}, not a number`))
  if (!Number.isInteger(v)) return void c.reject.push(fieldProblem(field, `${v} is not a whole number of minor units`))
  if (v <= 0) return void c.reject.push(fieldProblem(field, `${v} is not positive`))
  if (v > MAX_AMOUNT) return void c.reject.push(fieldProblem(field, `${v} is beyond ${MAX_AMOUNT}`))
}

export function checkInt(c: Collector, field: string, v: unknown, min: number, max: number): void {
  if (v === undefined) return
  if (typeof v !== "number" || !Number.isInteger(v) || v < min || v > max) {
    c.reject.push(fieldProblem(field, `${describe(v)} is not a whole number in ${min}..${max}`))
  }
}

export function checkText(c: Collector, field: string, v: unknown, max: number, nullable = true): void {
  if (v === undefined || (nullable && v === null)) return
  if (typeof v !== "string") return void c.reject.push(fieldProblem(field, `is ${typeName(v)}, not text`))
  if (v.length > max) return void c.reject.push(fieldProblem(field, `is ${v.length} characters, over ${max}`))
  awkward(c, field, v)
}

export function checkEnum(c: Collector, field: string, v: unknown, values: string[]): void {
  if (v === undefined) return
  if (typeof v !== "string" || !values.includes(v)) c.reject.push(fieldProblem(field, `${describe(v)} is not one of ${values.join(", ")}`))
}

export function checkCurrency(c: Collector, field: string, v: unknown): void {
  if (v === undefined) return
  if (typeof v !== "string" || !/^[A-Za-z]{3}$/.test(v)) c.reject.push(fieldProblem(field, `${describe(v)} is no ISO 4217 code`))
}

/** Metadata keys the API reserves (the Metadata schema of docs/openapi.yaml), at any depth: Object.prototype's members but `constructor`. */
export { RESERVED_METADATA_KEYS }

/** The reserved keys anywhere in a parsed JSON value (own keys: JSON.parse makes `__proto__` one). */
export function reservedKeysIn(v: unknown, depth = 0): string[] {
  if (depth > 2000) return []
  if (Array.isArray(v)) return v.flatMap((x) => reservedKeysIn(x, depth + 1))
  if (v && typeof v === "object") {
    return Object.entries(v).flatMap(([k, x]) => [...(RESERVED_METADATA_KEYS.includes(k) ? [k] : []), ...reservedKeysIn(x, depth + 1)])
  }
  return []
}

/** Metadata: an object of at most 1024 bytes as JSON, without reserved keys. */
export function checkMetadata(c: Collector, field: string, v: unknown): void {
  if (v === undefined || v === null) return
  if (typeof v !== "object" || Array.isArray(v)) return void c.reject.push(fieldProblem(field, `is ${typeName(v)}, not an object`))
  for (const key of new Set(reservedKeysIn(v))) c.reject.push({ what: `${field}: has the reserved key ${JSON.stringify(key)}`, names: names(key) })
  const bytes = Buffer.byteLength(JSON.stringify(v), "utf8")
  if (bytes > 1024) return void c.reject.push(fieldProblem(field, `is ${bytes} bytes as JSON, over 1024`))
  awkward(c, field, v)
}

/** One text for equal JSON values, whatever the key order (own `__proto__` keys included). */
export function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(",")}]`
  if (v && typeof v === "object") {
    const entries = Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    return `{${entries.map(([k, x]) => `${JSON.stringify(k)}:${canonicalJson(x)}`).join(",")}}`
  }
  return JSON.stringify(v) ?? "undefined"
}

/** Metadata is answered exactly as sent (creating a capture or a refund). */
export function sameMetadata(sent: unknown, got: unknown): string[] {
  if (sent === undefined || containsAwkwardText(sent)) return []
  return canonicalJson(got) === canonicalJson(sent) ? [] : [`metadata: sent ${describe(sent)}, answered ${describe(got)}`]
}

/** Metadata merged into a capture's: every key sent is answered with its value, a key sent as "" is gone; null clears. */
export function mergedMetadata(sent: unknown, got: unknown): string[] {
  if (sent === undefined || containsAwkwardText(sent)) return []
  if (sent === null) return got === null ? [] : [`metadata: sent null, answered ${describe(got)}`]
  const answered = got && typeof got === "object" ? new Map(Object.entries(got)) : new Map<string, unknown>()
  const out: string[] = []
  for (const [k, v] of Object.entries(sent as Record<string, unknown>)) {
    if (v === "" ? answered.has(k) : !answered.has(k) || canonicalJson(answered.get(k)) !== canonicalJson(v)) {
      out.push(`metadata.${k}: sent ${describe(v)}, answered ${answered.has(k) ? describe(answered.get(k)) : "no such key"}`)
    }
  }
  return out
}

/** Fields a strict body or query does not know. */
export function checkKnownKeys(c: Collector, where: string, value: Record<string, unknown>, known: string[]): void {
  for (const key of Object.keys(value)) if (!known.includes(key)) c.reject.push(unknownKeyProblem(where, key))
}

export function typeName(v: unknown): string {
  if (v === null) return "null"
  if (Array.isArray(v)) return "an array"
  return `a ${typeof v}`
}

export function describe(v: unknown): string {
  try {
    const s = JSON.stringify(v)
    return s === undefined ? String(v) : s.length > 40 ? s.slice(0, 40) + "…" : s
  } catch {
    return String(v)
  }
}

// ------------------------------------------------------------ query strings

// The query-string parsers Medusa's server uses: Express's (query) and body-parser's (form bodies).
// eslint-disable-next-line @typescript-eslint/no-var-requires
const expressQs = require(require.resolve("qs", { paths: [path.dirname(require.resolve("express/package.json"))] }))
// eslint-disable-next-line @typescript-eslint/no-var-requires
const bodyParserQs = require(require.resolve("qs", { paths: [path.dirname(require.resolve("body-parser/package.json"))] }))

export function parseQuery(qs: string): Record<string, unknown> {
  return expressQs.parse(qs, { allowPrototypes: true, arrayLimit: 1000 })
}

/** A form body as body-parser reads it; a string when it refuses the body (too deep, too many fields). */
export function parseForm(body: string): Record<string, unknown> | string {
  const params = body.split("&").length
  if (params > 1000) return "has more than 1000 fields"
  try {
    return bodyParserQs.parse(body, {
      allowPrototypes: true,
      arrayLimit: Math.max(100, params),
      depth: 32,
      strictDepth: true,
      parameterLimit: 1000,
    })
  } catch {
    return "is nested deeper than 32 levels"
  }
}

// ------------------------------------------------------------ GET /admin/captures

const STATUSES = ["requested", "pending", "succeeded", "failed"]
const EXPANDABLE = ["refunds", "events"]

/** `expand=refunds,events`: a string of known names (blanks between commas are ignored). */
export function checkExpand(c: Collector, v: unknown): string[] {
  if (v === undefined) return []
  if (typeof v !== "string") {
    c.reject.push(fieldProblem("expand", `is ${typeName(v)}, not a list`))
    return []
  }
  const parts = v.split(",").map((s) => s.trim()).filter(Boolean)
  if (parts.some((p) => !EXPANDABLE.includes(p))) c.reject.push(fieldProblem("expand", `${describe(v)} names something not expandable`))
  return parts
}

/** A date the filter can use; edge forms of ISO 8601 (and impossible days like Feb 30) may go either way. */
export function checkDate(c: Collector, field: string, v: unknown): void {
  if (typeof v !== "string") return void c.reject.push(fieldProblem(field, `is ${typeName(v)}, not a date`))
  const plain = /^(\d{4})-(\d{2})-(\d{2})(T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})?)?$/.exec(v)
  if (Number.isNaN(new Date(v).getTime())) return void c.reject.push(fieldProblem(field, `${describe(v)} is not a date`))
  if (!plain) return void c.maybe.push(fieldProblem(field, `${describe(v)} is an unusual date form`))
  const [y, m, d] = [Number(plain[1]), Number(plain[2]), Number(plain[3])]
  const realDay = m >= 1 && m <= 12 && d >= 1 && d <= new Date(Date.UTC(y, m, 0)).getUTCDate()
  if (!realDay || y < 1) c.maybe.push(fieldProblem(field, `${describe(v)} is no calendar day`))
}

function checkWhole(c: Collector, field: string, v: unknown, min: number, max: number): void {
  if (v === undefined) return
  if (typeof v !== "string" || !/^\d+$/.test(v)) return void c.reject.push(fieldProblem(field, `${describe(v)} is not a whole number`))
  const n = Number(v)
  if (n < min || n > max) return void c.reject.push(fieldProblem(field, `${v} is outside ${min}..${max}`))
  if (v.length > 10) c.maybe.push(fieldProblem(field, `${v} has more than 10 digits`))
}

function checkIdFilter(c: Collector, field: string, v: unknown): void {
  if (v === undefined) return
  if (typeof v !== "string") return void c.reject.push(fieldProblem(field, `is ${typeName(v)}, not an id`))
  if (v.length < 1 || v.length > 100) return void c.reject.push(fieldProblem(field, `is ${v.length} characters long`))
  if (isAwkwardText(v) || hasLoneSurrogate(v)) c.maybe.push(fieldProblem(field, "holds NUL or a lone surrogate"))
}

export type ListQuery = { payment_id?: string; order_id?: string; provider_id?: string; statuses?: string[]; limit: number; expand: string[] }

/** The rules of GET /admin/captures's query; returns the filters it asks for when they are valid. */
export function checkListQuery(c: Collector, q: Record<string, unknown>): ListQuery {
  const known = ["payment_id", "order_id", "provider_id", "status", "created_at", "limit", "offset", "expand"]
  checkKnownKeys(c, "query", q, known)
  checkIdFilter(c, "payment_id", q.payment_id)
  checkIdFilter(c, "order_id", q.order_id)
  checkIdFilter(c, "provider_id", q.provider_id)
  let statuses: string[] | undefined
  if (q.status !== undefined) {
    const s = q.status
    const list = typeof s === "string" ? s.split(",") : Array.isArray(s) && s.every((x) => typeof x === "string") ? (s as string[]) : null
    const parts = list?.map((x) => x.trim()).filter(Boolean)
    if (!parts || parts.length === 0 || parts.some((p) => !STATUSES.includes(p))) {
      c.reject.push(fieldProblem("status", `${describe(s)} is not a list of ${STATUSES.join(", ")}`))
    } else statuses = parts
  }
  if (q.created_at !== undefined) {
    const r = q.created_at
    if (typeof r !== "object" || r === null || Array.isArray(r)) c.reject.push(fieldProblem("created_at", `is ${typeName(r)}, not a range`))
    else {
      for (const [op, v] of Object.entries(r)) {
        if (!["gt", "gte", "lt", "lte"].includes(op)) c.reject.push(unknownKeyProblem("created_at", op))
        else checkDate(c, `created_at.${op}`, v)
      }
    }
  }
  checkWhole(c, "limit", q.limit, 1, 100)
  checkWhole(c, "offset", q.offset, 0, 1_000_000_000)
  const expand = checkExpand(c, q.expand)
  return {
    payment_id: q.payment_id as string | undefined,
    order_id: q.order_id as string | undefined,
    provider_id: q.provider_id as string | undefined,
    statuses,
    limit: typeof q.limit === "string" && /^\d+$/.test(q.limit) ? Number(q.limit) : 20,
    expand,
  }
}
