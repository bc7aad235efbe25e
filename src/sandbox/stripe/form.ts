/**
 * Stripe's request encoding (docs/gateways/stripe.md#requests): `application/x-www-form-urlencoded`
 * bodies and query strings with bracket keys. `metadata[cart_id]=x` is an object, `expand[]=a` and
 * `expand[0]=a` (what the official SDK sends) are lists. Every key stays plain data: nodes have no
 * prototype, so `metadata[__proto__]=x` cannot reach Object.prototype.
 */
import { badParam } from "./errors"

export type FormValue = string | string[] | FormNode
export type FormNode = { [key: string]: FormValue }

const node = (): FormNode => Object.create(null) as FormNode

const isNode = (value: FormValue | undefined): value is FormNode =>
  typeof value === "object" && value !== null && !Array.isArray(value)

/** `a[b][]=v` → `["a", "b", ""]`; undefined when the brackets do not pair up. */
function keyPath(key: string): string[] | undefined {
  const match = /^([^[\]]+)((?:\[[^[\]]*\])*)$/.exec(key)
  if (!match) return undefined
  return [match[1], ...[...match[2].matchAll(/\[([^[\]]*)\]/g)].map((m) => m[1])]
}

export function parseForm(raw: string): FormNode {
  const out = node()
  const entries: Array<[string, string]> = []
  new URLSearchParams(raw).forEach((value, key) => entries.push([key, value]))
  for (const [key, value] of entries) {
    const path = keyPath(key)
    if (!path) throw badParam(`Invalid parameter name: ${key}`, key)
    const last = path[path.length - 1]
    // `a[b][]=v`: the node holding the list is reached by every segment but the last two.
    const containerDepth = last === "" ? path.length - 2 : path.length - 1
    let at = out
    for (const segment of path.slice(0, containerDepth)) {
      const next = at[segment]
      if (next === undefined) at[segment] = node()
      else if (!isNode(next)) throw badParam(`Invalid hash: ${key} mixes a value and nested keys`, key)
      at = at[segment] as FormNode
    }
    if (last === "") {
      const name = path[path.length - 2]
      const list = at[name]
      if (list !== undefined && !Array.isArray(list)) throw badParam(`Invalid array: ${key}`, key)
      at[name] = [...(list ?? []), value]
    } else {
      if (isNode(at[last]) || Array.isArray(at[last])) throw badParam(`Invalid parameter name: ${key}`, key)
      at[last] = value
    }
  }
  return out
}

export type MetadataPatch = { clear: boolean; set: Record<string, string>; unset: string[] }

/** Stripe's metadata limits (https://docs.stripe.com/api/metadata). */
export const METADATA_LIMITS = { keys: 50, keyLength: 40, valueLength: 500 } as const

/**
 * Reads the parameters of one request, marking what it reads; `done()` refuses what nobody read
 * with Stripe's `parameter_unknown`, so a test never relies on a parameter the simulator ignores.
 */
export class Params {
  private readonly used = new Set<string>()
  private readonly children: Params[] = []

  constructor(
    private readonly values: FormNode,
    private readonly prefix = ""
  ) {}

  private path(key: string): string {
    return this.prefix ? `${this.prefix}[${key}]` : key
  }

  has(key: string): boolean {
    return Object.hasOwn(this.values, key)
  }

  raw(key: string): FormValue | undefined {
    this.used.add(key)
    return this.has(key) ? this.values[key] : undefined
  }

  string(key: string, opts: { required?: boolean; maxLength?: number } = {}): string | undefined {
    const value = this.raw(key)
    if (value === undefined) {
      if (opts.required) throw badParam(`Missing required param: ${this.path(key)}.`, this.path(key), "parameter_missing")
      return undefined
    }
    if (typeof value !== "string") throw badParam(`Invalid string: ${this.path(key)} must be a string.`, this.path(key))
    if (opts.maxLength !== undefined && [...value].length > opts.maxLength) {
      throw badParam(`Invalid string: ${this.path(key)} must be at most ${opts.maxLength} characters long.`, this.path(key))
    }
    return value
  }

  integer(key: string, opts: { required?: boolean; min?: number } = {}): number | undefined {
    const value = this.string(key, opts)
    if (value === undefined) return undefined
    if (!/^-?\d+$/.test(value) || !Number.isSafeInteger(Number(value))) {
      throw badParam(`Invalid integer: ${value}`, this.path(key), "parameter_invalid_integer")
    }
    const n = Number(value)
    if (opts.min !== undefined && n < opts.min) {
      throw badParam(`This value must be greater than or equal to ${opts.min}.`, this.path(key), "parameter_invalid_integer")
    }
    return n
  }

  boolean(key: string): boolean | undefined {
    const value = this.string(key)
    if (value === undefined) return undefined
    if (value !== "true" && value !== "false") throw badParam(`Invalid boolean: ${value}`, this.path(key))
    return value === "true"
  }

  enumOf<T extends string>(key: string, allowed: readonly T[]): T | undefined {
    const value = this.string(key)
    if (value === undefined) return undefined
    if (!(allowed as readonly string[]).includes(value)) {
      const list = allowed.length > 1 ? `${allowed.slice(0, -1).join(", ")}, or ${allowed[allowed.length - 1]}` : allowed[0]
      throw badParam(`Invalid ${this.path(key)}: must be one of ${list}`, this.path(key))
    }
    return value as T
  }

  /** A nested hash; `key=` (empty) reads as an empty hash. */
  object(key: string): Params | undefined {
    const value = this.raw(key)
    if (value === undefined) return undefined
    if (value === "") return this.child(node(), key)
    if (!isNode(value)) throw badParam(`Invalid hash: ${this.path(key)} must be a hash.`, this.path(key))
    return this.child(value, key)
  }

  /** `a[]=x`, `a[0]=x&a[1]=y` (the SDK's encoding), ordered by index. */
  stringArray(key: string): string[] | undefined {
    const value = this.raw(key)
    if (value === undefined) return undefined
    if (Array.isArray(value)) return value
    if (isNode(value) && Object.keys(value).every((k) => /^\d+$/.test(k) && typeof value[k] === "string")) {
      return Object.keys(value)
        .sort((a, b) => Number(a) - Number(b))
        .map((k) => value[k] as string)
    }
    throw badParam(`Invalid array: ${this.path(key)} must be an array of strings.`, this.path(key))
  }

  expand(): string[] {
    return this.stringArray("expand") ?? []
  }

  /** `metadata[k]=v` sets, `metadata[k]=` unsets a key, `metadata=` unsets all. */
  metadata(key = "metadata"): MetadataPatch | undefined {
    const value = this.raw(key)
    if (value === undefined) return undefined
    if (value === "") return { clear: true, set: {}, unset: [] }
    if (!isNode(value)) throw badParam("Invalid metadata: metadata must be a hash of string keys and string values.", key)
    const patch: MetadataPatch = { clear: false, set: Object.create(null) as Record<string, string>, unset: [] }
    for (const [k, v] of Object.entries(value)) {
      const param = `${key}[${k}]`
      if (typeof v !== "string") throw badParam(`Invalid metadata: the value of ${param} must be a string.`, param)
      if ([...k].length > METADATA_LIMITS.keyLength) {
        throw badParam(`Invalid metadata: keys can be at most ${METADATA_LIMITS.keyLength} characters long.`, param)
      }
      if ([...v].length > METADATA_LIMITS.valueLength) {
        throw badParam(`Invalid metadata: values can be at most ${METADATA_LIMITS.valueLength} characters long.`, param)
      }
      if (v === "") patch.unset.push(k)
      else patch.set[k] = v
    }
    return patch
  }

  /** Throws `parameter_unknown` for the first parameter nobody read, here or in a nested hash. */
  done(): void {
    for (const key of Object.keys(this.values)) {
      if (!this.used.has(key)) throw badParam(`Received unknown parameter: ${this.path(key)}`, this.path(key), "parameter_unknown")
    }
    for (const child of this.children) child.done()
  }

  private child(values: FormNode, key: string): Params {
    const child = new Params(values, this.path(key))
    this.children.push(child)
    return child
  }
}

/** Applies a metadata patch; more than 50 keys afterwards is refused (docs.stripe.com/api/metadata). */
export function applyMetadata(current: Record<string, string>, patch: MetadataPatch | undefined): Record<string, string> {
  if (!patch) return current
  // No prototype, and plain assignment: a key named __proto__ stays data.
  const next = Object.create(null) as Record<string, string>
  if (!patch.clear) for (const [key, value] of Object.entries(current)) next[key] = value
  for (const key of patch.unset) delete next[key]
  for (const [key, value] of Object.entries(patch.set)) next[key] = value
  if (Object.keys(next).length > METADATA_LIMITS.keys) {
    throw badParam(`Invalid metadata: an object can have at most ${METADATA_LIMITS.keys} metadata keys.`, "metadata")
  }
  return next
}
