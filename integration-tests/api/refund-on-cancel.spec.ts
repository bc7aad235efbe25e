import { adminApi, sandboxPayment } from "../helpers/api"
import { query } from "../helpers/db"
import { placeOrder, seedStore, testContext, type TestContext } from "../helpers/store"

// eslint-disable-next-line @typescript-eslint/no-var-requires
const { provideDatabase } = require("../../scripts/lib/database")
// eslint-disable-next-line @typescript-eslint/no-var-requires
const { runMigrations } = require("../../scripts/lib/migrate")
// eslint-disable-next-line @typescript-eslint/no-var-requires
const { startServer } = require("../../scripts/lib/start-server")
// eslint-disable-next-line @typescript-eslint/no-var-requires
const { freePort } = require("../../scripts/lib/free-port")

type Json = Record<string, any> // eslint-disable-line @typescript-eslint/no-explicit-any
type Stoppable = { stop(): Promise<void> }

/**
 * `refundOnCancel: true`: Medusa's cancel of an order whose payment holds
 * captured money refunds it through the ledger first, then releases the
 * rest. Its own store (database, Medusa with the option on) beside the
 * suite's, since servers on one database must share their options; the
 * suite's sandbox gateway; the local event bus.
 */
describe("refundOnCancel: Medusa's cancel refunds what was captured, then releases the rest", () => {
  const suite = testContext()
  let ctx: TestContext
  const started: Stoppable[] = []

  beforeAll(async () => {
    const db = await provideDatabase({ name: `captures_cancel_${process.pid}`, serverUrl: suite.databaseUrl })
    started.push(db)
    await runMigrations(db.url)
    const port = await freePort()
    const server = await startServer({
      port,
      env: { ...suite.serverEnv, DATABASE_URL: db.url, CAPTURES_REFUND_ON_CANCEL: "true", CAPTURES_SANDBOX_CAPTURE_ON: "manual", REDIS_URL: "" },
    })
    started.push(server)
    const admin = { email: suite.serverEnv.ADMIN_EMAIL, password: suite.serverEnv.ADMIN_PASSWORD }
    const store = await seedStore({ medusaUrl: server.url, admin, paymentProviders: ["captures-sandbox"] })
    ctx = { ...suite, ...store, medusaUrl: server.url, databaseUrl: db.url }
  }, 240000)

  afterAll(async () => {
    for (const s of started.reverse()) await s.stop()
  })

  it("refunds the 40.00 captured (a Medusa Refund row), releases the rest, and cancels the order", async () => {
    const api = adminApi(ctx)
    const order = await placeOrder(ctx)
    expect((await api.post(`/admin/payments/${order.paymentId}/captures`, { amount: 2500 })).status).toBe(201)
    expect((await api.post(`/admin/payments/${order.paymentId}/captures`, { amount: 1500 })).status).toBe(201)

    const canceled = await api.post(`/admin/orders/${order.orderId}/cancel`)
    expect(canceled.status).toBe(200)
    expect(canceled.body.order).toMatchObject({ status: "canceled" })

    const gateway = await sandboxPayment(ctx, order.paymentRef)
    expect(gateway).toMatchObject({ amount_captured: 4000, amount_refunded: 4000, amount_capturable: 0 })
    const totals = (await api.get(`/admin/payments/${order.paymentId}/captures`)).body.totals
    expect(totals).toMatchObject({ captured: 4000, refunded: 4000, refundable: 0, capturable: 0 })
    const refunds = await query(ctx, `SELECT order_id, payment_id, amount, reason FROM refund WHERE payment_id = $1 ORDER BY amount`, [order.paymentId])
    expect(refunds).toEqual([
      { order_id: order.orderId, payment_id: order.paymentId, amount: 1500, reason: "other" },
      { order_id: order.orderId, payment_id: order.paymentId, amount: 2500, reason: "other" },
    ])
    const [payment] = await query(ctx, `SELECT amount_refunded, canceled_at FROM payment WHERE id = $1`, [order.paymentId])
    expect(payment.amount_refunded).toBe(4000)
    expect(payment.canceled_at).not.toBeNull()
    const events = (await query(ctx, `SELECT type FROM capture_event WHERE payment_id = $1 ORDER BY created_at, id`, [order.paymentId])).map(
      (e: Json) => e.type
    )
    expect(events.filter((t: string) => t === "refund.succeeded")).toHaveLength(2)
    expect(events).toContain("authorization.released")
  })

  it("an order with nothing captured is canceled as before", async () => {
    const api = adminApi(ctx)
    const order = await placeOrder(ctx)
    expect((await api.post(`/admin/orders/${order.orderId}/cancel`)).status).toBe(200)
    expect(await sandboxPayment(ctx, order.paymentRef)).toMatchObject({ amount_refunded: 0, status: "canceled" })
    expect(await query(ctx, `SELECT id FROM refund WHERE payment_id = $1`, [order.paymentId])).toEqual([])
  })
})
