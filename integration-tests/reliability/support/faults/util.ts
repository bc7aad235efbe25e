/** Small tools the reliability suites share: a seeded random source, a pool, locks, polling. */

export type Json = Record<string, any> // eslint-disable-line @typescript-eslint/no-explicit-any

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

/** mulberry32: a tiny seeded PRNG, so a failing run can be replayed with its seed. */
export type Rng = {
  (): number
  /** An integer in [min, max]. */
  int(min: number, max: number): number
  pick<T>(items: readonly T[]): T
  /** true with probability p. */
  chance(p: number): boolean
}

export function seededRandom(seed: number): Rng {
  let a = seed >>> 0
  const next = (() => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }) as Rng
  next.int = (min, max) => min + Math.floor(next() * (max - min + 1))
  next.pick = (items) => items[Math.floor(next() * items.length)]
  next.chance = (p) => next() < p
  return next
}

/** Runs `work` over `items` with at most `limit` at a time; resolves when all are done. */
export async function pool<T>(items: readonly T[], limit: number, work: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++
      await work(items[index], index)
    }
  }
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker))
}

/** A FIFO mutex. */
export class Mutex {
  private tail: Promise<void> = Promise.resolve()

  async run<T>(work: () => Promise<T>): Promise<T> {
    const previous = this.tail
    let release!: () => void
    this.tail = new Promise<void>((resolve) => (release = resolve))
    await previous
    try {
      return await work()
    } finally {
      release()
    }
  }
}

/**
 * Readers run together, a writer runs alone (FIFO between the two kinds). Used where a
 * fault cannot be aimed at one request (Clover's refunds all POST to /v1/refunds): the request
 * that carries a fault is the writer, so no other request can take its fault.
 */
export class ReadWriteLock {
  private readers = 0
  private writer = false
  private queue: Array<{ write: boolean; wake: () => void }> = []

  async run<T>(write: boolean, work: () => Promise<T>): Promise<T> {
    await this.acquire(write)
    try {
      return await work()
    } finally {
      this.release(write)
    }
  }

  private acquire(write: boolean): Promise<void> {
    if (this.queue.length === 0 && !this.writer && (write ? this.readers === 0 : true)) {
      if (write) this.writer = true
      else this.readers += 1
      return Promise.resolve()
    }
    return new Promise((wake) => this.queue.push({ write, wake }))
  }

  private release(write: boolean): void {
    if (write) this.writer = false
    else this.readers -= 1
    while (this.queue.length > 0 && !this.writer) {
      const head = this.queue[0]
      if (head.write) {
        if (this.readers > 0) break
        this.queue.shift()
        this.writer = true
        head.wake()
        break
      }
      this.queue.shift()
      this.readers += 1
      head.wake()
    }
  }
}

/** Polls until `ok` holds or the time is up; returns the last value either way. */
export async function eventually<T>(probe: () => Promise<T>, ok: (value: T) => boolean, timeoutMs: number, everyMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs
  let last = await probe()
  while (!ok(last) && Date.now() < deadline) {
    await sleep(everyMs)
    last = await probe()
  }
  return last
}

export type HttpAnswer = { status: number; body: Json; headers: Headers }

/** A JSON request to the Medusa admin API as the seeded admin (Bearer JWT). Throws only when no answer came. */
export async function adminRequest(
  baseUrl: string,
  token: string,
  method: "GET" | "POST",
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
  timeoutMs = 60_000
): Promise<HttpAnswer> {
  const res = await fetch(`${baseUrl}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body === undefined ? {} : { "content-type": "application/json" }),
      ...headers,
    },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(timeoutMs),
  })
  const text = await res.text()
  let parsed: Json = {}
  try {
    parsed = text ? JSON.parse(text) : {}
  } catch {
    parsed = { unparsable: text.slice(0, 200) }
  }
  return { status: res.status, body: parsed, headers: res.headers }
}

/** A request to a simulator's unauthenticated control API. */
export async function control(baseUrl: string, method: string, path: string, body?: unknown): Promise<Json> {
  const res = await fetch(`${baseUrl}/__control/${path}`, {
    method,
    headers: { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  const text = await res.text()
  if (res.status >= 300) throw new Error(`control ${method} ${baseUrl}/__control/${path}: HTTP ${res.status} ${text}`)
  return text ? JSON.parse(text) : {}
}
