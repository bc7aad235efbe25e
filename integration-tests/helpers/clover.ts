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
