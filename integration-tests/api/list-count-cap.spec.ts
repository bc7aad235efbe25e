import { adminApi } from "../helpers/api"
import { placeOrder, testContext, type PlacedOrder } from "../helpers/store"

// eslint-disable-next-line @typescript-eslint/no-var-requires
const { startServer } = require("../../scripts/lib/start-server")

type Server = { url: string; stop(): Promise<void> }

/**
 * GET /admin/captures counts exactly only up to the plugin's `listCountCap`.
 * The shared test server keeps the default (10,000), which no test reaches,
 * so a second server on the same database runs with listCountCap = 2: then
 * 2 matches are "exactly 2" and 3 are "more than 2", both through the count
 * query (a full page) and where the page itself settles it (a short last
 * page, or rows reaching past the cap).
 */
describe("GET /admin/captures with listCountCap 2", () => {
  const ctx = testContext()
  let server: Server | null = null
  let three: PlacedOrder
  let two: PlacedOrder

  beforeAll(async () => {
    server = await startServer({ env: { ...ctx.serverEnv, CAPTURES_LIST_COUNT_CAP: "2" }, port: 0 })
    const shared = adminApi(ctx)
    three = await placeOrder(ctx)
    two = await placeOrder(ctx)
    for (const [order, amounts] of [
      [three, [1000, 2000, 3000]],
      [two, [1000, 2000]],
    ] as const) {
      for (const amount of amounts) {
        const res = await shared.post(`/admin/payments/${order.paymentId}/captures`, { amount })
        expect(res.status).toBe(201)
      }
    }
  })

  afterAll(async () => {
    await server?.stop()
  })

  const capped = () => adminApi({ ...ctx, medusaUrl: server!.url })

  it.each([
    ["a full page (count query)", "limit=1", 1],
    ["a short last page (counted from the page)", "limit=20", 3],
    ["a page past the end (count query)", "offset=10", 0],
    ["a page whose rows reach past the cap (counted from the page)", "offset=2&limit=1", 1],
  ])("answers the cap and count_capped for 3 matches: %s", async (_name, page, rows) => {
    const res = await capped().get(`/admin/captures?payment_id=${three.paymentId}&${page}`)
    expect(res.status).toBe(200)
    expect(res.body).toMatchObject({ count: 2, count_capped: true })
    expect(res.body.captures).toHaveLength(rows)
  })

  it.each([
    ["a full page (count query)", "limit=1", 1],
    ["a short last page (counted from the page)", "limit=20", 2],
    ["a page past the end (count query)", "offset=10", 0],
    ["a full page ending exactly at the cap (count query)", "offset=1&limit=1", 1],
  ])("answers the exact count for 2 matches: %s", async (_name, page, rows) => {
    const res = await capped().get(`/admin/captures?payment_id=${two.paymentId}&${page}`)
    expect(res.status).toBe(200)
    expect(res.body).toMatchObject({ count: 2, count_capped: false })
    expect(res.body.captures).toHaveLength(rows)
  })

  it("keeps the exact count on the shared server (default cap 10,000)", async () => {
    const res = await adminApi(ctx).get(`/admin/captures?payment_id=${three.paymentId}&limit=1`)
    expect(res.body).toMatchObject({ count: 3, count_capped: false })
  })

  it("does not cap lists that are not the paginated list", async () => {
    // GET /admin/payments/:id/captures answers all of a payment's captures, whatever the cap.
    const res = await capped().get(`/admin/payments/${three.paymentId}/captures`)
    expect(res.body.count).toBe(3)
    expect(res.body.captures).toHaveLength(3)
  })
})
