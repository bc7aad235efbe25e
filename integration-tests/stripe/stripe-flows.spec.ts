import request from "supertest"
import { adminApi } from "../helpers/api"
import { query } from "../helpers/db"
import { eventually } from "../helpers/mollie"
import { placeOrder, testContext } from "../helpers/store"
import { placeStripeOrder, stripeControl, stripeIntent, stripeSdk } from "../helpers/stripe"

type Json = Record<string, any> // eslint-disable-line @typescript-eslint/no-explicit-any

/**
 * Stripe through the official SDK, against the Stripe simulator, in a real
 * Medusa server: the shopper confirms the PaymentIntent (as Stripe.js would),
 * the order is captured in parts through the ledger, refunded per capture,
 * and Medusa's own routes go through the ledger as for every gateway.
 */
describe("Stripe (stripe-captures)", () => {
  const ctx = testContext()
  const api = adminApi(ctx)
  const capture = (paymentId: string, body: Json) => api.post(`/admin/payments/${paymentId}/captures`, body)
  const totalsOf = async (paymentId: string) => (await api.get(`/admin/payments/${paymentId}/captures`)).body.totals

  it("authorizes a confirmed intent and keeps what the ledger needs from the card", async () => {
    const order = await placeStripeOrder(ctx)
    expect(order.paymentRef).toMatch(/^pi_/)
    const [payment] = await query(ctx, `SELECT provider_id, amount, data FROM payment WHERE id = $1`, [order.paymentId])
    expect(payment.provider_id).toBe("stripe-captures")
    expect(payment.data).toMatchObject({ status: "authorized", multicapture: "available", mode: "test" })
    expect(Date.parse(payment.data.capture_before)).toBeGreaterThan(Date.now() + 6 * 24 * 3600_000)
    const intent = await stripeIntent(ctx, order.paymentRef)
    expect(intent).toMatchObject({ status: "requires_capture", capture_method: "manual", amount: order.total, amount_capturable: order.total })
    expect(intent.metadata.cart_id).toMatch(/^cart_/)
  })

  it("captures a multicapture authorization in parts, each non-final until the last", async () => {
    const order = await placeStripeOrder(ctx)
    const first = await capture(order.paymentId, { amount: 3000 })
    expect(first.status).toBe(201)
    expect(first.body.capture).toMatchObject({ status: "succeeded", amount: 3000 })
    expect(first.body.capture.gateway_capture_id).toMatch(/^ch_/)
    let intent = await stripeIntent(ctx, order.paymentRef)
    expect(intent).toMatchObject({ status: "requires_capture", amount_received: 3000, amount_capturable: order.total - 3000 })
    expect(intent.metadata[first.body.capture.id]).toBe("3000")

    const second = await capture(order.paymentId, { amount: 2000 })
    expect(second.body.capture).toMatchObject({ status: "succeeded", amount: 2000 })
    expect(await totalsOf(order.paymentId)).toMatchObject({ captured: 5000, capturable: order.total - 5000 })

    // The rest, as core's own capture of the order asks for it: a final capture.
    const core = await api.post(`/admin/orders/${order.orderId}/capture`, {})
    expect(core.status).toBe(200)
    expect(core.body.order.payment_status).toBe("captured")
    intent = await stripeIntent(ctx, order.paymentRef)
    expect(intent).toMatchObject({ status: "succeeded", amount_received: order.total, amount_capturable: 0 })
    expect(await totalsOf(order.paymentId)).toMatchObject({ captured: order.total, capturable: 0 })
  })

  it("closes the authorization with the first capture where the card has no multicapture", async () => {
    const order = await placeStripeOrder(ctx, "pm_card_credit_disableEnterpriseCardFeatures")
    const [payment] = await query(ctx, `SELECT data FROM payment WHERE id = $1`, [order.paymentId])
    expect(payment.data.multicapture).toBe("unavailable")
    const first = await capture(order.paymentId, { amount: 3000 })
    expect(first.body.capture).toMatchObject({ status: "succeeded", amount: 3000 })
    expect(await stripeIntent(ctx, order.paymentRef)).toMatchObject({ status: "succeeded", amount_received: 3000, amount_capturable: 0 })
    expect(await totalsOf(order.paymentId)).toMatchObject({ captured: 3000, capturable: 0 })
    const again = await capture(order.paymentId, { amount: 100 })
    expect(again.status).toBe(400)
    expect(again.body.code).toBe("nothing_to_capture")
  })

  it("refunds per capture on the intent, and Medusa's refund through the ledger", async () => {
    const order = await placeStripeOrder(ctx)
    const { body } = await capture(order.paymentId, { amount: 6000 })
    const refunded = await api.post(`/admin/captures/${body.capture.id}/refunds`, { amount: 1500, reason: "return" })
    expect(refunded.status).toBe(201)
    expect(refunded.body.refund).toMatchObject({ status: "succeeded", amount: 1500 })
    expect(refunded.body.refund.gateway_refund_id).toMatch(/^re_/)
    const atStripe = await stripeSdk(ctx).refunds.list({ payment_intent: order.paymentRef })
    expect(atStripe.data.map((r) => ({ amount: r.amount, reason: r.reason, key: r.metadata?.medusa_refund_id }))).toEqual([
      { amount: 1500, reason: "requested_by_customer", key: refunded.body.refund.id },
    ])

    // Core's refund route: one ledger operation, recorded in Medusa once.
    const core = await api.post(`/admin/orders/${order.orderId}/refund`, { amount: 1000, reason: "discount" })
    expect(core.status).toBe(200)
    expect(core.body.order.refunded_total).toBe(2500)
    expect((await stripeSdk(ctx).refunds.list({ payment_intent: order.paymentRef })).data.reduce((s, r) => s + r.amount, 0)).toBe(2500)
    expect(await totalsOf(order.paymentId)).toMatchObject({ captured: 6000, refunded: 2500 })
  })

  it("cancels an uncaptured order by canceling its intent", async () => {
    const order = await placeStripeOrder(ctx)
    const res = await api.post(`/admin/orders/${order.orderId}/cancel`, {})
    expect(res.status).toBe(200)
    expect(res.body.order.status).toBe("canceled")
    expect((await stripeIntent(ctx, order.paymentRef)).status).toBe("canceled")
  })

  it("answers requires_more while 3-D Secure is pending, and places the order once the shopper authenticated", async () => {
    const order = await placeOrder(ctx, {
      provider: "stripe-captures",
      beforeComplete: async (session) => {
        const sdk = stripeSdk(ctx)
        const confirmed = await sdk.paymentIntents.confirm(session.payment_ref, { payment_method: "pm_card_authenticationRequired" })
        expect(confirmed.status).toBe("requires_action")
        const early = await fetch(`${ctx.medusaUrl}/store/carts/${confirmed.metadata.cart_id}/complete`, { method: "POST" })
        const body = await early.json()
        expect(body.type).toBe("cart")
        expect(body.data.payment_session.status).toBe("requires_more")
        // The shopper passes the challenge (Stripe.js handles next_action).
        await stripeControl(ctx, "POST", "authenticate", { payment_intent: session.payment_ref })
      },
    })
    expect((await stripeIntent(ctx, order.paymentRef)).status).toBe("requires_capture")
    const [payment] = await query(ctx, `SELECT data FROM payment WHERE id = $1`, [order.paymentId])
    expect(payment.data.status).toBe("authorized")
  })

  it("refuses a declined card at checkout", async () => {
    await expect(placeStripeOrder(ctx, "pm_card_chargeDeclined")).rejects.toThrow()
  })

  describe("webhooks", () => {
    const hook = (payload: string, signature?: string) => {
      const req = request(ctx.medusaUrl).post("/hooks/captures/stripe").set("content-type", "application/json")
      return (signature ? req.set("stripe-signature", signature) : req).send(payload)
    }
    const signed = (payload: string, opts: { secret?: string; timestamp?: number } = {}) =>
      stripeSdk(ctx).webhooks.generateTestHeaderString({ payload, secret: opts.secret ?? ctx.stripeWebhookSecret, timestamp: opts.timestamp })
    const event = (intentId: string) =>
      JSON.stringify({ id: "evt_test", object: "event", type: "payment_intent.amount_capturable_updated", data: { object: { id: intentId, object: "payment_intent" } } })

    it("refuses unsigned, forged and stale events, and changes nothing", async () => {
      const order = await placeStripeOrder(ctx)
      const payload = event(order.paymentRef)
      const before = await query(ctx, `SELECT count(*)::int AS n FROM capture_event WHERE payment_id = $1`, [order.paymentId])
      for (const res of [
        await hook(payload),
        await hook(payload, signed(payload, { secret: "whsec_forged" })),
        await hook(payload, signed(payload, { timestamp: Math.floor(Date.now() / 1000) - 3600 })),
        await hook(payload.replace("evt_test", "evt_changed"), signed(payload)),
      ]) {
        expect(res.status).toBe(400)
        expect(res.body.code).toBe("invalid_signature")
      }
      expect(await query(ctx, `SELECT count(*)::int AS n FROM capture_event WHERE payment_id = $1`, [order.paymentId])).toEqual(before)
    })

    it("answers 200 for an intent this store does not know, without asking Stripe", async () => {
      const payload = event("pi_unknownToThisStore")
      const res = await hook(payload, signed(payload))
      expect(res.status).toBe(200)
      expect(res.body).toEqual({ received: true })
    })

    it("settles a capture whose answer was lost when Stripe's signed event arrives", async () => {
      const order = await placeStripeOrder(ctx)
      // Stripe takes the capture, every answer (ours and the SDK's resends) is lost, and its
      // events are held back so that the route answers before Stripe calls.
      await stripeControl(ctx, "POST", "config", { holdWebhooks: true })
      await stripeControl(ctx, "POST", "faults", {
        faults: [{ kind: "lost_response", match: { method: "POST", path: `/v1/payment_intents/${order.paymentRef}/capture` }, times: 20 }],
      })
      try {
        const res = await capture(order.paymentId, { amount: 2500 })
        expect(res.status).toBe(202)
        expect(res.body.capture).toMatchObject({ status: "requested", amount: 2500 })
        // Stripe took it once: every resend was a replay of the same key.
        expect(await stripeIntent(ctx, order.paymentRef)).toMatchObject({ amount_received: 2500, amount_capturable: order.total - 2500 })
        await stripeControl(ctx, "DELETE", "faults")
        await stripeControl(ctx, "POST", "webhooks/flush", { order: "reverse" })
        const settled = await eventually(
          async () => (await api.get(`/admin/captures/${res.body.capture.id}`)).body.capture,
          (c: Json) => c.status === "succeeded"
        )
        expect(settled).toMatchObject({ amount: 2500, gateway_capture_id: expect.stringMatching(/^ch_/) })
        // Settled by the webhook, not by the scheduled reconciliation.
        const [succeeded] = await query(ctx, `SELECT actor_type, actor_id FROM capture_event WHERE capture_id = $1 AND type = 'capture.succeeded'`, [settled.id])
        expect(succeeded).toEqual({ actor_type: "webhook", actor_id: "stripe-captures" })
        expect(await totalsOf(order.paymentId)).toMatchObject({ captured: 2500, pending: 0 })
      } finally {
        await stripeControl(ctx, "DELETE", "faults")
        await stripeControl(ctx, "POST", "config", { holdWebhooks: false })
      }
    })

    it("changes nothing when an event is delivered twice or out of order", async () => {
      const order = await placeStripeOrder(ctx)
      await stripeControl(ctx, "POST", "config", { holdWebhooks: true })
      try {
        const first = await capture(order.paymentId, { amount: 1000 })
        const { body } = await api.post(`/admin/captures/${first.body.capture.id}/refunds`, { amount: 400 })
        expect(body.refund.status).toBe("succeeded")
        const ledger = async () => query(ctx, `SELECT id, status, amount, refunded_amount FROM capture WHERE payment_id = $1 ORDER BY id`, [order.paymentId])
        const before = await ledger()
        await stripeControl(ctx, "POST", "webhooks/flush", { order: "reverse" })
        const { webhooks } = await stripeControl(ctx, "GET", "webhooks")
        const last = webhooks[webhooks.length - 1]
        await stripeControl(ctx, "POST", "webhooks/replay", { event: last.eventId })
        expect(await ledger()).toEqual(before)
        expect(await totalsOf(order.paymentId)).toMatchObject({ captured: 1000, refunded: 400 })
      } finally {
        await stripeControl(ctx, "POST", "config", { holdWebhooks: false })
      }
    })
  })
})
