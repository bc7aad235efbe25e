import type { TestContext, PlacedOrder } from "./store"
import { placeOrder } from "./store"

type Json = Record<string, any> // eslint-disable-line @typescript-eslint/no-explicit-any

/** The Mollie simulator's own API, as Mollie's dashboard would show a payment. */
export async function molliePayment(ctx: TestContext, id: string): Promise<Json> {
  const res = await fetch(`${ctx.mollieUrl}/v2/payments/${id}?embed=captures,refunds`, {
    headers: { authorization: `Bearer ${ctx.mollieApiKey}` },
  })
  if (res.status !== 200) throw new Error(`mollie payment ${id}: HTTP ${res.status}`)
  return res.json()
}

export async function mollieControl(ctx: TestContext, method: string, path: string, body?: unknown): Promise<Json> {
  const res = await fetch(`${ctx.mollieUrl}/__control/${path}`, {
    method,
    headers: { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  const text = await res.text()
  if (res.status >= 300) throw new Error(`mollie control ${method} ${path}: HTTP ${res.status} ${text}`)
  return text ? JSON.parse(text) : {}
}

/**
 * How many captures and refunds the simulator made for one payment (double captures show here),
 * and how many API requests named the payment (lookups show here).
 */
export async function mollieOperations(
  ctx: TestContext,
  paymentRef: string
): Promise<{ captures: number; refunds: number; captured: number; refunded: number; requests: number }> {
  const state = await mollieControl(ctx, "GET", "state")
  return state.perPayment[paymentRef] ?? { captures: 0, refunds: 0, captured: 0, refunded: 0, requests: 0 }
}

/** The shopper authorizes at Mollie's hosted checkout (the simulator's), then the cart completes. */
export function placeMollieOrder(
  ctx: TestContext,
  action: "authorize" | "fail" | "cancel" = "authorize",
  quantity = 1
): Promise<PlacedOrder> {
  return placeOrder(ctx, {
    provider: "mollie",
    quantity,
    beforeComplete: async (session) => {
      const res = await fetch(session.checkout_url, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ action }),
      })
      if (res.status >= 400) throw new Error(`checkout ${action}: HTTP ${res.status} ${await res.text()}`)
    },
  })
}

/** Waits for a condition that a webhook will make true (the simulator settles captures asynchronously). */
export async function eventually<T>(probe: () => Promise<T>, ok: (value: T) => boolean, timeoutMs = 10000): Promise<T> {
  const deadline = Date.now() + timeoutMs
  let last: T
  do {
    last = await probe()
    if (ok(last)) return last
    await new Promise((r) => setTimeout(r, 50))
  } while (Date.now() < deadline)
  return last
}
