import { createHash } from "crypto"

/**
 * Canonical JSON: keys sorted at every level, undefined dropped, so equal
 * requests hash equal. Object.fromEntries defines each key as an own property:
 * assigning `acc[key]` would make a `__proto__` key (JSON.parse makes it an own
 * one) the object's prototype, which JSON.stringify does not write, so
 * requests differing only there would hash equal.
 */
function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical)
  if (value && typeof value === "object" && !(value instanceof Date)) {
    const record = value as Record<string, unknown>
    return Object.fromEntries(
      Object.keys(record)
        .filter((k) => record[k] !== undefined)
        .sort()
        .map((k) => [k, canonical(record[k])])
    )
  }
  return value
}

/** Fingerprint of a request, stored with its Idempotency-Key to detect reuse with another body. */
export function requestHash(request: Record<string, unknown>): string {
  return createHash("sha256").update(JSON.stringify(canonical(request))).digest("hex")
}
