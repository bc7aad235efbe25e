import { Pool } from "pg"
import request from "supertest"
import { WEBHOOK_MIN_INTERVAL_MS, WebhookCoalescer, type Queryable } from "../../src/services/ledger/webhook-coalescing"
import { adminApi } from "../helpers/api"
import { query } from "../helpers/db"
import { eventually, mollieControl, mollieOperations, placeMollieOrder } from "../helpers/mollie"
import { testContext, type PlacedOrder } from "../helpers/store"

// eslint-disable-next-line @typescript-eslint/no-var-requires
const { startServer } = require("../../scripts/lib/start-server")

type Json = Record<string, any> // eslint-disable-line @typescript-eslint/no-explicit-any

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

/** Runs `work` for every item, `width` at a time. */
async function inWaves<T>(items: T[], width: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < items.length) await work(items[next++])
    })
  )
}

/**
 * Mollie's webhook is unsigned and the `tr_…` id is seen by the shopper, so anyone can call
 * it for a payment as often as they like. 1,000 calls must not become 1,000 rounds of Mollie
 * lookups and 1,000 rows in the append-only trail, on one server or several (the coalescing
 * state is in the database), and a change at Mollie during the storm must still be picked up.
 */
describe("Mollie webhook storm: coalesced, bounded, recorded once", () => {
  const ctx = testContext()
  const api = adminApi(ctx)
  // A second Medusa server on the same database and Mollie, as stores run several. Without Redis:
  // its own event bus and no scheduled jobs, so it never takes the first server's events.
  let second: { url: string; stop(): Promise<void> }

  beforeAll(async () => {
    second = await startServer({ env: { ...ctx.serverEnv, REDIS_URL: "" } })
  }, 180_000)

  afterAll(async () => {
    await mollieControl(ctx, "POST", "webhooks/flush", { order: "fifo" })
    await mollieControl(ctx, "POST", "config", { holdWebhooks: false, captureDelayMs: 50 })
    await second?.stop()
  })

  const hook = (server: string, ref: string) =>
    request(server).post("/hooks/captures/mollie").set("content-type", "application/x-www-form-urlencoded").send(`id=${ref}`)

  const countEvents = async (paymentId: string): Promise<Record<string, number>> => {
    const rows = await query(ctx, `SELECT type, count(*)::int AS n FROM capture_event WHERE payment_id = $1 GROUP BY type`, [paymentId])
    return Object.fromEntries(rows.map((r) => [r.type, r.n]))
  }
  const total = (counts: Record<string, number>) => Object.values(counts).reduce((a, b) => a + b, 0)

  it("1,000 webhooks (50 at a time, across two servers) while a capture is pending: it settles once, Mollie is asked about once a second, the trail grows by two rows", async () => {
    const order: PlacedOrder = await placeMollieOrder(ctx)
    // Mollie settles the capture 1 s after taking it, in the middle of the storm; its own
    // webhook is held back, so only the storm (and what the coalescing owes it) can tell the ledger.
    // (Soon enough that the reconciler job, which looks at rows pending for 3 s, stays out of it.)
    await mollieControl(ctx, "POST", "config", { holdWebhooks: true, captureDelayMs: 1000 })
    const created = await api.post(`/admin/payments/${order.paymentId}/captures`, { amount: 4000 })
    expect(created.status).toBe(201)
    expect(created.body.capture).toMatchObject({ status: "pending", gateway_capture_id: expect.stringMatching(/^cpt_/) })
    const captureId = created.body.capture.id

    const requestsBefore = (await mollieOperations(ctx, order.paymentRef)).requests
    const eventsBefore = await countEvents(order.paymentId)
    const servers = [ctx.medusaUrl, second.url]
    const statuses: Record<number, number> = {}
    let sent = 0
    const fire = async (i: number) => {
      const res = await hook(servers[i % 2], order.paymentRef)
      statuses[res.status] = (statuses[res.status] ?? 0) + 1
      sent += 1
    }

    const started = Date.now()
    // Half before Mollie settles the capture, half after: the storm straddles the change.
    await inWaves(Array.from({ length: 500 }, (_, i) => i), 50, fire)
    await eventually(() => mollieOperations(ctx, order.paymentRef), (ops) => ops.captured === 4000)
    await inWaves(Array.from({ length: 500 }, (_, i) => 500 + i), 50, fire)
    const stormMs = Date.now() - started

    // No webhook comes after the storm: the ledger learns of the change from a refresh the storm is owed.
    const capture = await eventually(
      async () => (await api.get(`/admin/captures/${captureId}`)).body.capture as Json,
      (c) => c.status === "succeeded",
      10_000
    )
    const settledMs = Date.now() - started
    // Let any refresh still owed run, then count.
    await sleep(3 * WEBHOOK_MIN_INTERVAL_MS)
    const ops = await mollieOperations(ctx, order.paymentRef)
    const requests = ops.requests - requestsBefore
    const eventsAfter = await countEvents(order.paymentId)
    const added = total(eventsAfter) - total(eventsBefore)
    const [row] = await query(ctx, `SELECT * FROM capture_webhook_refresh WHERE payment_id = $1`, [order.paymentId])
    console.log(
      `webhook storm: ${sent} webhooks in ${stormMs} ms (answers ${JSON.stringify(statuses)}), capture settled after ${settledMs} ms; ` +
        `Mollie requests for the payment: ${requests}; capture_event rows added: ${added} ${JSON.stringify(eventsAfter)}`
    )

    expect(statuses).toEqual({ 200: 1000 })
    // Settled exactly once, by a webhook's refresh (not the reconciler), and captured once at Mollie.
    expect(capture.status).toBe("succeeded")
    expect(ops).toMatchObject({ captures: 1, captured: 4000 })
    const succeeded = await query(ctx, `SELECT actor_type FROM capture_event WHERE capture_id = $1 AND type = 'capture.succeeded'`, [captureId])
    expect(succeeded).toEqual([{ actor_type: "webhook" }])
    // The bound: refreshes of a payment start at least WEBHOOK_MIN_INTERVAL_MS apart across both
    // servers, each asks Mollie once here (one pending capture, known by its id), and once the
    // capture settled nothing is left to ask about. So at most one request per interval while the
    // capture was unsettled, plus the first. (The reconciler job, which looks at rows older than
    // 3 s every 2 s, may add one per 2 s on a slow machine.)
    const bound = Math.floor(settledMs / WEBHOOK_MIN_INTERVAL_MS) + 1 + Math.floor(settledMs / 2000)
    expect({ requests, withinBound: requests <= bound }).toEqual({ requests, withinBound: true })
    expect(requests).toBeLessThanOrEqual(15)
    // Two rows: capture.succeeded, and the one webhook.received of the refresh that settled it.
    expect(added).toBeLessThanOrEqual(2)
    expect((eventsAfter["webhook.received"] ?? 0) - (eventsBefore["webhook.received"] ?? 0)).toBeLessThanOrEqual(1)
    // Every webhook is still counted, in the payment's coalescing row (updated in place).
    expect(row).toMatchObject({ refresh_requested: false, lease_owner: null, webhooks_received: expect.anything() })
    expect(Number(row?.webhooks_received)).toBeGreaterThanOrEqual(1000)
  })

  it("two coalescers on one database (two servers' memory): never two refreshes at once, an interval apart, and a change during a refresh is refreshed again", async () => {
    const pool = new Pool({ connectionString: ctx.databaseUrl, max: 8 })
    const db: Queryable = { query: async (sql, params) => (await pool.query(sql, params)).rows }
    try {
      // A payment of the store (the coalescing row belongs to it). Mollie's own webhooks for it are
      // held, so the servers never refresh it: only the two coalescers below do.
      await mollieControl(ctx, "POST", "config", { holdWebhooks: true })
      const order = await placeMollieOrder(ctx)
      const interval = 300
      const servers = [new WebhookCoalescer(db, { minIntervalMs: interval }), new WebhookCoalescer(db, { minIntervalMs: interval })]
      // What "Mollie" says; a refresh reads it when it starts, then takes a while.
      let gatewayState = 0
      let running = 0
      let maxRunning = 0
      const refreshes: Array<{ start: number; saw: number }> = []
      const refresh = async () => {
        running += 1
        maxRunning = Math.max(maxRunning, running)
        refreshes.push({ start: Date.now(), saw: gatewayState })
        await sleep(120)
        running -= 1
        return 0
      }
      const receive = (i: number) => servers[i % 2].receive(`mollie:${order.paymentRef}`, async () => order.paymentId, refresh)
      const idle = () => eventually(async () => servers.every((s) => s.busy === 0), (done) => done, 10_000)

      const started = Date.now()
      const receipts = await Promise.all(
        Array.from({ length: 1000 }, async (_, i) => {
          await sleep(Math.floor(i / 50) * 20) // 50 at a time, 20 ms apart: the storm lasts about 400 ms
          if (i === 600) gatewayState = 1
          return receive(i)
        })
      )
      await idle()
      const elapsed = Date.now() - started
      expect(receipts.every((r) => r.known)).toBe(true)
      expect(maxRunning).toBe(1)
      const gaps = refreshes.slice(1).map((r, i) => r.start - refreshes[i].start)
      // The database's clock decides; a few ms of difference between it and this process's.
      expect(Math.min(...gaps)).toBeGreaterThanOrEqual(interval - 50)
      expect(refreshes.length).toBeLessThanOrEqual(Math.ceil(elapsed / interval) + 1)
      expect(refreshes.length).toBeLessThan(10)
      // The change came mid-storm: the last refresh read it.
      expect(refreshes[refreshes.length - 1].saw).toBe(1)

      // One webhook during a refresh, on the other server, and none after: one more refresh follows.
      await sleep(interval)
      refreshes.length = 0
      const first = receive(0)
      await eventually(async () => refreshes.length, (n) => n === 1)
      gatewayState = 2 // changed at Mollie after the refresh under way read it
      const during = await receive(1)
      expect(during).toMatchObject({ known: true, coalesced: true })
      await first
      await idle()
      expect(refreshes.map((r) => r.saw)).toEqual([1, 2])

      const [row] = (await pool.query(`SELECT * FROM capture_webhook_refresh WHERE payment_id = $1`, [order.paymentId])).rows
      expect(row).toMatchObject({ refresh_requested: false, lease_owner: null, lease_until: null })
    } finally {
      await pool.end()
    }
  })
})
