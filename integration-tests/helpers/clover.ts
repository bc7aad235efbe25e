import type { TestContext } from "./store"

type Json = Record<string, any> // eslint-disable-line @typescript-eslint/no-explicit-any

/** The charge as the Clover simulator holds it, with how many captures and refunds it made for it. */
export async function cloverCharge(ctx: TestContext, chargeId: string): Promise<Json> {
  const state = await cloverControl(ctx, "GET", "state")
  const charge = state.charges.find((c: Json) => c.id === chargeId)
  if (!charge) throw new Error(`clover charge ${chargeId} not found`)
  return charge
}

export async function cloverControl(ctx: TestContext, method: string, path: string, body?: unknown): Promise<Json> {
  const res = await fetch(`${ctx.cloverUrl}/__control/${path}`, {
    method,
    headers: { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  const text = await res.text()
  if (res.status >= 300) throw new Error(`clover control ${method} ${path}: HTTP ${res.status} ${text}`)
  return text ? JSON.parse(text) : {}
}

let directSeq = 0

/**
 * A call straight to the Clover simulator's API with the store's private key, as a person in
 * Clover's dashboard or another system would make it: the plugin knows nothing of it.
 */
export async function cloverApi(ctx: TestContext, method: "GET" | "POST", path: string, body?: unknown): Promise<{ status: number; body: Json }> {
  const headers: Record<string, string> = { authorization: `Bearer ${ctx.cloverPrivateKey}`, accept: "application/json" }
  if (method === "POST") {
    headers["content-type"] = "application/json"
    headers["idempotency-key"] = `elsewhere-${process.pid}-${Date.now()}-${++directSeq}`
    headers["x-forwarded-for"] = "203.0.113.50"
  }
  const res = await fetch(`${ctx.cloverUrl}${path}`, { method, headers, body: method === "POST" ? JSON.stringify(body ?? {}) : undefined })
  const text = await res.text()
  return { status: res.status, body: text ? JSON.parse(text) : {} }
}

let tokens = 0

/**
 * A new card token of one of the simulator's test cards (`visa`, `mastercard`, `decline_<code>`,
 * `capture_decline_<code>`, `refund_decline_<code>`): Clover's tokens are single-use, so every
 * payment gets its own, as a storefront gets one from Clover's iframe each time.
 */
export function cloverToken(card = "visa"): string {
  return `clv_test_${card}-${process.pid}x${Date.now().toString(36)}x${++tokens}`
}
