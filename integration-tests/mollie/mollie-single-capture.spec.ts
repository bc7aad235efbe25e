import { startMollieSandbox } from "../../src/sandbox/mollie"
import { adminApi } from "../helpers/api"
import { eventually, molliePayment, placeMollieOrder } from "../helpers/mollie"
import { seedStore, testContext, type PlacedOrder, type TestContext } from "../helpers/store"

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
 * A Mollie account without multiple captures (Mollie's default): a partial
 * capture releases the rest. Its own store (database, Mollie simulator, Medusa
 * with `mollie.multipleCaptures` off) beside the suite's, since servers on one
 * database must share their options; the local event bus, so the two never
 * take each other's events. Medusa's order then says what was captured.
 */
describe("Mollie single capture: Medusa's view after a partial capture", () => {
  const suite = testContext()
  let ctx: TestContext
  const started: Stoppable[] = []

  beforeAll(async () => {
    const db = await provideDatabase({ name: `captures_single_${process.pid}`, serverUrl: suite.databaseUrl })
    started.push(db)
    await runMigrations(db.url)
    const mollie = await startMollieSandbox({ multiCapture: false })
    started.push({ stop: () => mollie.close() })
    const port = await freePort()
    const server = await startServer({
      port,
      env: {
        ...suite.serverEnv,
        DATABASE_URL: db.url,
        MOLLIE_BASE_URL: mollie.url,
        MOLLIE_WEBHOOK_URL: `http://127.0.0.1:${port}/hooks/captures/mollie`,
        MOLLIE_MULTIPLE_CAPTURES: "false",
        MOLLIE_CAPTURE_ON: "manual",
        REDIS_URL: "",
      },
    })
    started.push(server)
    const admin = { email: suite.serverEnv.ADMIN_EMAIL, password: suite.serverEnv.ADMIN_PASSWORD }
    const store = await seedStore({ medusaUrl: server.url, admin, paymentProviders: ["mollie"] })
    ctx = { ...suite, ...store, medusaUrl: server.url, mollieUrl: mollie.url, databaseUrl: db.url }
  }, 240000)

  afterAll(async () => {
    for (const s of started.reverse()) await s.stop()
  })

  let order: PlacedOrder
  it("captures 25.00; once Mollie settles it, Medusa shows 25.00 paid and refundable, not the authorization", async () => {
    const api = adminApi(ctx)
    order = await placeMollieOrder(ctx)
    const res = await api.post(`/admin/payments/${order.paymentId}/captures`, { amount: 2500 })
    expect(res.status).toBe(201)
    const view = await eventually(
      async () => (await api.get(`/admin/orders/${order.orderId}`)).body.order as Json,
      (o) => o.payment_status === "captured",
      15000
    )
    expect(view).toMatchObject({ paid_total: 2500, refundable_amount: 2500, payment_status: "captured" })
    expect(view.payments[0]).toMatchObject({ amount: 2500 })
    expect(view.payments[0].captured_at).toBeTruthy()
    const totals = (await api.get(`/admin/payments/${order.paymentId}/captures`)).body.totals
    expect(totals).toMatchObject({ authorized: order.total, captured: 2500, capturable: 0, refundable: 2500 })
  })

  it("refunds through Medusa's own refund route up to what was captured, and no further", async () => {
    const api = adminApi(ctx)
    const over = await api.post(`/admin/orders/${order.orderId}/refund`, { amount: 2600, reason: "other" })
    expect(over.status).toBe(400)
    const res = await api.post(`/admin/orders/${order.orderId}/refund`, { amount: 1000, reason: "return" })
    expect(res.status).toBe(200)
    expect(res.body.order).toMatchObject({ paid_total: 2500, refunded_total: 1000, refundable_amount: 1500 })
    const settled = await eventually(
      async () => (await api.get(`/admin/payments/${order.paymentId}/captures`)).body.totals,
      (t) => t.refunded === 1000,
      15000
    )
    expect(settled).toMatchObject({ captured: 2500, refunded: 1000, refundable: 1500 })
    const mollie = await molliePayment(ctx, order.paymentRef)
    expect(mollie.amountCaptured).toMatchObject({ value: "25.00" })
  })
})
