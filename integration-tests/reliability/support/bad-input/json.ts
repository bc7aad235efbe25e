/**
 * Building request bodies and URLs byte for byte, including what ordinary
 * clients refuse to produce: raw JSON number literals (`1e400`, `-0`), objects
 * with repeated or prototype-named keys (`__proto__` as an own key, as
 * JSON.parse makes it), and percent-encodings of lone surrogates.
 */

/** A JSON value written exactly as given (e.g. `1e400`, `-0`, `100.0`). */
export class Raw {
  constructor(readonly json: string) {}
}

/** A JSON object as an ordered list of entries: keys may repeat and may be `__proto__`. */
export class Obj {
  constructor(readonly entries: Array<[string, Val]>) {}
}

export type Val = Raw | Obj | null | boolean | number | string | Val[]

export function toJson(v: Val): string {
  if (v instanceof Raw) return v.json
  if (v instanceof Obj) return `{${v.entries.map(([k, x]) => `${JSON.stringify(k)}:${toJson(x)}`).join(",")}}`
  if (Array.isArray(v)) return `[${v.map(toJson).join(",")}]`
  // JSON.stringify escapes lone surrogates (\ud800) and control characters (\u0000).
  return JSON.stringify(v)
}

/** Object entries, skipping absent (undefined) fields. */
export function obj(fields: Array<[string, Val | undefined]>): Obj {
  return new Obj(fields.filter((f): f is [string, Val] => f[1] !== undefined))
}

/** `{"a":{"a":…}}` `depth` levels deep. */
export function nestedObject(depth: number, leaf: Val = 1, key = "a"): Val {
  let v: Val = leaf
  for (let i = 0; i < depth; i++) v = new Obj([[key, v]])
  return v
}

/** `{"a":{"a":…1}}` `depth` levels deep, as raw text (a Val tree that deep would overflow toJson's recursion). */
export function nestedObjectText(depth: number): string {
  return '{"a":'.repeat(depth) + "1" + "}".repeat(depth)
}

/** `[[[…]]]` `depth` levels deep, as raw text. */
export function nestedArrayText(depth: number): string {
  return "[".repeat(depth) + "]".repeat(depth)
}

/**
 * Percent-encodes every UTF-16 unit like encodeURIComponent, except that a lone
 * surrogate becomes the bytes of its (invalid) 3-byte UTF-8 form instead of
 * throwing: `%ED%A0%80` for U+D800.
 */
export function pctEncode(s: string): string {
  let out = ""
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i)
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1)
      if (d >= 0xdc00 && d <= 0xdfff) {
        out += encodeURIComponent(s[i] + s[i + 1])
        i++
        continue
      }
    }
    if (c >= 0xd800 && c <= 0xdfff) {
      const bytes = [0xe0 | (c >> 12), 0x80 | ((c >> 6) & 0x3f), 0x80 | (c & 0x3f)]
      out += bytes.map((b) => "%" + b.toString(16).toUpperCase()).join("")
      continue
    }
    out += encodeURIComponent(s[i])
  }
  return out
}

export function hasLoneSurrogate(s: string): boolean {
  return /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(s)
}

/** Strings PostgreSQL cannot store as they are: NUL (text and jsonb) and lone surrogates (jsonb). */
export function isAwkwardText(s: string): boolean {
  return s.includes("\u0000") || hasLoneSurrogate(s)
}

/** Whether any string (key or value) inside a parsed JSON value is awkward. */
export function containsAwkwardText(v: unknown, depth = 0): boolean {
  if (depth > 2000) return false
  if (typeof v === "string") return isAwkwardText(v)
  if (Array.isArray(v)) return v.some((x) => containsAwkwardText(x, depth + 1))
  if (v && typeof v === "object") {
    return Object.entries(v).some(([k, x]) => isAwkwardText(k) || containsAwkwardText(x, depth + 1))
  }
  return false
}

export function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")
}

/** Shortens long text for failure reports, keeping both ends. */
export function clip(s: string, max = 600): string {
  const printable = s.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`)
  return printable.length <= max ? printable : `${printable.slice(0, max / 2)}…(${printable.length} chars)…${printable.slice(-max / 4)}`
}
