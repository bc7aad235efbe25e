/**
 * Metadata of captures and refunds: a JSON object, stored in jsonb exactly as
 * sent, with one exception.
 *
 * Keys named like the members that Object.prototype gives every JavaScript
 * object (`__proto__`, `hasOwnProperty`, `toString`…) are refused, at any
 * depth. The ORM that writes the ledger's rows (TypeORM 0.3) handles a jsonb
 * value as a JavaScript object: to see whether a row changed it calls
 * `value.hasOwnProperty(key)` on the row's and the database's copies (an own
 * `hasOwnProperty` key makes that throw: a 500 on updating or refunding the
 * capture), and the deep copy it writes from skips `__proto__` keys and drops
 * keys that an empty object already inherits (`"toString": {…}` was silently
 * lost). `constructor` is kept: TypeORM's copy checks for it, and it is an
 * ordinary business word.
 */
export const RESERVED_METADATA_KEYS: readonly string[] = [
  "__proto__",
  "__defineGetter__",
  "__defineSetter__",
  "__lookupGetter__",
  "__lookupSetter__",
  "hasOwnProperty",
  "isPrototypeOf",
  "propertyIsEnumerable",
  "toLocaleString",
  "toString",
  "valueOf",
]

const RESERVED = new Set(RESERVED_METADATA_KEYS)

export type ReservedKey = { key: string; path: string[] }

/**
 * The first reserved key in a metadata value and the path to it, or null.
 * Walks with its own stack, not by recursion, and each step links to its
 * parent instead of copying the path: a request body nests deep enough to
 * overflow the call stack (or fill memory with paths) before any size check
 * has run.
 */
export function reservedMetadataKey(value: unknown): ReservedKey | null {
  type Step = { value: unknown; key: string; parent: Step | null }
  const pathOf = (step: Step): string[] => {
    const path: string[] = []
    for (let s: Step | null = step; s?.parent; s = s.parent) path.push(s.key)
    return path.reverse()
  }
  const stack: Step[] = [{ value, key: "", parent: null }]
  while (stack.length > 0) {
    const step = stack.pop() as Step
    const node = step.value
    if (Array.isArray(node)) {
      for (let i = node.length - 1; i >= 0; i--) stack.push({ value: node[i], key: String(i), parent: step })
    } else if (node !== null && typeof node === "object") {
      const keys = Object.keys(node)
      const reserved = keys.find((k) => RESERVED.has(k))
      if (reserved !== undefined) return { key: reserved, path: [...pathOf(step), reserved] }
      for (let i = keys.length - 1; i >= 0; i--) {
        stack.push({ value: (node as Record<string, unknown>)[keys[i]], key: keys[i], parent: step })
      }
    }
  }
  return null
}

/** The refusal's message (after "metadata: "), naming the key and where it is. */
export function reservedKeyMessage({ key, path }: ReservedKey): string {
  const where = path.length > 1 ? ` (at ${path.join(".")})` : ""
  return `the key ${JSON.stringify(key)}${where} is reserved: keys named like a member of JavaScript's Object.prototype (${RESERVED_METADATA_KEYS.join(", ")}) cannot be stored`
}

/**
 * Medusa's metadata convention: keys merge, an empty-string value removes the
 * key, a null patch clears everything. Built with Object.fromEntries, which
 * defines every key as the object's own (an assignment `merged[key] = value`
 * would turn a `__proto__` key into a prototype change instead).
 */
export function mergeMetadata(
  current: Record<string, unknown> | null,
  patch: Record<string, unknown> | null
): Record<string, unknown> | null {
  if (patch === null) return null
  const merged = new Map(Object.entries(current ?? {}))
  for (const [k, v] of Object.entries(patch)) {
    if (v === "") merged.delete(k)
    else merged.set(k, v)
  }
  return Object.fromEntries(merged)
}
