/**
 * The real objects the bad-input requests aim at, next to fake ones: a few
 * orders in the states the routes care about, placed through Medusa's store
 * API and driven through the plugin's own routes.
 */
import { adminApi } from "../../../helpers/api"
import { query } from "../../../helpers/db"
import { eventually, placeMollieOrder } from "../../../helpers/mollie"
import { placeOrder, type PlacedOrder, type TestContext } from "../../../helpers/store"
import { placeStripeOrder, stripeSdk } from "../../../helpers/stripe"

export type RealCapture = { id: string; paymentId: string; state: "succeeded" | "refunded" | "failed"; provider: "captures-sandbox" | "mollie" }
export type RealPayment = { id: string; orderId: string; state: "fresh" | "part-captured" | "exhausted" | "declines" | "canceled" | "mollie"; provider: string }

export type World = {
  ctx: TestContext
  payments: RealPayment[]
  captures: RealCapture[]
  orders: string[]
  /** The Mollie order's payment reference at Mollie (tr_…): the webhook's one known id. */
  mollieRef: string
  /** A payment that exists at Mollie but belongs to no order of this store. */
  otherStoreMollieRef: string
  /**
   * Stripe's webhook: this store's Stripe payment (part captured) and its intent, and an intent
   * at Stripe that belongs to no order here. Kept out of `payments` (the admin routes' targets).
   */
  stripe: { ref: string; paymentId: string; orderId: string; otherStoreRef: string }
  /** Real ids of other kinds of objects (a refund, a region, a gateway's capture…). */
  otherKinds: string[]
  /** The admin user's id (from the token), for forged tokens. */
  adminUserId: string
}

async function ok<T>(what: string, res: { status: number; body: T }, statuses = [200, 201]): Promise<T> {
  if (!statuses.includes(res.status)) throw new Error(`${what}: HTTP ${res.status} ${JSON.stringify(res.body)}`)
  return res.body
}

export async function buildWorld(ctx: TestContext): Promise<World> {
  const api = adminApi(ctx)
  type Json = Record<string, any> // eslint-disable-line @typescript-eslint/no-explicit-any

  // Gateways as configured at start: no fault left queued by an earlier suite, Mollie settling and calling back.
  const control = async (url: string, init: RequestInit) => {
    const res = await fetch(url, init)
    if (res.status >= 300) throw new Error(`${init.method} ${url}: HTTP ${res.status} ${await res.text()}`)
  }
  for (const url of [ctx.sandboxUrl, ctx.mollieUrl, ctx.cloverUrl, ctx.stripeUrl]) await control(`${url}/__control/faults`, { method: "DELETE" })
  await control(`${ctx.mollieUrl}/__control/config`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ holdWebhooks: false, failNextCaptures: 0, failCapturesFor: [], failNextRefunds: 0 }),
  })

  // Twenty mugs each, nothing captured yet: room for many small accepted captures.
  const fresh = await placeOrder(ctx, { quantity: 20 })
  const fresh2 = await placeOrder(ctx, { quantity: 20 })
  // Part captured: succeeded captures to refund and annotate (a refund without an amount
  // empties one of them), and more to capture.
  const part = await placeOrder(ctx, { quantity: 20 })
  const partCaptures: Json[] = []
  for (let i = 0; i < 4; i++) {
    partCaptures.push(((await ok("capture 25000", await api.post(`/admin/payments/${part.paymentId}/captures`, { amount: 25_000 }))) as Json).capture)
  }
  // Everything captured and refunded: nothing left to capture or to refund.
  const exhausted = await placeOrder(ctx)
  const fullCapture = ((await ok("capture all", await api.post(`/admin/payments/${exhausted.paymentId}/captures`, {}))) as Json).capture
  const fullRefund = ((await ok("refund all", await api.post(`/admin/captures/${fullCapture.id}/refunds`, {}))) as Json).refund
  // Every capture declined at the gateway: a failed capture to retry.
  const declines = await placeOrder(ctx, { source: "tok_capture_decline_insufficient_funds" })
  await ok("declined capture", await api.post(`/admin/payments/${declines.paymentId}/captures`, { amount: 500 }), [422])
  const [failed] = await query(ctx, `SELECT id FROM capture WHERE payment_id = $1 AND status = 'failed'`, [declines.paymentId])
  // Canceled: nothing may be captured.
  const canceled = await placeOrder(ctx)
  await ok("cancel", await api.post(`/admin/orders/${canceled.orderId}/cancel`))
  // Mollie, with a capture its webhook settled.
  const mollie: PlacedOrder = await placeMollieOrder(ctx)
  const mollieCapture = ((await ok("mollie capture", await api.post(`/admin/payments/${mollie.paymentId}/captures`, { amount: 2000 }))) as Json).capture
  const settled = await eventually(
    async () => (await api.get(`/admin/captures/${mollieCapture.id}`)).body.capture?.status,
    (s) => s === "succeeded"
  )
  if (settled !== "succeeded") throw new Error(`the Mollie capture did not settle (${settled})`)

  // Stripe, part captured (its webhook's one known intent), and an intent of another store.
  const stripe = await placeStripeOrder(ctx)
  await ok("stripe capture", await api.post(`/admin/payments/${stripe.paymentId}/captures`, { amount: 1500 }))
  const otherStripe = await stripeSdk(ctx).paymentIntents.create({ amount: 1000, currency: "eur", capture_method: "manual" })

  // A payment at Mollie that no order of this store knows: another shop's webhook target.
  const other = await fetch(`${ctx.mollieUrl}/v2/payments`, {
    method: "POST",
    headers: { authorization: `Bearer ${ctx.mollieApiKey}`, "content-type": "application/json" },
    body: JSON.stringify({
      amount: { currency: "EUR", value: "10.00" },
      description: "Order at another store",
      redirectUrl: "https://shop.other.example/return",
      captureMode: "manual",
      method: "creditcard",
    }),
  })
  if (other.status !== 201) throw new Error(`mollie payment for another store: HTTP ${other.status} ${await other.text()}`)
  const otherStoreMollieRef = ((await other.json()) as Json).id

  const gatewayIds = await query(
    ctx,
    `SELECT gateway_capture_id AS id FROM capture WHERE payment_id = ANY($1) AND gateway_capture_id IS NOT NULL`,
    [[part.paymentId, exhausted.paymentId, mollie.paymentId]]
  )
  const adminUserId = JSON.parse(Buffer.from(ctx.adminToken.split(".")[1], "base64url").toString()).user_id

  return {
    ctx,
    payments: [
      { id: fresh.paymentId, orderId: fresh.orderId, state: "fresh", provider: "captures-sandbox" },
      { id: fresh2.paymentId, orderId: fresh2.orderId, state: "fresh", provider: "captures-sandbox" },
      { id: part.paymentId, orderId: part.orderId, state: "part-captured", provider: "captures-sandbox" },
      { id: exhausted.paymentId, orderId: exhausted.orderId, state: "exhausted", provider: "captures-sandbox" },
      { id: declines.paymentId, orderId: declines.orderId, state: "declines", provider: "captures-sandbox" },
      { id: canceled.paymentId, orderId: canceled.orderId, state: "canceled", provider: "captures-sandbox" },
      { id: mollie.paymentId, orderId: mollie.orderId, state: "mollie", provider: "mollie" },
    ],
    captures: [
      ...partCaptures.map((c): RealCapture => ({ id: c.id, paymentId: part.paymentId, state: "succeeded", provider: "captures-sandbox" })),
      { id: fullCapture.id, paymentId: exhausted.paymentId, state: "refunded", provider: "captures-sandbox" },
      { id: failed.id, paymentId: declines.paymentId, state: "failed", provider: "captures-sandbox" },
      { id: mollieCapture.id, paymentId: mollie.paymentId, state: "succeeded", provider: "mollie" },
    ],
    orders: [fresh, fresh2, part, exhausted, declines, canceled, mollie].map((o) => o.orderId),
    mollieRef: mollie.paymentRef,
    otherStoreMollieRef,
    stripe: { ref: stripe.paymentRef, paymentId: stripe.paymentId, orderId: stripe.orderId, otherStoreRef: otherStripe.id },
    otherKinds: [
      fullRefund.id,
      fullRefund.medusa_refund_id,
      ctx.regionId,
      ctx.variantId,
      ctx.shippingOptionId,
      adminUserId,
      fresh.paymentRef,
      mollie.paymentRef,
      ...gatewayIds.map((r) => r.id),
    ].filter((x): x is string => typeof x === "string" && x.length > 0),
    adminUserId,
  }
}
