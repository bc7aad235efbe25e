/** Test helpers: raw HTTP calls to the simulator and a tiny webhook receiver. */
import { createServer, type IncomingMessage, type Server } from "node:http"
import type { AddressInfo } from "node:net"

export type Call = { status: number; body: any; text: string; headers: Headers }

export type CallOptions = {
  body?: unknown
  form?: string
  apiKey?: string | null
  key?: string
  headers?: Record<string, string>
}

export async function call(base: string, method: string, path: string, opts: CallOptions = {}): Promise<Call> {
  const headers: Record<string, string> = { ...opts.headers }
  const apiKey = opts.apiKey === undefined ? "test_helperkey123456" : opts.apiKey
  if (apiKey !== null) headers.Authorization = `Bearer ${apiKey}`
  if (opts.key !== undefined) headers["Idempotency-Key"] = opts.key
  let body: string | undefined
  if (opts.form !== undefined) {
    headers["Content-Type"] = "application/x-www-form-urlencoded"
    body = opts.form
  } else if (opts.body !== undefined) {
    headers["Content-Type"] = "application/json"
    body = JSON.stringify(opts.body)
  }
  const res = await fetch(base + path, { method, headers, body, redirect: "manual" })
  const text = await res.text()
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch {
    parsed = undefined
  }
  return { status: res.status, body: parsed, text, headers: res.headers }
}

export type ReceivedWebhook = { body: string; contentType?: string; userAgent?: string; at: number }

export type WebhookReceiver = {
  url: string
  received: ReceivedWebhook[]
  /** Status codes to answer, in order; then 200. */
  failNext(...statuses: number[]): void
  /** Resolves once `count` webhooks were received (or rejects after `timeoutMs`). */
  waitFor(count: number, timeoutMs?: number): Promise<ReceivedWebhook[]>
  /** Forgets what was received and any queued failure answers. */
  clear(): void
  close(): Promise<void>
}

export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  const received: ReceivedWebhook[] = []
  const answers: number[] = []
  let waiters: Array<() => void> = []
  const server: Server = createServer((req: IncomingMessage, res) => {
    const chunks: Buffer[] = []
    req.on("data", (c: Buffer) => chunks.push(c))
    req.on("end", () => {
      const status = answers.shift() ?? 200
      received.push({
        body: Buffer.concat(chunks).toString("utf8"),
        contentType: req.headers["content-type"],
        userAgent: req.headers["user-agent"],
        at: Date.now(),
      })
      res.writeHead(status).end()
      for (const wake of waiters) wake()
    })
  })
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
  const port = (server.address() as AddressInfo).port
  return {
    url: `http://127.0.0.1:${port}/hooks/mollie`,
    received,
    failNext: (...statuses) => answers.push(...statuses),
    clear: () => {
      received.length = 0
      answers.length = 0
    },
    waitFor(count, timeoutMs = 3000) {
      return new Promise((resolve, reject) => {
        const check = (): boolean => {
          if (received.length < count) return false
          clearTimeout(timer)
          waiters = waiters.filter((w) => w !== wake)
          resolve(received.slice())
          return true
        }
        const wake = (): void => void check()
        const timer = setTimeout(() => reject(new Error(`only ${received.length} of ${count} webhooks arrived`)), timeoutMs)
        waiters.push(wake)
        check()
      })
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      }),
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

/** Polls `check` until it returns a value other than undefined. */
export async function eventually<T>(check: () => T | undefined | Promise<T | undefined>, timeoutMs = 2000): Promise<T> {
  const until = Date.now() + timeoutMs
  for (;;) {
    const value = await check()
    if (value !== undefined) return value
    if (Date.now() > until) throw new Error("condition not met in time")
    await sleep(10)
  }
}
