/** Test helpers: the official SDK pointed at the simulator, raw HTTP calls, a webhook receiver. */
import { createServer, type IncomingMessage, type Server } from "node:http"
import type { AddressInfo } from "node:net"
import Stripe from "stripe"
import { startStripeSandbox, type StripeSandboxHandle, type StripeSandboxOptions } from "../server"

export const TEST_KEY = "sk_test_sandboxhelperkey0001"
export const LIVE_KEY = "sk_live_sandboxhelperkey0001"

/** The SDK exactly as an integration configures it for a loopback simulator. */
export function sdk(sandbox: StripeSandboxHandle, key = TEST_KEY, extra: Partial<Stripe.StripeConfig> = {}): Stripe {
  return new Stripe(key, { host: "127.0.0.1", port: sandbox.port, protocol: "http", maxNetworkRetries: 0, ...extra })
}

export type Call = { status: number; body: any; text: string; headers: Headers }

export type CallOptions = { form?: string; apiKey?: string | null; key?: string; headers?: Record<string, string> }

/** A raw request, for what the SDK hides: headers, encoding errors, replays. */
export async function call(sandbox: StripeSandboxHandle, method: string, path: string, opts: CallOptions = {}): Promise<Call> {
  const headers: Record<string, string> = { ...opts.headers }
  const apiKey = opts.apiKey === undefined ? TEST_KEY : opts.apiKey
  if (apiKey !== null) headers.Authorization = `Bearer ${apiKey}`
  if (opts.key !== undefined) headers["Idempotency-Key"] = opts.key
  if (opts.form !== undefined && headers["Content-Type"] === undefined) headers["Content-Type"] = "application/x-www-form-urlencoded"
  const res = await fetch(sandbox.url + path, { method, headers, body: opts.form })
  const text = await res.text()
  let body: unknown
  try {
    body = JSON.parse(text)
  } catch {
    body = undefined
  }
  return { status: res.status, body, text, headers: res.headers }
}

export async function control(sandbox: StripeSandboxHandle, method: string, path: string, body?: unknown): Promise<Call> {
  const res = await fetch(`${sandbox.url}/__control${path}`, {
    method,
    headers: body === undefined ? {} : { "Content-Type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  const text = await res.text()
  return { status: res.status, body: text ? JSON.parse(text) : undefined, text, headers: res.headers }
}

/** A manual-capture intent confirmed with `paymentMethod` (cards only: no return_url needed). */
export function authorize(stripe: Stripe, paymentMethod = "pm_card_visa", extra: Partial<Stripe.PaymentIntentCreateParams> = {}) {
  return stripe.paymentIntents.create({
    amount: 10_000,
    currency: "eur",
    capture_method: "manual",
    allowed_payment_method_types: ["card"],
    payment_method: paymentMethod,
    confirm: true,
    payment_method_options: { card: { request_multicapture: "if_available" } },
    ...extra,
  })
}

export type ReceivedWebhook = { body: string; signature?: string; contentType?: string; userAgent?: string }

export type WebhookReceiver = {
  url: string
  received: ReceivedWebhook[]
  /** Status codes to answer, in order; then 200. */
  failNext(...statuses: number[]): void
  waitFor(count: number, timeoutMs?: number): Promise<ReceivedWebhook[]>
  clear(): void
  close(): Promise<void>
}

export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  const received: ReceivedWebhook[] = []
  const answers: number[] = []
  const server: Server = createServer((req: IncomingMessage, res) => {
    const chunks: Buffer[] = []
    req.on("data", (c: Buffer) => chunks.push(c))
    req.on("end", () => {
      received.push({
        body: Buffer.concat(chunks).toString("utf8"),
        signature: req.headers["stripe-signature"] as string | undefined,
        contentType: req.headers["content-type"],
        userAgent: req.headers["user-agent"],
      })
      res.writeHead(answers.shift() ?? 200).end()
    })
  })
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
  const port = (server.address() as AddressInfo).port
  return {
    url: `http://127.0.0.1:${port}/hooks/stripe`,
    received,
    failNext: (...statuses) => answers.push(...statuses),
    clear: () => {
      received.length = 0
      answers.length = 0
    },
    waitFor: (count, timeoutMs = 3000) => eventually(() => (received.length >= count ? received.slice() : undefined), timeoutMs),
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

/** One sandbox per test file, reset before each test. */
export function useSandbox(options: StripeSandboxOptions = {}): { sandbox: () => StripeSandboxHandle; stripe: () => Stripe } {
  let sandbox: StripeSandboxHandle
  let client: Stripe
  beforeAll(async () => {
    sandbox = await startStripeSandbox({ captureSettleDelayMs: 20, refundSettleDelayMs: 20, webhookRetryDelayMs: 10, ...options })
    client = sdk(sandbox)
  })
  afterAll(() => sandbox.close())
  beforeEach(async () => {
    await sandbox.webhooks.idle()
    sandbox.state.reset()
    sandbox.webhooks.reset()
  })
  return { sandbox: () => sandbox, stripe: () => client }
}

/** The event types the simulator recorded, oldest first. */
export const eventTypes = (sandbox: StripeSandboxHandle): string[] => [...sandbox.state.events.values()].map((e) => e.type)
