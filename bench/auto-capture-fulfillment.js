#!/usr/bin/env node
/**
 * (d) Capture on fulfillment, end to end: N orders paid through captures-sandbox
 * (CAPTURES_SANDBOX_CAPTURE_ON=fulfillment) are fulfilled through Medusa's
 * admin API (POST /admin/orders/:id/fulfillment, CONCURRENCY at a time); the
 * clock runs from the first fulfillment request until all N automatic captures
 * are `succeeded` in the ledger.
 *
 * Baseline, same run, same server: N other orders' payments captured directly
 * through the plugin's route (POST /admin/payments/:id/captures), with the same
 * concurrency. Also measured, to show where the time goes: fulfilling orders
 * paid with Medusa's `manual` provider (no capture follows), i.e. what Medusa's
 * own fulfillment route costs.
 *
 * Env: BENCH_D_ORDERS (default 1000), BENCH_D_CONCURRENCY (default 10),
 * BENCH_D_CEILING_ORDERS (default 300), BENCH_EVENT_BUS=local to force the local bus,
 * BENCH_D_EVENT_CONCURRENCY (default 10): events the Redis bus's BullMQ worker
 * handles at once (EVENT_BUS_CONCURRENCY in medusa-config.js; Medusa's default is 1).
 */
const { bootWorld, waitForQuietEvents } = require("./lib/world")
const { placeOrders, lineItems, pool } = require("./lib/orders")
const { summarize, table, machine, saveResult } = require("./lib/stats")
const { http } = require("../scripts/lib/seed")

const N = Number(process.env.BENCH_D_ORDERS || 1000)
const CONCURRENCY = Number(process.env.BENCH_D_CONCURRENCY || 10)
const CEILING_N = Number(process.env.BENCH_D_CEILING_ORDERS || 300)
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

async function main() {
  const watchdog = setTimeout(() => {
    process.stderr.write(`watchdog: ${WATCHDOG_MS / 60000} min passed, giving up\n`)
    process.exit(2)
  }, WATCHDOG_MS)
  watchdog.unref()

  const world = await bootWorld({
    name: "auto-capture",
    useRedis: process.env.BENCH_EVENT_BUS !== "local",
    env: { EVENT_BUS_CONCURRENCY: String(EVENT_CONCURRENCY) },
  })
  const log = world.log
  try {
    log(`placing ${N} + ${N} captures-sandbox orders and ${CEILING_N} manual orders through the store API`)
    const autoOrders = await placeOrders(world, N, { label: "auto-capture" })
    const directOrders = await placeOrders(world, N, { label: "direct-capture" })
    const manualOrders = await placeOrders(world, CEILING_N, { provider: "manual", label: "manual (no capture)" })
    const items = await lineItems(world, [...autoOrders, ...manualOrders].map((o) => o.orderId))
    await waitForQuietEvents(world)

    // ---- baseline: the same number of captures through the plugin's admin route
    log(`baseline: ${N} captures through POST /admin/payments/:id/captures, ${CONCURRENCY} at a time`)
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

    // ---- the benchmark: fulfill, then wait for every automatic capture to succeed
    log(`fulfilling ${N} captures-sandbox orders, ${CONCURRENCY} at a time, until all ${N} captures succeed`)
    const autoPayments = autoOrders.map((o) => o.paymentId)
    const countSettled = async () => {
      const { rows } = await world.pg.query(
        `SELECT count(*) FILTER (WHERE status = 'succeeded')::int AS succeeded,
                count(*) FILTER (WHERE status = 'failed')::int AS failed,
                count(*) FILTER (WHERE status IN ('requested', 'pending'))::int AS open
           FROM capture WHERE payment_id = ANY($1) AND fulfillment_id IS NOT NULL`,
        [autoPayments]
      )
      return rows[0]
    }
    const f0 = performance.now()
    let fulfillmentsDone = false
    const fulfilled = fulfillAll(world, autoOrders, items).then((r) => {
      fulfillmentsDone = true
      return { ...r, seconds: (performance.now() - f0) / 1000 }
    })
    let settled = { succeeded: 0, failed: 0, open: 0 }
    let succeededWhenFulfilled = null
    let firstCaptureSeconds = null
    const deadline = Date.now() + SETTLE_TIMEOUT_MS
    while (Date.now() < deadline) {
      settled = await countSettled()
      if (firstCaptureSeconds === null && settled.succeeded > 0) firstCaptureSeconds = (performance.now() - f0) / 1000
      if (fulfillmentsDone && succeededWhenFulfilled === null) succeededWhenFulfilled = settled.succeeded
      if (settled.succeeded + settled.failed >= N) break
      await sleep(50)
    }
    const totalSeconds = (performance.now() - f0) / 1000
    const fulfillment = await fulfilled
    if (succeededWhenFulfilled === null) succeededWhenFulfilled = settled.succeeded
    const drainRate = (settled.succeeded - succeededWhenFulfilled) / Math.max(0.001, totalSeconds - fulfillment.seconds)
    const timedOut = settled.succeeded + settled.failed < N

    // Per capture: from its fulfillment's creation to the capture's success.
    const { rows: lag } = await world.pg.query(
      `SELECT extract(epoch FROM (c.captured_at - f.created_at)) * 1000 AS ms, c.amount, p.amount AS authorized
         FROM capture c JOIN fulfillment f ON f.id = c.fulfillment_id JOIN payment p ON p.id = c.payment_id
        WHERE c.payment_id = ANY($1) AND c.status = 'succeeded'`,
      [autoPayments]
    )
    // How fast the subscriber side captured once events arrived: the middle 80 % of captures over their own time span.
    const { rows: times } = await world.pg.query(
      `SELECT extract(epoch FROM captured_at) * 1000 AS t FROM capture
        WHERE payment_id = ANY($1) AND status = 'succeeded' ORDER BY captured_at`,
      [autoPayments]
    )
    const ts = times.map((r) => Number(r.t))
    const lo = Math.floor(ts.length * 0.1)
    const hi = Math.max(lo, Math.ceil(ts.length * 0.9) - 1)
    const pipelineRate = hi > lo ? (hi - lo) / ((ts[hi] - ts[lo]) / 1000) : NaN
    const captureWindowSeconds = ts.length > 1 ? (ts[ts.length - 1] - ts[0]) / 1000 : NaN
    const fullAmount = lag.filter((r) => Number(r.amount) === Number(r.authorized)).length
    const sim = world.sandbox.state.snapshot()
    const simCaptured = sim.captures.filter((c) => c.metadata && autoPayments.includes(c.metadata.medusa_payment_id)).length

    const rate = settled.succeeded / totalSeconds
    const directRate = direct.latencies.length / directSeconds
    const directLat = summarize(direct.latencies)
    const fulLat = summarize(fulfillment.latencies)
    const ceilLat = summarize(ceiling.latencies)
    const lagSum = summarize(lag.map((r) => Number(r.ms)))

    const rows = [
      {
        what: `auto-capture on fulfillment: ${N} fulfillments → ${settled.succeeded} captures succeeded`,
        seconds: totalSeconds,
        perSecond: rate,
        p50: fulLat.p50,
        p99: fulLat.p99,
      },
      {
        what: `baseline: ${N} captures via POST /admin/payments/:id/captures`,
        seconds: directSeconds,
        perSecond: directRate,
        p50: directLat.p50,
        p99: directLat.p99,
      },
      {
        what: `Medusa's fulfillment route alone (${CEILING_N} manual-payment orders)`,
        seconds: ceilingSeconds,
        perSecond: CEILING_N / ceilingSeconds,
        p50: ceilLat.p50,
        p99: ceilLat.p99,
      },
    ]
    const report = [
      `## (d) ${N} fulfillments auto-captured end to end (captures-sandbox, captureOn "fulfillment")`,
      ``,
      `event bus: ${world.eventBus}${world.redis ? ` (one BullMQ worker, concurrency ${EVENT_CONCURRENCY}${EVENT_CONCURRENCY === 1 ? ": Medusa's default" : "; Medusa's default is 1"})` : ""}; ${CONCURRENCY} requests at a time; p50/p99 = latency of the HTTP requests (ms)`,
      ``,
      table(rows, [
        { key: "what", title: "run", align: "left" },
        { key: "seconds", title: "seconds", digits: 2 },
        { key: "perSecond", title: "per second", digits: 1 },
        { key: "p50", title: "request p50 ms" },
        { key: "p99", title: "request p99 ms" },
      ]),
      ``,
      `- fulfillment requests alone finished after ${fulfillment.seconds.toFixed(2)} s (${(N / fulfillment.seconds).toFixed(1)}/s); first capture succeeded at ${firstCaptureSeconds === null ? "–" : firstCaptureSeconds.toFixed(2) + " s"}; all settled at ${totalSeconds.toFixed(2)} s`,
      `- while the fulfillment requests ran (${fulfillment.seconds.toFixed(1)} s) ${succeededWhenFulfilled} captures succeeded (${(succeededWhenFulfilled / fulfillment.seconds).toFixed(1)}/s); the other ${settled.succeeded - succeededWhenFulfilled} followed in ${(totalSeconds - fulfillment.seconds).toFixed(1)} s (${drainRate.toFixed(1)}/s) once they had finished`,
      `- captures happened over ${captureWindowSeconds.toFixed(2)} s (first to last captured_at); in their middle 80 % the subscriber captured ${pipelineRate.toFixed(1)}/s`,
      `- fulfillment created → capture succeeded, per capture: p50 ${lagSum.p50.toFixed(0)} ms, p99 ${lagSum.p99.toFixed(0)} ms, max ${lagSum.max.toFixed(0)} ms`,
      `- ledger: ${settled.succeeded} succeeded, ${settled.failed} failed, ${settled.open} still open${timedOut ? ` — TIMED OUT after ${SETTLE_TIMEOUT_MS / 1000} s` : ""}; ${fullAmount} captured the full authorization; simulator holds ${simCaptured} captures for these payments`,
      `- HTTP statuses: fulfillments ${JSON.stringify(fulfillment.statuses)}, direct captures ${JSON.stringify(direct.statuses)}, manual fulfillments ${JSON.stringify(ceiling.statuses)}`,
      `- **ratio** auto-capture rate / direct-capture rate = ${(rate / directRate).toFixed(2)}; target ≥ ${TARGET_PER_SECOND} captures/s: ${rate >= TARGET_PER_SECOND ? "met" : "MISSED"} (${rate.toFixed(1)}/s)`,
    ].join("\n")
    console.log(report)
    saveResult(world.redis ? "auto-capture-fulfillment" : "auto-capture-fulfillment-local-bus", {
      report,
      eventBus: world.eventBus,
      orders: N,
      concurrency: CONCURRENCY,
      eventConcurrency: world.redis ? EVENT_CONCURRENCY : null,
      autoCapture: { seconds: totalSeconds, perSecond: rate, settled, timedOut, firstCaptureSeconds, fulfillmentSeconds: fulfillment.seconds, captureWindowSeconds, pipelineRate, succeededWhenFulfilled, drainRate, fulfillmentLatency: fulLat, lag: lagSum, simCaptured },
      direct: { seconds: directSeconds, perSecond: directRate, latency: directLat, statuses: direct.statuses },
      fulfillmentOnly: { orders: CEILING_N, seconds: ceilingSeconds, perSecond: CEILING_N / ceilingSeconds, latency: ceilLat },
      ratio: rate / directRate,
      target: { perSecond: TARGET_PER_SECOND, met: rate >= TARGET_PER_SECOND },
      machine: machine(),
    })
    if (timedOut || settled.failed > 0 || simCaptured !== settled.succeeded) process.exitCode = 1
  } finally {
    await world.stop()
    clearTimeout(watchdog)
  }
}

main().catch((err) => {
  console.error(err)
  process.exit(1)
})
