import { adminApi } from "../helpers/api"
import { query } from "../helpers/db"
import { eventually, molliePayment, mollieOperations, placeMollieOrder } from "../helpers/mollie"
import { testContext, type PlacedOrder } from "../helpers/store"

type Json = Record<string, any> // eslint-disable-line @typescript-eslint/no-explicit-any

/**
 * A Mollie order end to end over HTTP: cart → Mollie payment session → the
 * shopper authorizes on the (simulated) hosted checkout → order → partial
 * captures that Mollie settles asynchronously and reports by webhook → refund →
 * Medusa's own capture and refund routes. At the end the ledger, Medusa's order
 * and Mollie's payment agree.
 */
describe("Mollie: manual capture through the ledger", () => {
  const ctx = testContext()
  const api = adminApi(ctx)
  let order: PlacedOrder

  const capture = async (id: string): Promise<Json> => (await api.get(`/admin/captures/${id}?expand=refunds,events`)).body.capture
  const settled = (id: string) => eventually(() => capture(id), (c) => c.status === "succeeded" || c.status === "failed")

  beforeAll(async () => {
    order = await placeMollieOrder(ctx)
  })

  it("creates the order from a payment the shopper authorized at Mollie", async () => {
    expect(order.paymentRef).toMatch(/^tr_/)
    const [payment] = await query(ctx, `SELECT provider_id, amount, data FROM payment WHERE id = $1`, [order.paymentId])
    expect(payment).toMatchObject({ provider_id: "mollie", amount: 11000 })
    expect(payment.data).toMatchObject({ status: "authorized", mode: "test" })
    const mollie = await molliePayment(ctx, order.paymentRef)
    expect(mollie).toMatchObject({ status: "authorized", captureMode: "manual", amount: { currency: "EUR", value: "110.00" } })
  })

  let first: Json
  it("captures part; Mollie settles it and its webhook moves the ledger to succeeded", async () => {
    const res = await api.post(`/admin/payments/${order.paymentId}/captures`, { amount: 2500, description: "parcel 1" })
    expect(res.status).toBe(201)
    expect(res.body.capture).toMatchObject({ provider_id: "mollie", amount: 2500, mode: "test" })
    expect(["pending", "succeeded"]).toContain(res.body.capture.status)
    expect(res.body.capture.gateway_capture_id).toMatch(/^cpt_/)

    first = await settled(res.body.capture.id)
    expect(first.status).toBe("succeeded")
    expect(first.events.map((e: Json) => e.type)).toEqual(expect.arrayContaining(["capture.requested", "capture.succeeded"]))
    expect(first.events.find((e: Json) => e.type === "capture.succeeded").actor_type).toBe("webhook")

    const mollie = await molliePayment(ctx, order.paymentRef)
    expect(mollie.amountCaptured).toEqual({ currency: "EUR", value: "25.00" })
  })

  it("refuses metadata Mollie could not take (its 1 kB with the plugin's own keys) before anything is written", async () => {
    const metadata = { note: "x".repeat(980) } // 991 bytes: within the plugin's 1024, beyond Mollie's once our ids are added
    const rowsBefore = await query(ctx, `SELECT count(*)::int AS n FROM capture WHERE payment_id = $1`, [order.paymentId])
    const opsBefore = await mollieOperations(ctx, order.paymentRef)
    const res = await api.post(`/admin/payments/${order.paymentId}/captures`, { amount: 1000, metadata })
    expect(res.status).toBe(400)
    expect(res.body.message).toMatch(/^metadata: is \d+ bytes as JSON as Mollie would receive it .*at most 1024/)
    expect(await query(ctx, `SELECT count(*)::int AS n FROM capture WHERE payment_id = $1`, [order.paymentId])).toEqual(rowsBefore)
    expect(await mollieOperations(ctx, order.paymentRef)).toEqual(opsBefore)
  })

  it("takes a second capture, with metadata that fits", async () => {
    const res = await api.post(`/admin/payments/${order.paymentId}/captures`, { amount: 3000, metadata: { note: "x".repeat(800) } })
    expect(res.status).toBe(201)
    expect((await settled(res.body.capture.id)).status).toBe("succeeded")
  })

  it("refunds one capture; the refund settles by webhook", async () => {
    const res = await api.post(`/admin/captures/${first.id}/refunds`, { amount: 1000, reason: "return", note: "One mug came back broken" })
    expect(res.status).toBe(201)
    expect(["pending", "succeeded"]).toContain(res.body.refund.status)
    const done = await eventually(
      () => capture(first.id),
      (c) => c.refunds[0]?.status === "succeeded"
    )
    expect(done).toMatchObject({ refunded_amount: 1000, refund_balance: 1500 })
    const mollie = await molliePayment(ctx, order.paymentRef)
    expect(mollie.amountRefunded).toEqual({ currency: "EUR", value: "10.00" })
    // Mollie requires a refund description: the operator's note is it.
    expect(mollie._embedded.refunds.map((r: Json) => r.description)).toEqual(["One mug came back broken"])
  })

  it("lets Medusa's own capture route capture the rest through the ledger", async () => {
    const res = await api.post(`/admin/orders/${order.orderId}/capture`)
    expect(res.status).toBe(200)
    // Mollie settles a capture after answering `pending`: core is told only once money moved.
    expect(["captured", "requires_action"]).toContain(res.body.order.payment_status)
    await eventually(
      async () => (await api.get(`/admin/orders/${order.orderId}`)).body.order,
      (o) => o.payment_status === "captured"
    )
    const summary = await eventually(
      async () => (await api.get(`/admin/orders/${order.orderId}/captures`)).body,
      (b) => b.totals.pending === 0
    )
    expect(summary.totals).toMatchObject({ authorized: 11000, captured: 11000, capturable: 0 })
    // The payment was partly captured (Medusa counts it captured): the rest is taken by the plugin's route in core's place.
    const rest = summary.captures.find((c: Json) => c.amount === 5500)
    expect(rest).toMatchObject({ initiated_by: "admin", status: "succeeded" })
  })

  it("lets Medusa's own refund route refund across captures", async () => {
    const res = await api.post(`/admin/orders/${order.orderId}/refund`, { amount: 6000, reason: "other" })
    expect(res.status).toBe(200)
    const summary = await eventually(
      async () => (await api.get(`/admin/orders/${order.orderId}/captures`)).body,
      (b) => b.totals.refund_pending === 0
    )
    expect(summary.totals).toMatchObject({ captured: 11000, refunded: 7000, refundable: 4000 })

    // Medusa's route passes no note: each refund is named by its ledger id and the order's display id.
    const noteless = await query(ctx, `SELECT id FROM capture_refund WHERE payment_id = $1 AND note IS NULL ORDER BY created_at, id`, [
      order.paymentId,
    ])
    expect(noteless.length).toBeGreaterThan(0)
    const mollie = await molliePayment(ctx, order.paymentRef)
    const described = mollie._embedded.refunds.map((r: Json) => r.description).slice(1)
    expect([...described].sort()).toEqual(noteless.map((r: Json) => `Refund ${r.id} of order #${order.displayId}`).sort())
  })

  it("ends with the ledger, Medusa's order and Mollie's payment in agreement", async () => {
    const ledger = (await api.get(`/admin/orders/${order.orderId}/captures`)).body.totals
    const medusa = (await api.get(`/admin/orders/${order.orderId}`)).body.order
    const mollie = await molliePayment(ctx, order.paymentRef)
    const ops = await mollieOperations(ctx, order.paymentRef)

    expect(ledger).toMatchObject({ authorized: 11000, captured: 11000, refunded: 7000, pending: 0, refund_pending: 0 })
    expect(mollie.amountCaptured.value).toBe("110.00")
    expect(mollie.amountRefunded.value).toBe("70.00")
    expect(ops).toMatchObject({ captures: 3, captured: 11000, refunded: 7000 })
    expect(medusa).toMatchObject({ paid_total: 11000, refunded_total: 7000, payment_status: "partially_refunded" })
    const [payment] = await query(ctx, `SELECT amount_refunded, captured_at FROM payment WHERE id = $1`, [order.paymentId])
    expect(payment.amount_refunded).toBe(7000)
    expect(payment.captured_at).not.toBeNull()
  })
})
