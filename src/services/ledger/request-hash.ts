import { createHash } from "crypto"

/** Canonical JSON: keys sorted at every level, undefined dropped, so equal requests hash equal. */
function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical)
  if (value && typeof value === "object" && !(value instanceof Date)) {
    return Object.keys(value as Record<string, unknown>)
      .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
      .sort()
      .reduce<Record<string, unknown>>((acc, k) => {
        acc[k] = canonical((value as Record<string, unknown>)[k])
        return acc
      }, {})
  }
  return value
}

/** Fingerprint of a request, stored with its Idempotency-Key to detect reuse with another body. */
export function requestHash(request: Record<string, unknown>): string {
  return createHash("sha256").update(JSON.stringify(canonical(request))).digest("hex")
}
