import fs from "node:fs"
import { Queue } from "bullmq"
import { adminApi } from "../helpers/api"
import { query } from "../helpers/db"
import { capturesOf, fulfill, lineItemOf } from "../helpers/fulfillment"
import { eventually } from "../helpers/mollie"
import { placeOrder, testContext } from "../helpers/store"

type Json = Record<string, any> // eslint-disable-line @typescript-eslint/no-explicit-any

/**
 * A fulfillment event that comes again (Redis redelivers it, a second worker
 * takes it, it arrives after an upgrade) is answered with the capture its
 * first delivery made, even when what was derived from it changed since (the
 * share, or the way an earlier version recorded the request): the automatic
 * capture is keyed by what the event is, not by the amount worked out from it.
 * Delivered here straight into Medusa's Redis event queue; an automatic
 * capture that fails is logged by the server (it never throws into the bus).
 */
const redisUrl = testContext().serverEnv.REDIS_URL
const describeWithRedis = redisUrl ? describe : describe.skip

describeWithRedis("a redelivered fulfillment event", () => {
  const ctx = testContext()
  const api = adminApi(ctx)
  let queue: Queue

  beforeAll(() => {
    const url = new URL(redisUrl)
    // Where @medusajs/event-bus-redis keeps its jobs: its class name as prefix, its default queue name.
    queue = new Queue("events-queue", {
      prefix: "RedisEventBusService",
      connection: { host: url.hostname, port: Number(url.port || 6379), db: Number(url.pathname.slice(1) || 0) },
    })
  })
  afterAll(async () => {
    await queue?.close()
  })

  it("is answered with the capture made, even when the recorded request differs (an earlier version's fingerprint)", async () => {
    const order = await placeOrder(ctx, { quantity: 2 })
    const item = await lineItemOf(api, order.orderId)
    const fulfillmentId = await fulfill(api, order.orderId, item.id, 1)
    const [made] = await eventually(() => capturesOf(ctx, order.paymentId), (rows) => rows.length === 1 && rows[0].status === "succeeded", 20000)
    expect(made.fulfillment_id).toBe(fulfillmentId)
    // As recorded by a version whose fingerprint held the derived share.
    await query(ctx, `UPDATE capture SET request_hash = 'recorded-by-an-earlier-version' WHERE id = $1`, [made.id])

    const jobId = `redeliver-${fulfillmentId}`
    await queue.add(
      "order.fulfillment_created",
      { eventName: "order.fulfillment_created", data: { id: order.orderId, fulfillment_id: fulfillmentId, no_notification: true } },
      { jobId, removeOnComplete: false, removeOnFail: false }
    )
    const job = await eventually(
      async () => queue.getJob(jobId),
      (j) => !!j && !!j.finishedOn,
      20000
    )
    expect(job?.finishedOn).toBeTruthy()
    // The subscriber did not report a failed automatic capture for it.
    const logged = fs
      .readFileSync(ctx.serverLogFile, "utf8")
      .split("\n")
      .filter((line) => line.includes(fulfillmentId) && /failed/i.test(line))
    expect(logged).toEqual([])
    const rows = await capturesOf(ctx, order.paymentId)
    expect(rows.map((r) => r.id)).toEqual([made.id])
    await job!.remove()
  })
})
