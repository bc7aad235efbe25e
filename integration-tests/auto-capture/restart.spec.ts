import { adminApi, gatewayOperations, sandboxPayment } from "../helpers/api"
import { capturesOf, fulfill, lineItemOf } from "../helpers/fulfillment"
import { eventually } from "../helpers/mollie"
import { placeOrder, testContext } from "../helpers/store"

// eslint-disable-next-line @typescript-eslint/no-var-requires
const { startServer } = require("../../scripts/lib/start-server")

type Server = { url: string; stop(signal?: string): Promise<void> }

/**
 * A second Medusa server on the same database (and Redis) is killed right
 * after it created a fulfillment, before anything captured it, and started
 * again. Everything the ledger needs is in PostgreSQL: the fulfillment's event
 * is still delivered, its capture happens once, and nothing is captured twice.
 */
describe("a server killed in the middle of auto-capturing", () => {
  const ctx = testContext()
  let server: Server | null = null

  afterEach(async () => {
    await server?.stop()
    server = null
  })

  it("captures every fulfillment exactly once across a SIGKILL and a restart", async () => {
    server = await startServer({ env: ctx.serverEnv, port: 0 })
    const api = adminApi({ ...ctx, medusaUrl: server!.url })
    const order = await placeOrder({ ...ctx, medusaUrl: server!.url }, { quantity: 2 })
    const item = await lineItemOf(api, order.orderId)

    const f1 = await fulfill(api, order.orderId, item.id, 1)
    await eventually(() => capturesOf(ctx, order.paymentId), (rows) => rows[0]?.status === "succeeded", 20000)

    const f2 = await fulfill(api, order.orderId, item.id, 1)
    await server!.stop("SIGKILL") // its event is staged in the database, maybe not yet handed on
    server = await startServer({ env: ctx.serverEnv, port: 0 })

    const rows = await eventually(
      () => capturesOf(ctx, order.paymentId),
      (r) => r.length === 2 && r.every((c) => c.status === "succeeded"),
      30000
    )
    expect(rows.map((r) => [r.fulfillment_id, r.amount])).toEqual([
      [f1, 11000],
      [f2, 10000],
    ])
    const after = adminApi({ ...ctx, medusaUrl: server!.url })
    const totals = (await after.get(`/admin/payments/${order.paymentId}/captures`)).body.totals
    expect(totals).toMatchObject({ authorized: 21000, captured: 21000, pending: 0 })
    expect((await sandboxPayment(ctx, order.paymentRef)).amount_captured).toBe(21000)
    expect((await gatewayOperations(ctx, order.paymentRef)).captures).toHaveLength(2)
  })
})
