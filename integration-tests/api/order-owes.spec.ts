import { adminApi, sandboxPayment } from "../helpers/api"
import { cloverCharge, cloverToken } from "../helpers/clover"
import { capturesOf, fulfill } from "../helpers/fulfillment"
import { eventually, mollieOperations, placeMollieOrder } from "../helpers/mollie"
import { placeOrder, testContext, type PlacedOrder } from "../helpers/store"

type Json = Record<string, any> // eslint-disable-line @typescript-eslint/no-explicit-any

/**
 * An order's whole life while it is only partly captured, through Medusa's
 * own routes: an order edit that lowers the total caps every capture at what
 * the order still owes (the plugin's route, core's capture route, capture on
 * fulfillment), and Medusa's refunds, returns and swaps work on the money
 * captured so far while the rest of the authorization stays open.
 *
 * The orders are 2 × 100.00 + 10.00 shipping = 210.00; the edit takes one
 * unit off: 110.00 (difference −100.00).
 */
describe("what the order owes", () => {
  const ctx = testContext()
  const api = adminApi(ctx)
  const coreOrder = async (id: string): Promise<Json> => (await api.get(`/admin/orders/${id}`)).body.order
  const corePayment = async (id: string): Promise<Json> => (await api.get(`/admin/payments/${id}`)).body.payment
  const summary = async (orderId: string): Promise<Json> => (await api.get(`/admin/orders/${orderId}/captures`)).body

  /** A confirmed order edit that leaves one unit of the order's line. */
  async function editToOneUnit(orderId: string, difference = -10000): Promise<void> {
    const created = await api.post(`/admin/order-edits`, { order_id: orderId })
    expect(created.status).toBe(200)
    const edit = created.body.order_edit
    const item = edit.items[0]
    const changed = await api.post(`/admin/order-edits/${edit.id}/items/${item.id}`, { quantity: 1 })
    expect(changed.status).toBe(200)
    expect(changed.body.order_edit.difference_due).toBe(difference)
    expect((await api.post(`/admin/order-edits/${edit.id}/request`)).status).toBe(200)
    const confirmed = await api.post(`/admin/order-edits/${edit.id}/confirm`)
    expect(confirmed.status).toBe(200)
    expect(confirmed.body.order_edit.status).toBe("confirmed")
  }

  describe("an edit lowers the total after a partial capture (sandbox, manual capture)", () => {
    let order: PlacedOrder
    it("offers only what the order still owes, and shows the rest of the authorization as not owed", async () => {
      order = await placeOrder(ctx, { quantity: 2 })
      expect(order.total).toBe(21000)
      expect((await api.post(`/admin/payments/${order.paymentId}/captures`, { amount: 3000 })).status).toBe(201)
      await editToOneUnit(order.orderId)

      const { totals, payments } = await summary(order.orderId)
      expect(totals).toMatchObject({ authorized: 21000, captured: 3000, capturable: 8000, not_owed: 10000 })
      expect(payments[0].totals).toMatchObject({ capturable: 8000, not_owed: 10000 })
    })

    it("captures at most what the order owes: 80.00 of the 180.00 still authorized, then nothing", async () => {
      const over = await api.post(`/admin/payments/${order.paymentId}/captures`, { amount: 8001 })
      expect(over.status).toBe(400)
      expect(over.body.message).toMatch(/exceeds what can still be captured .*: 8000 .*the order owes 8000 more, 10000 authorized beyond that can only be released/)

      const rest = await api.post(`/admin/payments/${order.paymentId}/captures`, {})
      expect(rest.status).toBe(201)
      expect(rest.body.capture).toMatchObject({ amount: 8000, status: "succeeded" })
      const none = await api.post(`/admin/payments/${order.paymentId}/captures`, { amount: 1 })
      expect(none.status).toBe(400)
      expect(none.body.code).toBe("nothing_to_capture")

      expect((await sandboxPayment(ctx, order.paymentRef)).amount_captured).toBe(11000)
      expect(await coreOrder(order.orderId)).toMatchObject({ total: 11000, paid_total: 11000, payment_status: "captured" })
    })

    it("a refund does not make money capturable again; the rest of the authorization can be released", async () => {
      const refund = await api.post(`/admin/orders/${order.orderId}/refund`, { amount: 2000, reason: "discount" })
      expect(refund.status).toBe(200)
      expect((await summary(order.orderId)).totals).toMatchObject({ captured: 11000, refunded: 2000, capturable: 0, not_owed: 10000 })

      const released = await api.post(`/admin/payments/${order.paymentId}/release`)
      expect(released.status).toBe(200)
      expect(released.body.released).toBe(10000)
      expect(released.body.totals).toMatchObject({ capturable: 0, not_owed: 0 })
      expect(await corePayment(order.paymentId)).toMatchObject({ amount: 11000, amount_refunded: 2000 })
      expect(await coreOrder(order.orderId)).toMatchObject({ paid_total: 11000, refunded_total: 2000, refundable_amount: 9000 })
    })
  })

  it("Medusa's own capture route captures what the edited order owes, not the authorization", async () => {
    const order = await placeOrder(ctx, { quantity: 2 })
    await editToOneUnit(order.orderId)
    const res = await api.post(`/admin/orders/${order.orderId}/capture`)
    expect(res.status).toBe(200)
    expect(res.body.order).toMatchObject({ payment_status: "captured", paid_total: 11000 })

    expect(await capturesOf(ctx, order.paymentId)).toEqual([expect.objectContaining({ amount: 11000, status: "succeeded" })])
    expect((await sandboxPayment(ctx, order.paymentRef)).amount_captured).toBe(11000)
    // Core saves the payment it read before the capture: its authorized amount must not come back.
    expect(await corePayment(order.paymentId)).toMatchObject({ amount: 11000 })
    expect((await summary(order.orderId)).totals).toMatchObject({ authorized: 21000, captured: 11000, capturable: 0, not_owed: 10000 })
  })

  it("capture on fulfillment: the fulfillment that completes the edited order takes what it owes", async () => {
    // The sandbox provider captures on fulfillment in this suite.
    const order = await placeOrder(ctx, { quantity: 2 })
    await editToOneUnit(order.orderId)
    const item = (await coreOrder(order.orderId)).items[0]
    expect(item.quantity).toBe(1)
    await fulfill(api, order.orderId, item.id, 1)
    const [capture] = await eventually(() => capturesOf(ctx, order.paymentId), (rows) => rows[0]?.status === "succeeded", 20000)
    expect(capture.amount).toBe(11000)
    expect((await sandboxPayment(ctx, order.paymentRef)).amount_captured).toBe(11000)
  })

  it("Clover (one capture per charge): after the edit the capture takes what the order owes, and the rest is released", async () => {
    // United States: 10 % tax on the mug and the shipping. 2 × 110.00 + 11.00 = 231.00; after the edit 121.00.
    const order = await placeOrder(ctx, { provider: "clover", currency: "usd", source: cloverToken(), quantity: 2 })
    expect(order.total).toBe(23100)
    await editToOneUnit(order.orderId, -11000)
    const res = await api.post(`/admin/payments/${order.paymentId}/captures`, {})
    expect(res.status).toBe(201)
    expect(res.body.capture).toMatchObject({ amount: 12100, status: "succeeded" })
    expect(await cloverCharge(ctx, order.paymentRef)).toMatchObject({ amount_captured: 12100, captured: true })
    expect(await coreOrder(order.orderId)).toMatchObject({ total: 12100, paid_total: 12100, payment_status: "captured" })
    expect((await summary(order.orderId)).totals).toMatchObject({ captured: 12100, capturable: 0, not_owed: 0 })
  })

  it("Mollie: after the edit, capturing the rest stops at what the order owes", async () => {
    const order = await placeMollieOrder(ctx, "authorize", 2)
    expect(order.total).toBe(21000)
    const first = await api.post(`/admin/payments/${order.paymentId}/captures`, { amount: 3000 })
    expect([201, 202]).toContain(first.status)
    await eventually(() => mollieOperations(ctx, order.paymentRef), (ops) => ops.captured === 3000)
    await editToOneUnit(order.orderId)
    const rest = await api.post(`/admin/payments/${order.paymentId}/captures`, {})
    expect([201, 202]).toContain(rest.status)
    expect(rest.body.capture.amount).toBe(8000)
    const settled = await eventually(() => summary(order.orderId), (s) => s.totals.pending === 0)
    expect(settled.totals).toMatchObject({ captured: 11000, capturable: 0, not_owed: 10000 })
    expect((await mollieOperations(ctx, order.paymentRef)).captured).toBe(11000)
  })

  it("a swap and a claim with refund go through Medusa while the order is partly captured (capture on fulfillment)", async () => {
    const order = await placeOrder(ctx, { quantity: 3 }) // 31000; the sandbox captures on fulfillment here
    const item = (await coreOrder(order.orderId)).items[0]
    await fulfill(api, order.orderId, item.id, 2)
    await eventually(() => capturesOf(ctx, order.paymentId), (rows) => rows[0]?.status === "succeeded", 20000)
    // Two units and the shipping are captured; the third unit's 100.00 is still authorized.
    expect(await coreOrder(order.orderId)).toMatchObject({ paid_total: 21000, payment_status: "captured" })

    const swap = await api.post(`/admin/orders/${order.orderId}/swaps`, {
      return_items: [{ item_id: item.id, quantity: 1 }],
      additional_items: [{ variant_id: ctx.variantId, quantity: 1 }],
    })
    expect(swap.status).toBe(200)
    expect(swap.body.order.swaps).toHaveLength(1)

    const claim = await api.post(`/admin/orders/${order.orderId}/claims`, {
      type: "refund",
      claim_items: [{ item_id: item.id, quantity: 1, reason: "production_failure" }],
      refund_amount: 2000,
    })
    expect(claim.status).toBe(200)
    const view = await coreOrder(order.orderId)
    expect(view).toMatchObject({ paid_total: 21000, refunded_total: 2000, refundable_amount: 19000 })
    // Medusa's claim refund leaves the order's payment_status as it was; the plugin brings it in step with the money.
    await eventually(() => coreOrder(order.orderId), (o) => o.payment_status === "partially_refunded", 20000)
    expect((await summary(order.orderId)).totals).toMatchObject({ captured: 21000, refunded: 2000, capturable: 10000 })
    expect((await sandboxPayment(ctx, order.paymentRef)).amount_refunded).toBe(2000)
  })

  describe("Medusa's own flows while the authorization is open and partly captured (Mollie, capture on shipment)", () => {
    let order: PlacedOrder
    it("counts the 70.00 captured as paid and captured, not the 110.00 authorized", async () => {
      order = await placeMollieOrder(ctx)
      const item = (await coreOrder(order.orderId)).items[0]
      expect(item.quantity).toBe(1)
      const res = await api.post(`/admin/payments/${order.paymentId}/captures`, { amount: 7000 })
      expect([201, 202]).toContain(res.status)
      await eventually(() => corePayment(order.paymentId), (p) => p.amount === 7000 && !!p.captured_at)
      expect(await coreOrder(order.orderId)).toMatchObject({ paid_total: 7000, refundable_amount: 7000, payment_status: "captured" })
      expect((await summary(order.orderId)).totals).toMatchObject({ authorized: 11000, captured: 7000, capturable: 4000 })
    })

    it("refunds through Medusa's refund route (the admin's Refund button) up to what was captured", async () => {
      const over = await api.post(`/admin/orders/${order.orderId}/refund`, { amount: 7001, reason: "discount" })
      expect(over.status).toBe(400)
      const ok = await api.post(`/admin/orders/${order.orderId}/refund`, { amount: 2500, reason: "discount" })
      expect(ok.status).toBe(200)
      expect(ok.body.order).toMatchObject({ paid_total: 7000, refunded_total: 2500, refundable_amount: 4500, payment_status: "partially_refunded" })
      await eventually(() => mollieOperations(ctx, order.paymentRef), (ops) => ops.refunded === 2500)
    })

    it("a return received through Medusa refunds through the ledger", async () => {
      const item = (await coreOrder(order.orderId)).items[0]
      await fulfill(api, order.orderId, item.id, 1)
      const requested = await api.post(`/admin/orders/${order.orderId}/return`, {
        items: [{ item_id: item.id, quantity: 1 }],
        refund: 3000,
      })
      expect(requested.status).toBe(200)
      const ret = requested.body.order.returns[0]
      const received = await api.post(`/admin/returns/${ret.id}/receive`, { items: [{ item_id: item.id, quantity: 1 }], refund: 3000 })
      expect(received.status).toBe(200)
      const view = await coreOrder(order.orderId)
      expect(view).toMatchObject({ refunded_total: 5500, refundable_amount: 1500 })
      // Mollie settles refunds after answering: the ledger counts them refunded once they succeed.
      const settled = await eventually(() => summary(order.orderId), (s) => s.totals.refund_pending === 0)
      expect(settled.totals).toMatchObject({ captured: 7000, refunded: 5500, refundable: 1500, capturable: 4000 })
    })

    it("Medusa's capture route captures the rest of the open authorization through the ledger", async () => {
      const res = await api.post(`/admin/orders/${order.orderId}/capture`)
      expect(res.status).toBe(200)
      await eventually(() => corePayment(order.paymentId), (p) => p.amount === 11000)
      expect((await summary(order.orderId)).totals).toMatchObject({ captured: 11000, capturable: 0, refunded: 5500 })
      expect((await mollieOperations(ctx, order.paymentRef)).captured).toBe(11000)
      expect(await coreOrder(order.orderId)).toMatchObject({ paid_total: 11000, refunded_total: 5500, refundable_amount: 5500 })
    })
  })
})
