import request from "supertest"
import { adminApi } from "../helpers/api"
import { ledgerFingerprint, query } from "../helpers/db"
import { eventually, mollieControl, mollieOperations, placeMollieOrder } from "../helpers/mollie"
import { testContext } from "../helpers/store"

type Json = Record<string, any> // eslint-disable-line @typescript-eslint/no-explicit-any

describe("Mollie webhooks and lost responses", () => {
  const ctx = testContext()
  const api = adminApi(ctx)
  const hook = (body: string) =>
    request(ctx.medusaUrl).post("/hooks/captures/mollie").set("content-type", "application/x-www-form-urlencoded").send(body)

  afterEach(async () => {
    await mollieControl(ctx, "DELETE", "faults")
    await mollieControl(ctx, "POST", "config", { holdWebhooks: false })
  })

  it("settles a capture whose response Mollie lost, without capturing twice", async () => {
    const order = await placeMollieOrder(ctx)
    // Mollie takes the capture, then every answer (the first and the client's retries) is lost;
    // its webhooks are held back so that our answer is given before Mollie calls.
    await mollieControl(ctx, "POST", "config", { holdWebhooks: true })
    await mollieControl(ctx, "POST", "faults", {
      faults: [{ kind: "lost_response", match: { method: "POST", path: `/v2/payments/${order.paymentRef}/captures` }, times: 3 }],
    })
    const res = await api.post(`/admin/payments/${order.paymentId}/captures`, { amount: 4000 })
    expect(res.status).toBe(202)
    expect(res.body.capture).toMatchObject({ status: "requested", amount: 4000 })
    expect(res.body.capture.message).toMatch(/outcome unknown/)
    expect((await mollieOperations(ctx, order.paymentRef)).captures).toBe(1)

    // Mollie's webhook (sent when the capture settled) makes us look the capture up by its key.
    await eventually(() => mollieOperations(ctx, order.paymentRef), (ops) => ops.captured === 4000)
    expect((await api.get(`/admin/captures/${res.body.capture.id}`)).body.capture.status).toBe("requested")
    await mollieControl(ctx, "POST", "webhooks/flush", { order: "fifo" })
    const settled = await eventually(
      async () => (await api.get(`/admin/captures/${res.body.capture.id}`)).body.capture,
      (c: Json) => c.status === "succeeded"
    )
    expect(settled.status).toBe("succeeded")
    expect(settled.gateway_capture_id).toMatch(/^cpt_/)
    expect((await mollieOperations(ctx, order.paymentRef)).captures).toBe(1)
    const totals = (await api.get(`/admin/payments/${order.paymentId}/captures`)).body.totals
    expect(totals).toMatchObject({ captured: 4000, pending: 0 })
  })

  it("changes nothing when a webhook is replayed or arrives for an unknown payment", async () => {
    const order = await placeMollieOrder(ctx)
    const { body } = await api.post(`/admin/payments/${order.paymentId}/captures`, { amount: 1500 })
    await eventually(
      async () => (await api.get(`/admin/captures/${body.capture.id}`)).body.capture,
      (c: Json) => c.status === "succeeded"
    )
    const eventsOf = async () =>
      (await query(ctx, `SELECT type FROM capture_event WHERE payment_id = $1 AND type <> 'webhook.received' ORDER BY created_at, id`, [order.paymentId])).map(
        (r) => r.type
      )
    const ledgerBefore = await query(ctx, `SELECT id, status, amount, refunded_amount FROM capture WHERE payment_id = $1`, [order.paymentId])
    const eventsBefore = await eventsOf()
    const receivedEvents = async () =>
      (await query(ctx, `SELECT count(*)::int AS n FROM capture_event WHERE payment_id = $1 AND type = 'webhook.received'`, [order.paymentId]))[0].n
    const counted = async () =>
      Number((await query(ctx, `SELECT webhooks_received FROM capture_webhook_refresh WHERE payment_id = $1`, [order.paymentId]))[0]?.webhooks_received ?? 0)
    const receivedEventsBefore = await receivedEvents()
    const countedBefore = await counted()

    for (let i = 0; i < 3; i++) expect((await hook(`id=${order.paymentRef}`)).status).toBe(200)
    expect(await query(ctx, `SELECT id, status, amount, refunded_amount FROM capture WHERE payment_id = $1`, [order.paymentId])).toEqual(ledgerBefore)
    expect(await eventsOf()).toEqual(eventsBefore)
    // Anyone can send these (the id is no secret): webhooks that change nothing add nothing to the
    // append-only trail. The payment's coalescing row counts them (the two that came within the
    // first one's refresh interval are counted when the refresh they are owed runs).
    expect(await receivedEvents()).toBe(receivedEventsBefore)
    expect(await eventually(counted, (n) => n >= countedBefore + 3)).toBeGreaterThanOrEqual(countedBefore + 3)

    const unknown = await hook("id=tr_doesnotexist1")
    expect(unknown.status).toBe(200)
    const fingerprint = await ledgerFingerprint(ctx, order.paymentId)
    expect((await hook("id=tr_doesnotexist1")).status).toBe(200)
    expect(await ledgerFingerprint(ctx, order.paymentId)).toBe(fingerprint)
  })

  it("refuses a webhook without a Mollie payment id and trusts nothing else in the body", async () => {
    expect((await hook("")).status).toBe(400)
    expect((await hook("id=cpt_123")).status).toBe(400)
    const res = await hook("id=%27%3B%20DROP%20TABLE%20capture%3B--")
    expect(res.status).toBe(400)
    expect(res.body.message).toMatch(/^id: must be a Mollie payment id/)

    // A forged "status" next to the id is ignored: the state always comes from Mollie.
    const order = await placeMollieOrder(ctx)
    const before = await ledgerFingerprint(ctx, order.paymentId)
    expect((await hook(`id=${order.paymentRef}&status=paid&amountCaptured=110.00`)).status).toBe(200)
    const after = await ledgerFingerprint(ctx, order.paymentId)
    expect(JSON.parse(after).captures).toEqual(JSON.parse(before).captures)
  })
})
