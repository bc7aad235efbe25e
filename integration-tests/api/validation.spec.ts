import { adminApi, gatewayOperations } from "../helpers/api"
import { ledgerFingerprint, query } from "../helpers/db"
import { placeOrder, testContext, type PlacedOrder } from "../helpers/store"

/**
 * Bad input gets a 4xx in Medusa's error shape ({ type, message }) whose message
 * names the field — never a 500 — and leaves the ledger, Medusa's payment and
 * the gateway exactly as they were.
 */
describe("bad input to the capture routes", () => {
  const ctx = testContext()
  const api = adminApi(ctx)
  let order: PlacedOrder
  let captureId: string

  beforeAll(async () => {
    order = await placeOrder(ctx)
    const res = await api.post(`/admin/payments/${order.paymentId}/captures`, { amount: 1000 })
    captureId = res.body.capture.id
  })

  const cases: Array<[string, unknown, number, RegExp]> = [
    ["a negative amount", { amount: -5 }, 400, /^amount: must be greater than 0/],
    ["a zero amount", { amount: 0 }, 400, /^amount: must be greater than 0/],
    ["a fractional amount", { amount: 10.5 }, 400, /^amount: must be an integer number of minor units/],
    ["an amount as a string", { amount: "1000" }, 400, /^amount: must be an integer number of minor units/],
    ["an amount beyond int4", { amount: 2 ** 31 }, 400, /^amount: must be at most 2147483647/],
    ["an amount beyond the authorization", { amount: 10001 }, 400, /^amount: 10001 exceeds what can still be captured .*: 10000/],
    ["another currency", { amount: 100, currency_code: "usd" }, 400, /^currency_code: usd does not match the payment's currency EUR/],
    ["a currency that is no ISO code", { amount: 100, currency_code: "euro" }, 400, /^currency_code: must be a 3-letter ISO 4217 code/],
    ["a description over 255 characters", { amount: 100, description: "d".repeat(256) }, 400, /^description: must be at most 255 characters/],
    ["metadata over 1 kB", { amount: 100, metadata: { blob: "x".repeat(1100) } }, 400, /^metadata: must be at most 1024 bytes/],
    ["metadata that is not an object", { amount: 100, metadata: ["a"] }, 400, /^metadata: must be an object/],
    ["an unknown field", { amount: 100, amount_cents: 100 }, 400, /^body: unknown field\(s\) amount_cents/],
  ]

  it.each(cases)("refuses %s on POST /admin/payments/:id/captures", async (_name, body, status, message) => {
    const before = await ledgerFingerprint(ctx, order.paymentId)
    const gatewayBefore = await gatewayOperations(ctx, order.paymentRef)
    const res = await api.post(`/admin/payments/${order.paymentId}/captures`, body as object)
    expect(res.status).toBe(status)
    expect(res.body.type).toBe("invalid_data")
    expect(res.body.message).toMatch(message)
    expect(await ledgerFingerprint(ctx, order.paymentId)).toBe(before)
    expect(await gatewayOperations(ctx, order.paymentRef)).toEqual(gatewayBefore)
  })

  it("answers malformed JSON with a 400 naming the body", async () => {
    const before = await ledgerFingerprint(ctx, order.paymentId)
    const res = await api.raw
      .post(`/admin/payments/${order.paymentId}/captures`)
      .set("authorization", `Bearer ${ctx.adminToken}`)
      .set("content-type", "application/json")
      .send('{"amount": 10')
    expect(res.status).toBe(400)
    expect(res.body).toMatchObject({ type: "invalid_data", code: "invalid_json" })
    expect(res.body.message).toMatch(/^body: is not valid JSON/)
    expect(await ledgerFingerprint(ctx, order.paymentId)).toBe(before)
  })

  it("answers 404 for an unknown payment, capture or order", async () => {
    const payment = await api.post(`/admin/payments/pay_does_not_exist/captures`, { amount: 100 })
    expect(payment.status).toBe(404)
    expect(payment.body).toMatchObject({ type: "not_found", message: "Payment with id pay_does_not_exist was not found" })
    expect((await api.get(`/admin/payments/pay_does_not_exist/captures`)).status).toBe(404)
    expect((await api.get(`/admin/captures/cap_nope`)).status).toBe(404)
    expect((await api.post(`/admin/captures/cap_nope`, { reference: "x" })).status).toBe(404)
    expect((await api.post(`/admin/captures/cap_nope/refunds`, { amount: 1 })).status).toBe(404)
    expect((await api.get(`/admin/orders/order_nope/captures`)).status).toBe(404)
  })

  const refundCases: Array<[string, unknown, RegExp]> = [
    ["a negative amount", { amount: -1 }, /^amount: must be greater than 0/],
    ["a fractional amount", { amount: 0.5 }, /^amount: must be an integer/],
    ["more than the capture", { amount: 1001 }, /^amount: 1001 exceeds the refund balance of capture .*: 1000 of 1000/],
    ["a reason Medusa does not know", { amount: 1, reason: "because" }, /^reason: Invalid enum value/],
  ]

  it.each(refundCases)("refuses %s on POST /admin/captures/:id/refunds", async (_name, body, message) => {
    const before = await ledgerFingerprint(ctx, order.paymentId)
    const res = await api.post(`/admin/captures/${captureId}/refunds`, body as object)
    expect(res.status).toBe(400)
    expect(res.body.message).toMatch(message)
    expect(await ledgerFingerprint(ctx, order.paymentId)).toBe(before)
  })

  it.each([
    ["status=done", /^status\.0: must be one of requested, pending, succeeded, failed/],
    ["limit=0", /^limit: /],
    ["limit=500", /^limit: /],
    ["offset=-1", /^offset: /],
    ["created_at[gt]=yesterday", /^created_at\.gt: must be an ISO 8601 date/],
    ["expand=payment", /^expand: can only be refunds, events/],
    ["colour=red", /^query: unknown field\(s\) colour/],
  ])("refuses GET /admin/captures?%s", async (qs, message) => {
    const res = await api.get(`/admin/captures?${qs}`)
    expect(res.status).toBe(400)
    expect(res.body.message).toMatch(message)
  })

  it("refuses oversized metadata and unknown fields on update", async () => {
    const before = await ledgerFingerprint(ctx, order.paymentId)
    const big = await api.post(`/admin/captures/${captureId}`, { metadata: { blob: "y".repeat(2000) } })
    expect(big.status).toBe(400)
    expect(big.body.message).toMatch(/^metadata: /)
    const status = await api.post(`/admin/captures/${captureId}`, { status: "succeeded" })
    expect(status.status).toBe(400)
    expect(status.body.message).toMatch(/unknown field\(s\) status/)
    expect(await ledgerFingerprint(ctx, order.paymentId)).toBe(before)
  })
})

describe("captures on payments that cannot be captured", () => {
  const ctx = testContext()
  const api = adminApi(ctx)

  it("refuses a capture on a canceled payment and changes nothing", async () => {
    const order = await placeOrder(ctx)
    const cancel = await api.post(`/admin/orders/${order.orderId}/cancel`)
    expect(cancel.status).toBe(200)
    const [payment] = await query(ctx, `SELECT canceled_at FROM payment WHERE id = $1`, [order.paymentId])
    expect(payment.canceled_at).not.toBeNull()

    const before = await ledgerFingerprint(ctx, order.paymentId)
    const res = await api.post(`/admin/payments/${order.paymentId}/captures`, { amount: 100 })
    expect(res.status).toBe(400)
    expect(res.body).toMatchObject({ type: "not_allowed", code: "payment_canceled" })
    expect(res.body.message).toMatch(/is canceled/)
    expect(await ledgerFingerprint(ctx, order.paymentId)).toBe(before)
    expect((await gatewayOperations(ctx, order.paymentRef)).captures).toHaveLength(0)
  })

  it("refuses a capture on a payment that was never authorized at the gateway", async () => {
    const order = await placeOrder(ctx)
    // A payment row whose processor data does not say "authorized" (e.g. one left
    // by a provider flow that never completed authorization).
    await query(ctx, `UPDATE payment SET data = data || '{"status":"requires_more"}' WHERE id = $1`, [order.paymentId])
    const res = await api.post(`/admin/payments/${order.paymentId}/captures`, { amount: 100 })
    expect(res.status).toBe(400)
    expect(res.body).toMatchObject({ type: "not_allowed", code: "payment_not_authorized" })
    expect(res.body.message).toMatch(/is not authorized at the gateway \(status: requires_more\)/)
  })

  it("records a gateway decline on the ledger and answers 422 with its reason", async () => {
    const order = await placeOrder(ctx, { source: "tok_capture_decline_insufficient_funds" })
    const res = await api.post(`/admin/payments/${order.paymentId}/captures`, { amount: 500 })
    expect(res.status).toBe(422)
    expect(res.body.type).toBe("payment_authorization_error")
    expect(res.body.message).toMatch(/was declined by the gateway: .*\(decline_code: insufficient_funds\)/)

    const rows = await query(ctx, `SELECT status, decline_code, error_code, message FROM capture WHERE payment_id = $1`, [order.paymentId])
    expect(rows).toHaveLength(1)
    expect(rows[0]).toMatchObject({ status: "failed", decline_code: "insufficient_funds" })
    expect(rows[0].message).toBeTruthy()
    const totals = (await api.get(`/admin/payments/${order.paymentId}/captures`)).body.totals
    expect(totals).toMatchObject({ captured: 0, pending: 0, capturable: order.total })
  })
})
