/**
 * Stripe's cursor pagination (https://docs.stripe.com/api/pagination): lists are newest first,
 * `limit` 1–100 (default 10), `starting_after=<id>` gives the page after that object (older ones),
 * `ending_before=<id>` the page before it (newer ones); `has_more` tells whether the list goes on
 * in that direction.
 */
import { badParam, resourceMissing } from "./errors"
import type { Params } from "./form"

export type Page<T> = { data: T[]; hasMore: boolean }

export function paginate<T extends { id: string }>(newestFirst: T[], params: Params, kind: string): Page<T> {
  const limit = params.integer("limit") ?? 10
  if (limit < 1 || limit > 100) throw badParam("This value must be between 1 and 100.", "limit", "parameter_invalid_integer")
  const after = params.string("starting_after")
  const before = params.string("ending_before")
  if (after !== undefined && before !== undefined) {
    throw badParam("You may only specify one of these parameters: ending_before, starting_after.", "starting_after", "parameters_exclusive")
  }
  const indexOf = (id: string, param: string): number => {
    const index = newestFirst.findIndex((item) => item.id === id)
    if (index < 0) throw resourceMissing(kind, id, param)
    return index
  }
  if (before !== undefined) {
    const end = indexOf(before, "ending_before")
    const start = Math.max(0, end - limit)
    return { data: newestFirst.slice(start, end), hasMore: start > 0 }
  }
  const start = after === undefined ? 0 : indexOf(after, "starting_after") + 1
  return { data: newestFirst.slice(start, start + limit), hasMore: start + limit < newestFirst.length }
}
