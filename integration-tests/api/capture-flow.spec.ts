import { adminApi, gatewayOperations, sandboxPayment } from "../helpers/api"
import { query } from "../helpers/db"
import { placeOrder, testContext, type PlacedOrder } from "../helpers/store"

/**
 * One order through its whole life over HTTP: partial capture, second capture,
 * capture of the rest, refunds — and at every step the ledger, Medusa's own
 * rows and the gateway's amounts agree.
 */
describe("capture and refund an order's payment", () => {
  const ctx = testContext()
  const api = adminApi(ctx)
  let order: PlacedOrder

  beforeAll(async () => {
    order = await placeOrder(ctx)
  })

  it("starts authorized and uncaptured", async () => {
    expect(order.total).toBe(11000)
    const res = await api.get(`/admin/payments/${order.paymentId}/captures`)
    expect(res.status).toBe(200)
    expect(res.body.captures).toEqual([])
    expect(res.body.totals).toMatchObject({ authorized: 11000, captured: 0, capturable: 11000, refundable: 0 })
  })

  let first: any // eslint-disable-line @typescript-eslint/no-explicit-any
  it("captures part of the authorization", async () => {
    const res = await api.post(`/admin/payments/${order.paymentId}/captures`, {
      amount: 2500,
      description: "first parcel",
      reference: "ERP-1001",
      reference_origin: "erp",
      metadata: { parcel: 1 },
    })
    expect(res.status).toBe(201)
    first = res.body.capture
    expect(first).toMatchObject({
      object: "capture",
      payment_id: order.paymentId,
      order_id: order.orderId,
      provider_id: "captures-sandbox",
      mode: "test",
      status: "succeeded",
      succeeded: true,
      amount: 2500,
      amount_float: 25,
      formatted_amount: "€25.00",
      currency_code: "eur",
      refunded_amount: 0,
      refund_balance: 2500,
      description: "first parcel",
      reference: "ERP-1001",
      reference_origin: "erp",
      metadata: { parcel: 1 },
      initiated_by: "admin",
    })
    expect(first.id).toMatch(/^cap_/)
    expect(first.gateway_capture_id).toMatch(/^sbx_cap_/)
    expect(first.gateway_transaction_id).toBeTruthy()
    expect(first.captured_at).toBeTruthy()
  })

  it("captures a second part, then the rest when no amount is given", async () => {
    const second = await api.post(`/admin/payments/${order.paymentId}/captures`, { amount: 4000 })
    expect(second.status).toBe(201)
    expect(second.body.capture.amount).toBe(4000)

    // Partly captured, still open: Medusa's payment shows the money captured so far.
    const [partial] = await query(ctx, `SELECT amount, captured_at FROM payment WHERE id = $1`, [order.paymentId])
    expect(partial.amount).toBe(2500 + 4000)
    expect(partial.captured_at).not.toBeNull()

    const rest = await api.post(`/admin/payments/${order.paymentId}/captures`, {})
    expect(rest.status).toBe(201)
    expect(rest.body.capture.amount).toBe(11000 - 2500 - 4000)

    const none = await api.post(`/admin/payments/${order.paymentId}/captures`, { amount: 1 })
    expect(none.status).toBe(400)
    expect(none.body.message).toMatch(/nothing left to capture/)
  })

  it("shows the payment fully captured in Medusa's own view", async () => {
    const [payment] = await query(ctx, `SELECT captured_at, amount_refunded FROM payment WHERE id = $1`, [order.paymentId])
    expect(payment.captured_at).not.toBeNull()
    const [o] = await query(ctx, `SELECT payment_status FROM "order" WHERE id = $1`, [order.orderId])
    expect(o.payment_status).toBe("captured")
    const gateway = await sandboxPayment(ctx, order.paymentRef)
    expect(gateway).toMatchObject({ amount: 11000, amount_captured: 11000, amount_capturable: 0 })
  })

  it("lists, filters and paginates captures", async () => {
    const all = await api.get(`/admin/captures?payment_id=${order.paymentId}`)
    expect(all.status).toBe(200)
    expect(all.body).toMatchObject({ count: 3, count_capped: false, limit: 20, offset: 0 })
    expect(all.body.captures.map((c: { amount: number }) => c.amount)).toEqual([4500, 4000, 2500])

    const page = await api.get(`/admin/captures?order_id=${order.orderId}&limit=2&offset=2`)
    expect(page.body).toMatchObject({ count: 3, count_capped: false, limit: 2, offset: 2 })
    expect(page.body.captures).toHaveLength(1)
    expect(page.body.captures[0].id).toBe(first.id)

    // A full first page: the total comes from the (capped) count query, not from the page.
    const firstPage = await api.get(`/admin/captures?order_id=${order.orderId}&limit=2`)
    expect(firstPage.body).toMatchObject({ count: 3, count_capped: false, limit: 2, offset: 0 })
    expect(firstPage.body.captures).toHaveLength(2)

    // Past the end: no rows, and the count still says how many there are.
    const beyond = await api.get(`/admin/captures?order_id=${order.orderId}&offset=5`)
    expect(beyond.body).toMatchObject({ captures: [], count: 3, count_capped: false, offset: 5 })

    const byStatus = await api.get(`/admin/captures?payment_id=${order.paymentId}&status=failed,pending`)
    expect(byStatus.body).toMatchObject({ captures: [], count: 0, count_capped: false })

    const byProvider = await api.get(`/admin/captures?provider_id=captures-sandbox&payment_id=${order.paymentId}&status=succeeded`)
    expect(byProvider.body.count).toBe(3)

    const since = encodeURIComponent(first.created_at)
    const range = await api.get(`/admin/captures?payment_id=${order.paymentId}&created_at[gt]=${since}`)
    expect(range.body.count).toBe(2)
    const before = await api.get(`/admin/captures?payment_id=${order.paymentId}&created_at[lte]=${since}`)
    expect(before.body.captures.map((c: { id: string }) => c.id)).toEqual([first.id])
  })

  it("updates metadata and reference, and keeps an event trail", async () => {
    const res = await api.post(`/admin/captures/${first.id}`, {
      metadata: { parcel: "", carrier: "postnl" },
      reference: "ERP-2002",
    })
    expect(res.status).toBe(200)
    expect(res.body.capture).toMatchObject({ metadata: { carrier: "postnl" }, reference: "ERP-2002", reference_origin: "erp" })

    const one = await api.get(`/admin/captures/${first.id}?expand=events,refunds`)
    expect(one.status).toBe(200)
    expect(one.body.capture.refunds).toEqual([])
    expect(one.body.capture.events.map((e: { type: string }) => e.type)).toEqual([
      "capture.requested",
      "capture.succeeded",
      "capture.updated",
    ])
    expect(one.body.capture.events[0].actor_type).toBe("admin")
    expect(one.body.capture.events[0].actor_id).toMatch(/^usr_/)
  })

  it("refunds part of a capture, then its balance", async () => {
    const part = await api.post(`/admin/captures/${first.id}/refunds`, { amount: 1000, reason: "return", note: "one mug back" })
    expect(part.status).toBe(201)
    expect(part.body.refund).toMatchObject({ status: "succeeded", amount: 1000, capture_id: first.id, reason: "return" })
    expect(part.body.refund.gateway_refund_id).toMatch(/^sbx_re_/)
    expect(part.body.capture).toMatchObject({ refunded_amount: 1000, refund_balance: 1500 })

    const over = await api.post(`/admin/captures/${first.id}/refunds`, { amount: 1501 })
    expect(over.status).toBe(400)
    expect(over.body.message).toMatch(/^amount: 1501 exceeds the refund balance/)

    const rest = await api.post(`/admin/captures/${first.id}/refunds`, {})
    expect(rest.status).toBe(201)
    expect(rest.body.refund.amount).toBe(1500)
    expect(rest.body.capture).toMatchObject({ refunded_amount: 2500, refund_balance: 0 })

    const list = await api.get(`/admin/captures/${first.id}/refunds`)
    expect(list.body.count).toBe(2)
  })

  it("lists each capture with its own refunds and events", async () => {
    const res = await api.get(`/admin/captures?payment_id=${order.paymentId}&expand=refunds,events`)
    expect(res.status).toBe(200)
    const byId = new Map(res.body.captures.map((c: any) => [c.id, c])) // eslint-disable-line @typescript-eslint/no-explicit-any
    const listed: any = byId.get(first.id) // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(listed.refunds.map((r: { amount: number }) => r.amount)).toEqual([1000, 1500])
    expect(listed).toMatchObject({ refunded_amount: 2500, refund_balance: 0 })
    expect(listed.events.map((e: { type: string }) => e.type)).toEqual([
      "capture.requested",
      "capture.succeeded",
      "capture.updated",
      "refund.requested",
      "refund.succeeded",
      "refund.requested",
      "refund.succeeded",
    ])
    for (const other of res.body.captures.filter((c: { id: string }) => c.id !== first.id)) {
      expect(other.refunds).toEqual([])
      expect(other.events.map((e: { type: string }) => e.type)).toEqual(["capture.requested", "capture.succeeded"])
      expect(other.events.every((e: { capture_id: string }) => e.capture_id === other.id)).toBe(true)
    }
    // Without expand, no refunds or events in the answer, but the balance still counts them.
    const plain = await api.get(`/admin/captures?payment_id=${order.paymentId}`)
    const plainFirst = plain.body.captures.find((c: { id: string }) => c.id === first.id)
    expect(plainFirst.refunds).toBeUndefined()
    expect(plainFirst.refund_balance).toBe(0)
  })

  it("sums it all up per order, in agreement with Medusa and the gateway", async () => {
    const res = await api.get(`/admin/orders/${order.orderId}/captures`)
    expect(res.status).toBe(200)
    expect(res.body.totals).toMatchObject({
      authorized: 11000,
      captured: 11000,
      pending: 0,
      refunded: 2500,
      capturable: 0,
      refundable: 8500,
      formatted_refundable: "€85.00",
    })
    expect(res.body.captures).toHaveLength(3)
    expect(res.body.payments).toEqual([
      expect.objectContaining({ payment_id: order.paymentId, totals: expect.objectContaining({ refunded: 2500 }) }),
    ])

    const [payment] = await query(ctx, `SELECT amount_refunded FROM payment WHERE id = $1`, [order.paymentId])
    expect(payment.amount_refunded).toBe(2500)
    const refunds = await query(ctx, `SELECT amount, reason FROM refund WHERE payment_id = $1 ORDER BY created_at`, [order.paymentId])
    expect(refunds).toEqual([
      { amount: 1000, reason: "return" },
      { amount: 1500, reason: "other" },
    ])
    const [o] = await query(ctx, `SELECT payment_status FROM "order" WHERE id = $1`, [order.orderId])
    expect(o.payment_status).toBe("partially_refunded")

    const gateway = await sandboxPayment(ctx, order.paymentRef)
    expect(gateway).toMatchObject({ amount_captured: 11000, amount_refunded: 2500 })
    const ops = await gatewayOperations(ctx, order.paymentRef)
    expect(ops.captures).toHaveLength(3)
    expect(ops.refunds).toHaveLength(2)
  })

  it("is seen by Medusa's order API the same way", async () => {
    const res = await api.get(`/admin/orders/${order.orderId}`)
    expect(res.status).toBe(200)
    expect(res.body.order).toMatchObject({ payment_status: "partially_refunded", refunded_total: 2500, paid_total: 11000 })
  })
})

describe("a currency without minor units", () => {
  it("captures yen as whole units", async () => {
    const ctx = testContext()
    const order = await placeOrder(ctx, { currency: "jpy" })
    expect(order.currency).toBe("jpy")
    const res = await adminApi(ctx).post(`/admin/payments/${order.paymentId}/captures`, { amount: 1500 })
    expect(res.status).toBe(201)
    expect(res.body.capture).toMatchObject({ amount: 1500, amount_float: 1500, formatted_amount: "¥1,500" })
    const gateway = await sandboxPayment(ctx, order.paymentRef)
    expect(gateway.amount_captured).toBe(1500)
  })
})
