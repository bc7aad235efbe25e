import type { adminApi } from "./api"
import { query } from "./db"
import type { TestContext } from "./store"

type Api = ReturnType<typeof adminApi>
type Json = Record<string, any> // eslint-disable-line @typescript-eslint/no-explicit-any

/** The order's only line item (the seeded mug). */
export async function lineItemOf(api: Api, orderId: string): Promise<Json> {
  const { body } = await api.get(`/admin/orders/${orderId}`)
  return body.order.items[0]
}

/** POST /admin/orders/:id/fulfillment for `quantity` of the item; returns the new fulfillment's id. */
export async function fulfill(api: Api, orderId: string, itemId: string, quantity: number): Promise<string> {
  const before = new Set(((await api.get(`/admin/orders/${orderId}`)).body.order.fulfillments ?? []).map((f: Json) => f.id))
  const res = await api.post(`/admin/orders/${orderId}/fulfillment`, { items: [{ item_id: itemId, quantity }] })
  if (res.status !== 200) throw new Error(`fulfillment: HTTP ${res.status} ${JSON.stringify(res.body)}`)
  const created = res.body.order.fulfillments.find((f: Json) => !before.has(f.id))
  return created.id
}

export async function ship(api: Api, orderId: string, fulfillmentId: string): Promise<void> {
  const res = await api.post(`/admin/orders/${orderId}/shipment`, { fulfillment_id: fulfillmentId, tracking_numbers: ["TRACK-1"] })
  if (res.status !== 200) throw new Error(`shipment: HTTP ${res.status} ${JSON.stringify(res.body)}`)
}

/** The ledger's captures of a payment, oldest first. */
export function capturesOf(ctx: TestContext, paymentId: string): Promise<Json[]> {
  return query(
    ctx,
    `SELECT id, amount, status, fulfillment_id, initiated_by, message FROM capture WHERE payment_id = $1 ORDER BY created_at, id`,
    [paymentId]
  )
}

/**
 * Delivers an event again through Medusa's own machinery: a staged job row is
 * what Medusa writes when it emits, and its enqueuer hands it to the event bus.
 */
export async function redeliver(ctx: TestContext, eventName: string, data: Json, copies = 1): Promise<void> {
  for (let i = 0; i < copies; i++) {
    await query(ctx, `INSERT INTO staged_job (id, event_name, data, options) VALUES ($1, $2, $3, '{}')`, [
      `job_redeliver_${Date.now()}_${i}_${Math.random().toString(36).slice(2)}`,
      eventName,
      JSON.stringify(data),
    ])
  }
}

/** Waits until Medusa's enqueuer has taken every staged job (they then reach the subscribers). */
export async function stagedJobsDrained(ctx: TestContext, timeoutMs = 15000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    const [{ n }] = await query(ctx, `SELECT count(*)::int AS n FROM staged_job WHERE id LIKE 'job_redeliver_%'`)
    if (n === 0) return
    await new Promise((r) => setTimeout(r, 200))
  }
  throw new Error("staged jobs were not delivered")
}
