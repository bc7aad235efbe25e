/**
 * Fault injection shared by every simulator. Faults are queued (control API or
 * `state.faults.add`) and consumed, in order, by the next API requests they match; what a kind
 * does is implemented once, in `respond.ts`.
 */

/** The kinds every simulator has supported from the start (the generic sandbox accepts these). */
export const BASE_FAULT_KINDS = [
  "delay",
  "status_500",
  "status_503",
  "status_429",
  "reset_before",
  "reset_after",
  "lost_response",
  "malformed",
] as const

/**
 * All kinds. `timeout` is a `delay` with a long default (`TIMEOUT_FAULT_DEFAULT_MS`): the request
 * is handled normally afterwards, but a client with a sane per-attempt timeout gives up first.
 */
export const FAULT_KINDS = [...BASE_FAULT_KINDS, "timeout"] as const
export type FaultKind = (typeof FAULT_KINDS)[number]
export type BaseFaultKind = (typeof BASE_FAULT_KINDS)[number]

/** Longer than any client timeout used here, shorter than forever (close() cancels it anyway). */
export const TIMEOUT_FAULT_DEFAULT_MS = 30_000

export type FaultMatch = {
  /** HTTP method, case-insensitive. */
  method?: string
  /** Substring of the request target (path plus query string), or a regular expression source. */
  path?: string
}

export type Fault = {
  match?: FaultMatch
  kind: FaultKind
  /**
   * `delay`/`timeout`: how long to wait before handling the request normally. Other kinds: an
   * optional wait before the fault happens (for `reset_after`/`lost_response`: after acting,
   * before the socket is destroyed, which lets a client time out first).
   */
  delayMs?: number
  /** `status_429`: the `Retry-After` value, in seconds (default 1; may be fractional). */
  retryAfterSeconds?: number
  /** How many matching requests this fault applies to (default 1). */
  times?: number
}

type QueuedFault = Fault & { remaining: number }

export class FaultValidationError extends Error {
  constructor(
    message: string,
    readonly param: string
  ) {
    super(message)
    this.name = "FaultValidationError"
  }
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value)

const isNonNegative = (value: unknown): value is number =>
  typeof value === "number" && Number.isFinite(value) && value >= 0

/**
 * Checks faults received over a control API; throws `FaultValidationError`. `allowed` lets a
 * simulator keep its documented list (the generic sandbox rejects `timeout`, as it always did).
 */
export function parseFaults(input: unknown, allowed: readonly FaultKind[] = FAULT_KINDS): Fault[] {
  if (!Array.isArray(input)) throw new FaultValidationError("faults must be an array", "faults")
  return input.map((raw, i): Fault => {
    const at = `faults[${i}]`
    if (!isRecord(raw)) throw new FaultValidationError(`${at} must be an object`, at)
    if (typeof raw.kind !== "string" || !(allowed as readonly string[]).includes(raw.kind)) {
      throw new FaultValidationError(`${at}.kind must be one of ${allowed.join(", ")}`, `${at}.kind`)
    }
    const fault: Fault = { kind: raw.kind as FaultKind }
    if (raw.match !== undefined) {
      if (!isRecord(raw.match)) throw new FaultValidationError(`${at}.match must be an object`, `${at}.match`)
      const match: FaultMatch = {}
      for (const key of ["method", "path"] as const) {
        const value = raw.match[key]
        if (value === undefined) continue
        if (typeof value !== "string") {
          throw new FaultValidationError(`${at}.match.${key} must be a string`, `${at}.match.${key}`)
        }
        match[key] = value
      }
      fault.match = match
    }
    for (const key of ["delayMs", "retryAfterSeconds"] as const) {
      if (raw[key] === undefined) continue
      if (!isNonNegative(raw[key])) {
        throw new FaultValidationError(`${at}.${key} must be a number >= 0`, `${at}.${key}`)
      }
      fault[key] = raw[key] as number
    }
    if (raw.times !== undefined) {
      if (!Number.isInteger(raw.times) || (raw.times as number) < 1) {
        throw new FaultValidationError(`${at}.times must be an integer >= 1`, `${at}.times`)
      }
      fault.times = raw.times as number
    }
    return fault
  })
}

export function faultMatches(fault: Fault, method: string, target: string): boolean {
  const match = fault.match
  if (!match) return true
  if (match.method && match.method.toUpperCase() !== method.toUpperCase()) return false
  if (match.path === undefined || match.path === "") return true
  if (target.includes(match.path)) return true
  try {
    return new RegExp(match.path).test(target)
  } catch {
    return false
  }
}

export class FaultQueue {
  private queue: QueuedFault[] = []

  add(faults: Fault[]): number {
    for (const fault of faults) this.queue.push({ ...fault, remaining: fault.times ?? 1 })
    return this.queue.length
  }

  /** Consumes one use of the first queued fault matching the request, if any. */
  take(method: string, target: string): Fault | undefined {
    const index = this.queue.findIndex((f) => faultMatches(f, method, target))
    if (index < 0) return undefined
    const queued = this.queue[index]
    queued.remaining -= 1
    if (queued.remaining <= 0) this.queue.splice(index, 1)
    const { remaining: _remaining, ...fault } = queued
    return fault
  }

  clear(): number {
    const cleared = this.queue.length
    this.queue = []
    return cleared
  }

  list(): Array<Fault & { remaining: number }> {
    return this.queue.map((f) => ({ ...f }))
  }

  get size(): number {
    return this.queue.length
  }
}
