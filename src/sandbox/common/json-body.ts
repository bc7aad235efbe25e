/** Reading a JSON request body as the simulators' APIs do: empty is `{}`, anything else must parse. */

/**
 * The body as a JSON object; `{}` when empty. `invalid` builds the simulator's own 400 for a
 * body that is not JSON or not an object.
 */
export function parseJsonObject(raw: string, invalid: (message: string) => Error): Record<string, unknown> {
  if (raw.trim() === "") return {}
  let parsed: unknown
  try {
    parsed = JSON.parse(raw)
  } catch {
    throw invalid("The request body is not valid JSON.")
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) throw invalid("The request body must be a JSON object.")
  return parsed as Record<string, unknown>
}
