/**
 * Request bodies of the Mollie simulator: JSON (what SDKs send) or form-encoded with bracket
 * keys (`amount[currency]=EUR`, what Mollie's curl examples send;
 * docs/gateways/mollie.md#conventions), and the field checks, each answering 422 with Mollie's
 * `field` (e.g. `amount.value`).
 */
import { currencyExponent } from "../../domain"
import { parseJsonObject } from "../common/json-body"
import { badRequest, missingField, unprocessable } from "./errors"

export type Body = Record<string, unknown>

export const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value)

/** The node's own value under `key` (never one it inherits, such as Object.prototype for `__proto__`). */
const own = (node: Record<string, unknown>, key: string): unknown => (Object.hasOwn(node, key) ? node[key] : undefined)

/** Sets `key` as the node's own property, as JSON.parse does (`node[key] = value` would make `__proto__` a prototype change). */
const define = (node: Record<string, unknown>, key: string, value: unknown): void => {
  Object.defineProperty(node, key, { value, writable: true, enumerable: true, configurable: true })
}

/**
 * `a[b][c]=v` → `{ a: { b: { c: "v" } } }`; `a[]=x&a[]=y` → `{ a: ["x", "y"] }`.
 * Every key, `__proto__` and `constructor` included, becomes plain data, as in a
 * JSON body: `metadata[__proto__][x]=1` must not write to Object.prototype.
 */
export function parseForm(raw: string): Body {
  const out: Body = {}
  const entries: Array<[string, string]> = []
  new URLSearchParams(raw).forEach((value, key) => entries.push([key, value]))
  for (const [key, value] of entries) {
    const match = /^([^[\]]+)((?:\[[^[\]]*\])*)$/.exec(key)
    if (!match) throw badRequest(`Invalid form field name: ${key}`)
    const path = [match[1], ...[...match[2].matchAll(/\[([^[\]]*)\]/g)].map((m) => m[1])]
    let node: Record<string, unknown> = out
    for (let i = 0; i < path.length - 1; i++) {
      const next = own(node, path[i])
      if (path[i + 1] === "") {
        define(node, path[i], Array.isArray(next) ? next : [])
        break
      }
      if (!isRecord(next)) define(node, path[i], {})
      node = own(node, path[i]) as Record<string, unknown>
    }
    const last = path[path.length - 1]
    if (last === "") {
      ;(own(node, path[path.length - 2]) as unknown[]).push(value)
    } else {
      define(node, last, value)
    }
  }
  return out
}

export function parseBody(raw: string, contentType: string | undefined): Body {
  if (raw.trim() === "") return {}
  if (contentType?.toLowerCase().includes("application/x-www-form-urlencoded")) return parseForm(raw)
  return parseJsonObject(raw, (message) => badRequest(message))
}

export type ParsedAmount = { amount: number; currency: string }

/**
 * A Mollie amount `{ currency, value }` in minor units. `value` is "a string containing an
 * exact monetary amount in the given currency" ("10.00" EUR, "1000" JPY, "1.500" KWD;
 * docs/gateways/mollie.md#conventions). With `currency`, the amount must be in that currency
 * (create-capture's 422 example: field `amount.currency`).
 */
export function parseAmount(
  raw: unknown,
  field: string,
  opts: { required: boolean; currency?: string }
): ParsedAmount | undefined {
  if (raw === undefined || raw === null) {
    if (opts.required) throw missingField(field)
    return undefined
  }
  if (!isRecord(raw)) throw unprocessable("The amount must be an object with currency and value.", field)
  const currency = raw.currency
  if (typeof currency !== "string" || !/^[A-Z]{3}$/.test(currency)) {
    throw unprocessable("The amount contains an invalid currency.", `${field}.currency`)
  }
  if (opts.currency !== undefined && currency !== opts.currency) {
    throw unprocessable(`The amount contains an invalid currency: the payment is in ${opts.currency}.`, `${field}.currency`)
  }
  const exponent = currencyExponent(currency)
  const value = raw.value
  const shape = exponent === 0 ? /^\d+$/ : new RegExp(`^\\d+\\.\\d{${exponent}}$`)
  if (typeof value !== "string" || !shape.test(value)) {
    const decimals = exponent === 0 ? "no decimals" : `exactly ${exponent} decimals`
    throw unprocessable(`The amount contains an invalid value: ${currency} amounts are strings with ${decimals}.`, `${field}.value`)
  }
  const minor = Number(value.replace(".", ""))
  if (!Number.isSafeInteger(minor)) throw unprocessable("The amount is too large.", `${field}.value`)
  if (minor <= 0) throw unprocessable("The amount must be higher than zero.", `${field}.value`)
  return { amount: minor, currency }
}

export type StringOptions = { maxLength?: number; overLength?: "truncate" | "reject" }

/**
 * Optional string; longer than `maxLength` characters is truncated (a payment's description,
 * docs/gateways/mollie.md#payments) or refused (422). Characters are code points, as JSON
 * Schema's `maxLength` counts them: an emoji is one character, though two UTF-16 code units.
 */
export function optionalString(body: Body, field: string, opts: StringOptions = {}): string | undefined {
  const value = body[field]
  if (value === undefined || value === null) return undefined
  if (typeof value !== "string") throw unprocessable(`The ${field} must be a string.`, field)
  const max = opts.maxLength ?? 255
  const characters = [...value]
  if (characters.length > max) {
    if (opts.overLength === "truncate") return characters.slice(0, max).join("")
    throw unprocessable(`The ${field} must be at most ${max} characters.`, field)
  }
  return value
}

/** A string the reference lists as required: absent, null or blank → 422 "The 'x' field is missing". */
export function requiredString(body: Body, field: string, opts: StringOptions = {}): string {
  const value = optionalString(body, field, opts)
  if (value === undefined || value.trim() === "") throw missingField(field)
  return value
}

/**
 * An http(s) URL. Unlike Mollie, localhost is allowed: that is where tests listen (Mollie's
 * `webhookUrl` "must be reachable from Mollie's point of view, so you cannot use localhost").
 */
export function optionalUrl(body: Body, field: string, opts: { required?: boolean } = {}): string | undefined {
  const value = body[field]
  if (value === undefined || value === null || value === "") {
    if (opts.required) throw missingField(field)
    return undefined
  }
  let url: URL | undefined
  try {
    url = typeof value === "string" ? new URL(value) : undefined
  } catch {
    url = undefined
  }
  if (!url || (url.protocol !== "http:" && url.protocol !== "https:")) {
    throw unprocessable(`The ${field} is not a valid http(s) URL.`, field)
  }
  return value as string
}

export const MAX_METADATA_BYTES = 1024

/**
 * `components.schemas.metadata`: string, number, object, string[] or null; "up to approximately
 * 1kB" (docs/gateways/mollie.md#conventions). `required`: the field must be present (null is a
 * value), as create-refund's reference has it.
 */
export function metadata(body: Body, opts: { required?: boolean } = {}): unknown {
  const value = body.metadata
  if (value === undefined) {
    if (opts.required) throw missingField("metadata")
    return null
  }
  const ok =
    value === null ||
    typeof value === "string" ||
    typeof value === "number" ||
    isRecord(value) ||
    (Array.isArray(value) && value.every((v) => typeof v === "string"))
  if (!ok) throw unprocessable("The metadata must be a string, number, object, array of strings or null.", "metadata")
  if (Buffer.byteLength(JSON.stringify(value)) > MAX_METADATA_BYTES) {
    throw unprocessable(`The metadata is too large: at most ${MAX_METADATA_BYTES} bytes of JSON.`, "metadata")
  }
  return JSON.parse(JSON.stringify(value)) as unknown
}
