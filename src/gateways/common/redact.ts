/**
 * Scrubbing secrets from messages that came off the network (a misbehaving proxy or gateway can
 * echo our Authorization header or the key). The steps are shared; each gateway composes them
 * in its own order with its own key patterns, because the order decides what a partial match
 * leaves behind.
 */

/** A pattern and its replacement, applied globally. */
export type SecretPattern = readonly [pattern: RegExp, replacement: string]

/** Any bearer token, whoever issued it. */
export const BEARER_TOKEN: SecretPattern = [/\bBearer\s+\S+/gi, "Bearer [redacted]"]

/** Replaces every match of each pattern, in order. */
export function redactPatterns(text: string, patterns: readonly SecretPattern[]): string {
  return patterns.reduce((acc, [pattern, replacement]) => acc.replace(pattern, replacement), text)
}

/**
 * Replaces every verbatim occurrence of each secret. Secrets shorter than `minLength` are
 * skipped (replacing a one-letter "secret" would shred the message and hide nothing).
 */
export function redactVerbatim(text: string, secrets: readonly string[] = [], minLength = 1): string {
  let out = text
  for (const secret of secrets) {
    if (secret && secret.length >= minLength) out = out.split(secret).join("[redacted]")
  }
  return out
}
