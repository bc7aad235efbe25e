/**
 * Route tables of the simulators: `/v1/things/:id` patterns compiled to regular expressions,
 * and matching that tells an unknown path (404) from a known path with another method (405).
 * The error bodies for both are each simulator's own.
 */

export type PathPattern = { pattern: RegExp; keys: string[] }

/** `:name` segments become captured parameters; a trailing slash is accepted. */
export function compilePath(path: string): PathPattern {
  const keys: string[] = []
  const source = path.replace(/:([A-Za-z]+)/g, (_, key: string) => {
    keys.push(key)
    return "([^/]+)"
  })
  return { pattern: new RegExp(`^${source}/?$`), keys }
}

export type RouteMatch<R> =
  | { route: R; params: Record<string, string> }
  /** No route for this method; `allowed` lists the methods the path has (empty: unknown path). */
  | { route: undefined; allowed: string[] }

/** The first route for this method and path, its parameters decoded by `decode`. */
export function findRoute<R extends PathPattern & { method: string }>(
  routes: readonly R[],
  method: string,
  pathname: string,
  decode: (segment: string) => string
): RouteMatch<R> {
  const allowed: string[] = []
  for (const candidate of routes) {
    const m = candidate.pattern.exec(pathname)
    if (!m) continue
    if (candidate.method !== method) {
      allowed.push(candidate.method)
      continue
    }
    const params: Record<string, string> = {}
    candidate.keys.forEach((key, i) => {
      params[key] = decode(m[i + 1])
    })
    return { route: candidate, params }
  }
  return { route: undefined, allowed }
}

/** Decodes a path segment, keeping it as sent when it is not valid percent-encoding. */
export function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment)
  } catch {
    return segment
  }
}
