import { adminApi, gatewayOperations, sandboxPayment } from "../helpers/api"
import { query } from "../helpers/db"
import { capturesOf, fulfill, lineItemOf, redeliver, ship, stagedJobsDrained } from "../helpers/fulfillment"
import { eventually, molliePayment, placeMollieOrder } from "../helpers/mollie"
import { placeOrder, testContext } from "../helpers/store"

type Json = Record<string, any> // eslint-disable-line @typescript-eslint/no-explicit-any

/**
 * captureOn in the test server: captures-sandbox on fulfillment, mollie on
 * shipment (global-setup). Medusa's events reach the subscribers through its
 * real event machinery (staged jobs, then the Redis or local event bus).
 */
describe("capture on fulfillment and shipment", () => {
  const ctx = testContext()
  const api = adminApi(ctx)
  const settledCaptures = (paymentId: string, count: number) =>
    eventually(() => capturesOf(ctx, paymentId), (rows) => rows.length >= count && rows.every((r) => r.status === "succeeded"), 20000)

  it("captures each fulfillment's share: the first with shipping, the last the rest; a shipment adds nothing", async () => {
    const order = await placeOrder(ctx, { quantity: 3 }) // 3 × 100.00 + 10.00 shipping
    expect(order.total).toBe(31000)
    const item = await lineItemOf(api, order.orderId)

    const f1 = await fulfill(api, order.orderId, item.id, 1)
    const [first] = await settledCaptures(order.paymentId, 1)
    expect(first).toMatchObject({ amount: 10000 + 1000, fulfillment_id: f1, initiated_by: "subscriber", status: "succeeded" })

    const f2 = await fulfill(api, order.orderId, item.id, 2)
    const rows = await settledCaptures(order.paymentId, 2)
    expect(rows[1]).toMatchObject({ amount: 20000, fulfillment_id: f2, status: "succeeded" })

    await ship(api, order.orderId, f1)
    await new Promise((r) => setTimeout(r, 4000)) // an enqueuer cycle: a shipment must not capture here
    expect(await capturesOf(ctx, order.paymentId)).toHaveLength(2)

    const totals = (await api.get(`/admin/payments/${order.paymentId}/captures`)).body.totals
    expect(totals).toMatchObject({ authorized: 31000, captured: 31000, capturable: 0 })
    expect((await sandboxPayment(ctx, order.paymentRef)).amount_captured).toBe(31000)
    const [o] = await query(ctx, `SELECT payment_status FROM "order" WHERE id = $1`, [order.orderId])
    expect(o.payment_status).toBe("captured")

    // The same events delivered again, three at a time: still one capture per fulfillment.
    await redeliver(ctx, "order.fulfillment_created", { id: order.orderId, fulfillment_id: f1, no_notification: true }, 3)
    await redeliver(ctx, "order.fulfillment_created", { id: order.orderId, fulfillment_id: f2, no_notification: true }, 2)
    await stagedJobsDrained(ctx)
    await new Promise((r) => setTimeout(r, 1500))
    expect(await capturesOf(ctx, order.paymentId)).toHaveLength(2)
    expect((await gatewayOperations(ctx, order.paymentRef)).captures).toHaveLength(2)
  })

  it("counts a manual capture toward the goods fulfilled: nothing more until they are worth more, then the rest", async () => {
    const order = await placeOrder(ctx, { quantity: 3 }) // 3 × 100.00 + 10.00 shipping
    const item = await lineItemOf(api, order.orderId)
    const manual = await api.post(`/admin/payments/${order.paymentId}/captures`, { amount: 25000 })
    expect(manual.status).toBe(201)

    // The first fulfillment is worth 110.00; 250.00 was captured already: no row, no gateway call.
    await fulfill(api, order.orderId, item.id, 1)
    await stagedJobsDrained(ctx)
    await new Promise((r) => setTimeout(r, 1500))
    expect(await capturesOf(ctx, order.paymentId)).toHaveLength(1)

    // The second completes the order: it takes the 60.00 left.
    const f2 = await fulfill(api, order.orderId, item.id, 2)
    const rows = await settledCaptures(order.paymentId, 2)
    expect(rows.find((r) => r.fulfillment_id === f2)).toMatchObject({ amount: 6000, initiated_by: "subscriber", status: "succeeded" })
    const gateway = await gatewayOperations(ctx, order.paymentRef)
    expect(gateway.captures.map((c: Json) => c.amount).sort((a: number, b: number) => a - b)).toEqual([6000, 25000])
    expect((await sandboxPayment(ctx, order.paymentRef)).amount_captured).toBe(31000)
  })


  it("captures on shipment for Mollie, settled by Mollie's webhooks", async () => {
    const order = await placeMollieOrder(ctx) // 1 × 100.00 + 10.00
    const item = await lineItemOf(api, order.orderId)
    const f1 = await fulfill(api, order.orderId, item.id, 1)
    await new Promise((r) => setTimeout(r, 4000)) // fulfilled, not shipped: Mollie captures on shipment
    expect(await capturesOf(ctx, order.paymentId)).toHaveLength(0)

    await ship(api, order.orderId, f1)
    const [capture] = await settledCaptures(order.paymentId, 1)
    expect(capture).toMatchObject({ amount: 11000, fulfillment_id: f1, status: "succeeded" })
    const mollie = await molliePayment(ctx, order.paymentRef)
    expect(mollie.amountCaptured.value).toBe("110.00")
  })

  it("records a declined automatic capture with its error, lets the fulfillment stand, and retries on request", async () => {
    const order = await placeOrder(ctx, { source: "tok_capture_decline_do_not_honor" })
    const item = await lineItemOf(api, order.orderId)
    const f1 = await fulfill(api, order.orderId, item.id, 1)
    const [failed] = await eventually(() => capturesOf(ctx, order.paymentId), (rows) => rows.length === 1 && rows[0].status === "failed", 20000)
    expect(failed).toMatchObject({ fulfillment_id: f1, amount: 11000 })
    const detail = (await api.get(`/admin/captures/${failed.id}?expand=events`)).body.capture
    expect(detail).toMatchObject({ decline_code: "do_not_honor" })
    expect(detail.events.map((e: Json) => e.type)).toEqual(["capture.requested", "capture.failed"])
    const fulfillment = (await api.get(`/admin/orders/${order.orderId}`)).body.order
    expect(fulfillment.fulfillment_status).toBe("fulfilled")

    // The event again: still the one (failed) capture; no automatic retries of a decline.
    await redeliver(ctx, "order.fulfillment_created", { id: order.orderId, fulfillment_id: f1, no_notification: true })
    await stagedJobsDrained(ctx)
    await new Promise((r) => setTimeout(r, 1500))
    expect(await capturesOf(ctx, order.paymentId)).toHaveLength(1)

    // An operator retries: the gateway declines again, and the ledger shows both attempts.
    const retry = await api.post(`/admin/captures/${failed.id}/retry`)
    expect(retry.status).toBe(422)
    expect(retry.body.message).toMatch(/do_not_honor/)
    const rows = await capturesOf(ctx, order.paymentId)
    expect(rows.map((r) => [r.status, r.fulfillment_id])).toEqual([
      ["failed", f1],
      ["failed", f1],
    ])
    const notFailed = await api.post(`/admin/captures/${rows[0].id}/retry`)
    expect(notFailed.status).toBe(422) // the latest attempt is the one replayed, declined as well
  })
})
