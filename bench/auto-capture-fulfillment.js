#!/usr/bin/env node
/**
 * (d) Capture on fulfillment, end to end: orders paid through captures-sandbox
 * (CAPTURES_SANDBOX_CAPTURE_ON=fulfillment) are fulfilled through Medusa's
 * admin API (POST /admin/orders/:id/fulfillment); each fulfillment's
 * `order.fulfillment_created` event goes through Medusa's staged jobs and the
 * Redis event bus to the plugin's subscriber, which captures at the gateway.
 *
 * Two measurements, because Medusa's own fulfillment route (about 15–25/s on
 * this machine, with or without a capture following) would otherwise be all
 * that is measured:
 * - backlog (the target): BENCH_D_ORDERS fulfillments are made while the event
 *   queue is paused (BullMQ `pause()`, as an operator would during a
 *   deploy, or as a warehouse's bulk import produces them), then the queue is
 *   resumed and the clock runs from the resume until every automatic capture is
 *   `succeeded` in the ledger: captures per second from fulfillment event to
 *   money captured at the gateway.
 * - live: BENCH_D_LIVE_ORDERS fulfillments with the queue running, the clock
 *   from the first fulfillment request until all their captures succeeded:
 *   bounded by the fulfillment route.
 *
 * Baselines, same run, same server: BENCH_D_DIRECT_ORDERS payments captured
 * directly through the plugin's route (POST /admin/payments/:id/captures), and
 * Medusa's fulfillment route alone on orders paid with `manual` (no capture).
 *
 * Env: BENCH_D_ORDERS (default 1000), BENCH_D_LIVE_ORDERS (300),
 * BENCH_D_DIRECT_ORDERS (300), BENCH_D_CEILING_ORDERS (200),
 * BENCH_D_CONCURRENCY (requests at a time, 10), BENCH_D_EVENT_CONCURRENCY
 * (events the Redis bus's BullMQ worker handles at once, EVENT_BUS_CONCURRENCY
 * in medusa-config.js, default 10; Medusa's default is 1).
 */
const { bootWorld, waitForQuietEvents } = require("./lib/world")
const { placeOrders, lineItems, pool } = require("./lib/orders")
const { summarize, table, machine, saveResult } = require("./lib/stats")
const { http } = require("../scripts/lib/seed")
const { Queue } = require("bullmq")
const Redis = require("ioredis")

const N = Number(process.env.BENCH_D_ORDERS || 1000)
const LIVE_N = Number(process.env.BENCH_D_LIVE_ORDERS || 300)
const DIRECT_N = Number(process.env.BENCH_D_DIRECT_ORDERS || 300)
const CONCURRENCY = Number(process.env.BENCH_D_CONCURRENCY || 10)
const CEILING_N = Number(process.env.BENCH_D_CEILING_ORDERS || 200)
const EVENT_CONCURRENCY = Number(process.env.BENCH_D_EVENT_CONCURRENCY || 10)
const SETTLE_TIMEOUT_MS = Number(process.env.BENCH_D_SETTLE_TIMEOUT_MS || 300000)
const WATCHDOG_MS = 40 * 60 * 1000
const TARGET_PER_SECOND = 200

const sleep = (ms) => new Promise((r) => setTimeout(r, ms))

async function fulfillAll(world, orders, items) {
  const latencies = []
  const statuses = {}
  await pool(orders.length, CONCURRENCY, async (i) => {
    const o = orders[i]
    const t0 = performance.now()
    const res = await http(world.url, "POST", `/admin/orders/${o.orderId}/fulfillment`, { items: items.get(o.orderId) }, world.authHeaders)
    latencies.push(performance.now() - t0)
    statuses[res.status] = (statuses[res.status] || 0) + 1
    if (res.status >= 300) throw new Error(`fulfillment of ${o.orderId}: HTTP ${res.status} ${JSON.stringify(res.body).slice(0, 500)}`)
  })
  return { latencies, statuses }
}

/** The automatic captures of these payments, by outcome. */
async function countSettled(world, paymentIds) {
  const { rows } = await world.pg.query(
    `SELECT count(*) FILTER (WHERE status = 'succeeded')::int AS succeeded,
            count(*) FILTER (WHERE status = 'failed')::int AS failed,
            count(*) FILTER (WHERE status IN ('requested', 'pending'))::int AS open
       FROM capture WHERE payment_id = ANY($1) AND fulfillment_id IS NOT NULL`,
    [paymentIds]
  )
  return rows[0]
}

/** Polls until every one of these payments has its automatic capture settled (or the timeout). */
async function waitSettled(world, paymentIds, onTick = () => {}) {
  const deadline = Date.now() + SETTLE_TIMEOUT_MS
  let settled = { succeeded: 0, failed: 0, open: 0 }
  while (Date.now() < deadline) {
    settled = await countSettled(world, paymentIds)
    onTick(settled)
    if (settled.succeeded + settled.failed >= paymentIds.length) return { settled, timedOut: false }
    await sleep(50)
  }
  return { settled, timedOut: true }
}

/** Per capture: fulfillment created → capture succeeded (ms), and the captures' own time span. */
async function captureTimes(world, paymentIds, since) {
  const { rows } = await world.pg.query(
    `SELECT extract(epoch FROM (c.captured_at - f.created_at)) * 1000 AS lag_ms,
            extract(epoch FROM c.captured_at) * 1000 AS at_ms, c.amount, p.amount AS authorized
       FROM capture c JOIN fulfillment f ON f.id = c.fulfillment_id JOIN payment p ON p.id = c.payment_id
      WHERE c.payment_id = ANY($1) AND c.status = 'succeeded' ORDER BY c.captured_at`,
    [paymentIds]
  )
  const at = rows.map((r) => Number(r.at_ms))
  return {
    lag: summarize(rows.map((r) => Number(r.lag_ms))),
    // since: a wall-clock start (ms); captured_at is the database's clock, on this same machine.
    sinceStart: since === undefined ? null : summarize(at.map((t) => t - since)),
    windowSeconds: at.length > 1 ? (at[at.length - 1] - at[0]) / 1000 : NaN,
    fullAmount: rows.filter((r) => Number(r.amount) === Number(r.authorized)).length,
  }
}

function simulatorCaptures(world, paymentIds) {
  const ids = new Set(paymentIds)
  return world.sandbox.state.snapshot().captures.filter((c) => c.metadata && ids.has(c.metadata.medusa_payment_id)).length
}

/** The Redis event bus's BullMQ queue (the name and prefix @medusajs/event-bus-redis gives it). */
function eventQueue(world) {
  const [prefix, ...name] = world.eventQueue.split(":")
  const connection = new Redis(world.redis, { maxRetriesPerRequest: null })
  const queue = new Queue(name.join(":"), { prefix, connection })
  return { queue, close: async () => { await queue.close(); connection.disconnect() } }
}

async function main() {
  const watchdog = setTimeout(() => {
    process.stderr.write(`watchdog: ${WATCHDOG_MS / 60000} min passed, giving up\n`)
    process.exit(2)
  }, WATCHDOG_MS)
  watchdog.unref()

  const world = await bootWorld({
    name: "auto-capture",
    env: { EVENT_BUS_CONCURRENCY: String(EVENT_CONCURRENCY) },
  })
  const log = world.log
  let bus = null
  try {
    if (!world.redis) throw new Error("this benchmark needs Redis (the event bus queue is paused and resumed)")
    bus = eventQueue(world)
    log(`placing ${N} + ${LIVE_N} + ${DIRECT_N} captures-sandbox orders and ${CEILING_N} manual orders through the store API`)
    const backlogOrders = await placeOrders(world, N, { label: "backlog" })
    const liveOrders = await placeOrders(world, LIVE_N, { label: "live" })
    const directOrders = await placeOrders(world, DIRECT_N, { label: "direct-capture" })
    const manualOrders = await placeOrders(world, CEILING_N, { provider: "manual", label: "manual (no capture)" })
    const items = await lineItems(world, [...backlogOrders, ...liveOrders, ...manualOrders].map((o) => o.orderId))
    await waitForQuietEvents(world)

    // ---- baseline: captures through the plugin's admin route
    log(`baseline: ${DIRECT_N} captures through POST /admin/payments/:id/captures, ${CONCURRENCY} at a time`)
    const direct = { latencies: [], statuses: {} }
    const d0 = performance.now()
    await pool(directOrders.length, CONCURRENCY, async (i) => {
      const t0 = performance.now()
      const res = await http(world.url, "POST", `/admin/payments/${directOrders[i].paymentId}/captures`, {}, world.authHeaders)
      direct.latencies.push(performance.now() - t0)
      direct.statuses[res.status] = (direct.statuses[res.status] || 0) + 1
    })
    const directSeconds = (performance.now() - d0) / 1000
    await waitForQuietEvents(world)

    // ---- Medusa's fulfillment route alone (manual payments: no capture follows)
    log(`ceiling: fulfilling ${CEILING_N} manual-payment orders (no capture follows)`)
    const c0 = performance.now()
    const ceiling = await fulfillAll(world, manualOrders, items)
    const ceilingSeconds = (performance.now() - c0) / 1000
    await waitForQuietEvents(world)

    // ---- live: fulfill with the queue running, until every capture succeeded
    log(`live: fulfilling ${LIVE_N} orders, ${CONCURRENCY} at a time, until all ${LIVE_N} captures succeed`)
    const livePayments = liveOrders.map((o) => o.paymentId)
    const l0 = performance.now()
    const liveFulfilled = fulfillAll(world, liveOrders, items).then((r) => ({ ...r, seconds: (performance.now() - l0) / 1000 }))
    const live = await waitSettled(world, livePayments)
    const liveSeconds = (performance.now() - l0) / 1000
    const liveFulfillment = await liveFulfilled
    const liveTimes = await captureTimes(world, livePayments)
    await waitForQuietEvents(world)

    // ---- backlog (the benchmark): fulfillments made while the queue is paused, then drained
    log(`backlog: pausing the event queue, fulfilling ${N} orders, ${CONCURRENCY} at a time`)
    const backlogPayments = backlogOrders.map((o) => o.paymentId)
    await bus.queue.pause()
    const b0 = performance.now()
    const backlogFulfillment = await fulfillAll(world, backlogOrders, items)
    const backlogFulfillSeconds = (performance.now() - b0) / 1000
    // Medusa moves staged events to the queue every 3 s: wait until all are there.
    for (let i = 0; i < 600; i++) {
      const { rows } = await world.pg.query(`SELECT count(*)::int AS n FROM staged_job`)
      if (rows[0].n === 0) break
      await sleep(100)
    }
    const queued = await bus.queue.getJobCounts("wait", "paused", "prioritized", "delayed", "active")
    const before = await countSettled(world, backlogPayments)
    if (before.succeeded + before.failed + before.open > 0) throw new Error(`captures ran while the queue was paused: ${JSON.stringify(before)}`)
    log(`backlog: ${N} fulfillments in ${backlogFulfillSeconds.toFixed(1)} s; queue holds ${JSON.stringify(queued)}; resuming`)
    const resumedAt = Date.now()
    const r0 = performance.now()
    await bus.queue.resume()
    let firstCaptureSeconds = null
    const backlog = await waitSettled(world, backlogPayments, (st) => {
      if (firstCaptureSeconds === null && st.succeeded > 0) firstCaptureSeconds = (performance.now() - r0) / 1000
    })
    const drainSeconds = (performance.now() - r0) / 1000
    const backlogTimes = await captureTimes(world, backlogPayments, resumedAt)
    const backlogSim = simulatorCaptures(world, backlogPayments)
    const liveSim = simulatorCaptures(world, livePayments)

    const rate = backlog.settled.succeeded / drainSeconds
    const liveRate = live.settled.succeeded / liveSeconds
    const directRate = direct.latencies.length / directSeconds
    const directLat = summarize(direct.latencies)
    const rows = [
      { what: `backlog: ${N} fulfillment events → ${backlog.settled.succeeded} captures succeeded (clock from queue resume)`, seconds: drainSeconds, perSecond: rate, p50: NaN, p99: NaN },
      { what: `live: ${LIVE_N} fulfillments → ${live.settled.succeeded} captures succeeded (clock from first fulfillment request)`, seconds: liveSeconds, perSecond: liveRate, p50: summarize(liveFulfillment.latencies).p50, p99: summarize(liveFulfillment.latencies).p99 },
      { what: `baseline: ${DIRECT_N} captures via POST /admin/payments/:id/captures`, seconds: directSeconds, perSecond: directRate, p50: directLat.p50, p99: directLat.p99 },
      { what: `Medusa's fulfillment route alone (${CEILING_N} manual-payment orders)`, seconds: ceilingSeconds, perSecond: CEILING_N / ceilingSeconds, p50: summarize(ceiling.latencies).p50, p99: summarize(ceiling.latencies).p99 },
      { what: `Medusa's fulfillment route, backlog's ${N} (captures-sandbox orders, queue paused)`, seconds: backlogFulfillSeconds, perSecond: N / backlogFulfillSeconds, p50: summarize(backlogFulfillment.latencies).p50, p99: summarize(backlogFulfillment.latencies).p99 },
    ]
    const ms = (v) => (Number.isFinite(v) ? v.toFixed(0) : "–")
    const report = [
      `## (d) ${N} fulfillments auto-captured end to end (captures-sandbox, captureOn "fulfillment")`,
      ``,
      `event bus: ${world.eventBus} (one BullMQ worker, concurrency ${EVENT_CONCURRENCY}${EVENT_CONCURRENCY === 1 ? ": Medusa's default" : "; Medusa's default is 1"}); ${CONCURRENCY} requests at a time; p50/p99 = latency of the HTTP requests (ms)`,
      ``,
      table(rows, [
        { key: "what", title: "run", align: "left" },
        { key: "seconds", title: "seconds", digits: 2 },
        { key: "perSecond", title: "per second", digits: 1 },
        { key: "p50", title: "request p50 ms" },
        { key: "p99", title: "request p99 ms" },
      ]),
      ``,
      `- backlog: queue held ${JSON.stringify(queued)} jobs at resume; first capture succeeded ${firstCaptureSeconds === null ? "–" : firstCaptureSeconds.toFixed(2) + " s"} after it, the last ${drainSeconds.toFixed(2)} s after it; captured_at after resume p50 ${ms(backlogTimes.sinceStart.p50)} ms, p99 ${ms(backlogTimes.sinceStart.p99)} ms`,
      `- backlog ledger: ${backlog.settled.succeeded} succeeded, ${backlog.settled.failed} failed, ${backlog.settled.open} still open${backlog.timedOut ? ` — TIMED OUT after ${SETTLE_TIMEOUT_MS / 1000} s` : ""}; ${backlogTimes.fullAmount} captured the full authorization; the simulator holds ${backlogSim} captures for these payments`,
      `- live: fulfillment requests finished after ${liveFulfillment.seconds.toFixed(2)} s (${(LIVE_N / liveFulfillment.seconds).toFixed(1)}/s), all captures settled at ${liveSeconds.toFixed(2)} s; fulfillment created → capture succeeded p50 ${ms(liveTimes.lag.p50)} ms, p99 ${ms(liveTimes.lag.p99)} ms; ledger ${JSON.stringify(live.settled)}${live.timedOut ? " — TIMED OUT" : ""}; simulator ${liveSim}`,
      `- HTTP statuses: backlog fulfillments ${JSON.stringify(backlogFulfillment.statuses)}, live fulfillments ${JSON.stringify(liveFulfillment.statuses)}, direct captures ${JSON.stringify(direct.statuses)}, manual fulfillments ${JSON.stringify(ceiling.statuses)}`,
      `- **ratio** backlog auto-capture rate / direct-capture rate (same server, same run) = ${(rate / directRate).toFixed(2)}`,
      `- target ≥ ${TARGET_PER_SECOND} captures/s from fulfillment event to captured: ${rate >= TARGET_PER_SECOND ? "met" : "MISSED"} (${rate.toFixed(1)}/s); live, bounded by Medusa's fulfillment route: ${liveRate.toFixed(1)}/s`,
    ].join("\n")
    console.log(report)
    saveResult("auto-capture-fulfillment", {
      report,
      eventBus: world.eventBus,
      orders: N,
      concurrency: CONCURRENCY,
      eventConcurrency: EVENT_CONCURRENCY,
      backlog: { seconds: drainSeconds, perSecond: rate, settled: backlog.settled, timedOut: backlog.timedOut, queued, firstCaptureSeconds, fulfillmentSeconds: backlogFulfillSeconds, times: backlogTimes, simCaptured: backlogSim },
      live: { orders: LIVE_N, seconds: liveSeconds, perSecond: liveRate, settled: live.settled, timedOut: live.timedOut, fulfillmentSeconds: liveFulfillment.seconds, times: liveTimes, simCaptured: liveSim },
      direct: { orders: DIRECT_N, seconds: directSeconds, perSecond: directRate, latency: directLat, statuses: direct.statuses },
      fulfillmentOnly: { orders: CEILING_N, seconds: ceilingSeconds, perSecond: CEILING_N / ceilingSeconds, latency: summarize(ceiling.latencies) },
      ratio: rate / directRate,
      target: { perSecond: TARGET_PER_SECOND, met: rate >= TARGET_PER_SECOND },
      machine: machine(),
    })
    const bad = (r, sim) => r.timedOut || r.settled.failed > 0 || sim !== r.settled.succeeded
    if (bad(backlog, backlogSim) || bad(live, liveSim)) process.exitCode = 1
  } finally {
    if (bus) await bus.close()
    await world.stop()
    clearTimeout(watchdog)
  }
}

main().catch((err) => {
  console.error(err)
  process.exit(1)
})
