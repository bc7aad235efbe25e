import { adminApi, gatewayOperations } from "../helpers/api"
import { cloverCharge, cloverToken } from "../helpers/clover"
import { query } from "../helpers/db"
import { eventually, mollieControl, molliePayment, placeMollieOrder } from "../helpers/mollie"
import { placeOrder, testContext, type PlacedOrder } from "../helpers/store"

type Json = Record<string, any> // eslint-disable-line @typescript-eslint/no-explicit-any

/** The Mollie simulator's default delay before a capture settles (its state.ts). */
const DEFAULT_CAPTURE_DELAY_MS = 50

/**
 * Medusa's own view of a payment equals the ledger's once nothing more can be
 * captured: core's order totals (paid_total, refundable_amount), its payment
 * (amount, captured_at), its refund route and the order's payment_status all
 * see the money captured, not the authorization. Checked through Medusa's own
 * admin routes, as the admin dashboard reads and uses them.
 */
describe("Medusa's view after the authorization closes", () => {
  const ctx = testContext()
  const api = adminApi(ctx)
  const coreOrder = async (id: string): Promise<Json> => (await api.get(`/admin/orders/${id}`)).body.order
  const corePayment = async (id: string): Promise<Json> => (await api.get(`/admin/payments/${id}`)).body.payment
  const ledgerTotals = async (paymentId: string): Promise<Json> =>
    (await api.get(`/admin/payments/${paymentId}/captures`)).body.totals

  describe("Clover: a partial capture releases the rest", () => {
    let order: PlacedOrder
    it("shows the captured 10.00 of 121.00 as paid and refundable, and keeps the authorization in the ledger", async () => {
      order = await placeOrder(ctx, { provider: "clover", currency: "usd", source: cloverToken() })
      const res = await api.post(`/admin/payments/${order.paymentId}/captures`, { amount: 1000 })
      expect(res.status).toBe(201)
      expect(res.body.capture.status).toBe("succeeded")

      const view = await coreOrder(order.orderId)
      expect(view).toMatchObject({ paid_total: 1000, refundable_amount: 1000, refunded_total: 0, payment_status: "captured" })
      const payment = await corePayment(order.paymentId)
      expect(payment.amount).toBe(1000)
      expect(payment.captured_at).toBeTruthy()
      expect(await ledgerTotals(order.paymentId)).toMatchObject({ authorized: order.total, captured: 1000, capturable: 0, refundable: 1000 })
    })

    it("refunds through the plugin, then through Medusa's own refund route, up to what was captured", async () => {
      const [capture] = (await api.get(`/admin/payments/${order.paymentId}/captures`)).body.captures
      expect((await api.post(`/admin/captures/${capture.id}/refunds`, { amount: 300 })).status).toBe(201)
      expect(await coreOrder(order.orderId)).toMatchObject({ paid_total: 1000, refunded_total: 300, refundable_amount: 700 })

      // The admin's Refund button calls this route.
      const core = await api.post(`/admin/orders/${order.orderId}/refund`, { amount: 200, reason: "discount" })
      expect(core.status).toBe(200)
      expect(core.body.order).toMatchObject({ paid_total: 1000, refunded_total: 500, refundable_amount: 500, payment_status: "partially_refunded" })
      expect(await ledgerTotals(order.paymentId)).toMatchObject({ captured: 1000, refunded: 500, refundable: 500 })
      const charge = await cloverCharge(ctx, order.paymentRef)
      expect(charge.counts.refunds).toBe(2)

      const over = await api.post(`/admin/orders/${order.orderId}/refund`, { amount: 501, reason: "discount" })
      expect(over.status).toBe(400)
    })

    it("marks the order refunded when everything captured was refunded through the plugin", async () => {
      const [capture] = (await api.get(`/admin/payments/${order.paymentId}/captures`)).body.captures
      expect((await api.post(`/admin/captures/${capture.id}/refunds`, {})).status).toBe(201)
      expect(await coreOrder(order.orderId)).toMatchObject({ paid_total: 1000, refunded_total: 1000, refundable_amount: 0, payment_status: "refunded" })
    })
  })

  describe("the sandbox gateway: capture part, release the rest", () => {
    let order: PlacedOrder
    it("refuses to release before anything is captured", async () => {
      order = await placeOrder(ctx, { provider: "captures-sandbox" })
      const res = await api.post(`/admin/payments/${order.paymentId}/release`)
      expect(res.status).toBe(400)
      expect(res.body.code).toBe("nothing_captured")
    })

    it("releases the rest at the gateway; Medusa then shows what was captured", async () => {
      expect((await api.post(`/admin/payments/${order.paymentId}/captures`, { amount: 4000 })).status).toBe(201)
      // Still open: Medusa already counts the money captured, not the authorization.
      expect(await corePayment(order.paymentId)).toMatchObject({ amount: 4000, captured_at: expect.any(String) })
      expect(await coreOrder(order.orderId)).toMatchObject({ paid_total: 4000, payment_status: "captured" })

      const res = await api.post(`/admin/payments/${order.paymentId}/release`)
      expect(res.status).toBe(200)
      expect(res.body).toMatchObject({
        payment_id: order.paymentId,
        released: order.total - 4000,
        totals: { authorized: order.total, captured: 4000, capturable: 0, refundable: 4000 },
      })
      const ops = await gatewayOperations(ctx, order.paymentRef)
      expect(ops.captures).toHaveLength(1)

      expect(await coreOrder(order.orderId)).toMatchObject({ paid_total: 4000, refundable_amount: 4000, payment_status: "captured" })
      expect(await corePayment(order.paymentId)).toMatchObject({ amount: 4000 })

      const again = await api.post(`/admin/payments/${order.paymentId}/release`)
      expect(again.status).toBe(200)
      expect(again.body.released).toBe(0)

      const capture = await api.post(`/admin/payments/${order.paymentId}/captures`, { amount: 100 })
      expect(capture.status).toBe(400)
      expect(capture.body.code).toBe("nothing_to_capture")

      const events = await query(ctx, `SELECT type FROM capture_event WHERE payment_id = $1 AND type LIKE 'authorization.%' ORDER BY created_at`, [
        order.paymentId,
      ])
      expect(events.map((e: Json) => e.type)).toEqual(["authorization.release_requested", "authorization.released"])
    })

    it("lets Medusa's own refund route refund the captured money through the ledger", async () => {
      const res = await api.post(`/admin/orders/${order.orderId}/refund`, { amount: 1500, reason: "return" })
      expect(res.status).toBe(200)
      expect(res.body.order).toMatchObject({ paid_total: 4000, refunded_total: 1500, refundable_amount: 2500 })
      expect(await ledgerTotals(order.paymentId)).toMatchObject({ captured: 4000, refunded: 1500, refundable: 2500 })
      const ops = await gatewayOperations(ctx, order.paymentRef)
      expect(ops.refunds.map((r: Json) => r.amount)).toEqual([1500])
    })
  })

  describe("the order's refund status follows the money collected", () => {
    it("counts a canceled payment that still holds captured money (canceled by an earlier version)", async () => {
      const order = await placeOrder(ctx, { provider: "captures-sandbox" })
      const capture = await api.post(`/admin/payments/${order.paymentId}/captures`, { amount: 5000 })
      expect(capture.status).toBe(201)
      // This version refuses to cancel such a payment; an earlier one did it.
      await query(ctx, `UPDATE payment SET canceled_at = now() WHERE id = $1`, [order.paymentId])
      expect((await api.post(`/admin/captures/${capture.body.capture.id}/refunds`, { amount: 2000 })).status).toBe(201)
      expect((await coreOrder(order.orderId)).payment_status).toBe("partially_refunded")
      expect((await api.post(`/admin/captures/${capture.body.capture.id}/refunds`, { amount: 3000 })).status).toBe(201)
      expect((await coreOrder(order.orderId)).payment_status).toBe("refunded")
    })

    it("marks a partial capture refunded in full as refunded, though more could still be captured", async () => {
      const order = await placeOrder(ctx, { provider: "captures-sandbox" })
      const capture = await api.post(`/admin/payments/${order.paymentId}/captures`, { amount: 3000 })
      expect((await api.post(`/admin/captures/${capture.body.capture.id}/refunds`, {})).status).toBe(201)
      expect((await coreOrder(order.orderId)).payment_status).toBe("refunded")
    })
  })

  describe("Mollie: core's capture route and a capture that settles later", () => {
    afterEach(async () => {
      await mollieControl(ctx, "POST", "config", { captureDelayMs: DEFAULT_CAPTURE_DELAY_MS, holdWebhooks: false })
    })

    it("is not told 'captured' while Mollie's capture is pending, and shows it once it succeeds", async () => {
      const order = await placeMollieOrder(ctx)
      await mollieControl(ctx, "POST", "config", { captureDelayMs: 1500 })
      const res = await api.post(`/admin/orders/${order.orderId}/capture`)
      expect(res.status).toBe(200)
      expect(res.body.order.payment_status).toBe("requires_action")
      expect((await corePayment(order.paymentId)).captured_at).toBeNull()

      const settled = await eventually(
        () => coreOrder(order.orderId),
        (o) => o.payment_status === "captured",
        15000
      )
      expect(settled).toMatchObject({ payment_status: "captured", paid_total: order.total, refundable_amount: order.total })
      expect((await corePayment(order.paymentId)).captured_at).toBeTruthy()
      expect((await molliePayment(ctx, order.paymentRef)).amountCaptured).toMatchObject({ value: (order.total / 100).toFixed(2) })
    })
  })
})
