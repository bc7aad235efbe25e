#!/usr/bin/env node
/**
 * (a) The plugin's capture route against Medusa core's, with autocannon:
 *   plugin  POST /admin/payments/:id/captures   captures-sandbox payment, the sandbox
 *           simulator on loopback as the gateway (a zero-latency gateway)
 *   core    POST /admin/payments/:id/capture    `manual` payment (medusa-payment-manual)
 * Each request captures a different, freshly authorized payment of a real
 * order (placed beforehand through the store API), since core captures a
 * payment once. After a warm-up, runs alternate (core/plugin, plugin/core, …)
 * and the event bus is drained between runs. Two loads: CONNECTIONS
 * connections (ROUNDS rounds) and 1 connection (one round each).
 *
 * Throughput counts successful captures (2xx) per second; latencies are those
 * of the successful requests. Medusa core answers some concurrent captures
 * with 409 (see RESULTS.md); those are counted and shown apart.
 *
 * Env: BENCH_A_REQUESTS (per run, default 250), BENCH_A_ROUNDS (default 3),
 * BENCH_A_CONNECTIONS (default 10), BENCH_A_SERIAL_REQUESTS (default 100),
 * BENCH_A_WARMUP (default 30).
 */
const { bootWorld, serverQueryCount, waitForQuietEvents } = require("./lib/world")
const { placeOrders } = require("./lib/orders")
const { run } = require("./lib/load")
const { summarize, table, machine, saveResult } = require("./lib/stats")

const REQUESTS = Number(process.env.BENCH_A_REQUESTS || 250)
const ROUNDS = Number(process.env.BENCH_A_ROUNDS || 3)
const CONNECTIONS = Number(process.env.BENCH_A_CONNECTIONS || 10)
const SERIAL_REQUESTS = Number(process.env.BENCH_A_SERIAL_REQUESTS || 100)
const WARMUP = Number(process.env.BENCH_A_WARMUP || 30)
const WATCHDOG_MS = 40 * 60 * 1000

/** Queries the server sent to PostgreSQL, and requests the sandbox gateway received, so far. */
async function workCounters(world) {
  return { queries: await serverQueryCount(world), gateway: world.sandbox.state.requests }
}

const SIDES = {
  core: { label: "core `POST /admin/payments/:id/capture` (manual)", provider: "manual", path: (id) => `/admin/payments/${id}/capture`, body: undefined },
  plugin: { label: "plugin `POST /admin/payments/:id/captures` (captures-sandbox)", provider: "captures-sandbox", path: (id) => `/admin/payments/${id}/captures`, body: {} },
}

async function main() {
  const watchdog = setTimeout(() => {
    process.stderr.write(`watchdog: ${WATCHDOG_MS / 60000} min passed, giving up\n`)
    process.exit(2)
  }, WATCHDOG_MS)
  watchdog.unref()

  const world = await bootWorld({ name: "captures-vs-core", env: { BENCH_COUNT_QUERIES: "1" } })
  const log = world.log
  try {
    // Every run gets its own payments, plus spares for requests autocannon prepares but never sends.
    const perSide = WARMUP + CONNECTIONS + ROUNDS * (REQUESTS + CONNECTIONS) + SERIAL_REQUESTS + 1
    const payments = {}
    for (const side of Object.keys(SIDES)) {
      log(`placing ${perSide} ${SIDES[side].provider} orders`)
      payments[side] = (await placeOrders(world, perSide, { provider: SIDES[side].provider, concurrency: 8 })).map((o) => o.paymentId)
    }
    await waitForQuietEvents(world)

    const cursor = { core: 0, plugin: 0 }
    const fire = async (side, n, wantedConnections) => {
      const connections = Math.min(wantedConnections, n) // autocannon needs amount ≥ connections
      const ids = payments[side].slice(cursor[side], cursor[side] + n + connections)
      cursor[side] += n + connections
      const sent = new Set()
      const before = await workCounters(world)
      const res = await run({
        url: world.url,
        method: "POST",
        headers: world.authHeaders,
        body: SIDES[side].body,
        amount: n,
        connections,
        pathFor: (i) => {
          if (i >= ids.length) throw new Error(`${side}: more requests than payments`)
          sent.add(ids[i])
          return SIDES[side].path(ids[i])
        },
      })
      await waitForQuietEvents(world)
      const after = await workCounters(world)
      const work = Object.fromEntries(Object.keys(after).map((k) => [k, after[k] - before[k]]))
      return { ...res, sent: [...sent], work }
    }

    log(`warm-up: ${WARMUP} requests each`)
    await fire("plugin", WARMUP, CONNECTIONS)
    await fire("core", WARMUP, CONNECTIONS)

    const loads = [
      { connections: CONNECTIONS, rounds: ROUNDS, requests: REQUESTS },
      { connections: 1, rounds: 1, requests: SERIAL_REQUESTS },
    ]
    const results = []
    for (const load of loads) {
      const runs = { core: [], plugin: [] }
      for (let r = 0; r < load.rounds; r++) {
        const order = r % 2 === 0 ? ["core", "plugin"] : ["plugin", "core"]
        for (const side of order) {
          log(`${load.connections} connection(s), round ${r + 1}/${load.rounds}: ${side}, ${load.requests} requests`)
          const res = await fire(side, load.requests, load.connections)
          runs[side].push(res)
          log(`  ${res.okPerSecond.toFixed(1)} captures/s, statuses ${JSON.stringify(res.statuses)}${res.errorSamples.length ? `, e.g. ${res.errorSamples[0]}` : ""}`)
        }
      }
      const agg = {}
      for (const side of ["core", "plugin"]) {
        const ok = runs[side].flatMap((r) => r.okLatencies)
        const seconds = runs[side].reduce((a, r) => a + r.seconds, 0)
        const requests = runs[side].reduce((a, r) => a + r.latencies.length, 0)
        const statuses = {}
        const work = { queries: 0, gateway: 0 }
        for (const r of runs[side]) {
          for (const [k, v] of Object.entries(r.statuses)) statuses[k] = (statuses[k] || 0) + v
          for (const k of Object.keys(work)) work[k] += r.work[k]
        }
        const perOk = Object.fromEntries(Object.entries(work).map(([k, v]) => [k, v / Math.max(1, ok.length)]))
        agg[side] = {
          ...summarize(ok),
          requests,
          okPerSecond: ok.length / seconds,
          perRound: runs[side].map((r) => r.okPerSecond),
          statuses,
          failed: requests - ok.length,
          work: perOk,
          sent: runs[side].flatMap((r) => r.sent),
        }
      }
      results.push({ load, agg, ratio: { throughput: agg.plugin.okPerSecond / agg.core.okPerSecond, p50: agg.plugin.p50 / agg.core.p50, p99: agg.plugin.p99 / agg.core.p99 } })
    }

    // Every successful request must have captured its payment; no failed one may have.
    const sentCore = results.flatMap((r) => r.agg.core.sent)
    const sentPlugin = results.flatMap((r) => r.agg.plugin.sent)
    const { rows: coreCheck } = await world.pg.query(
      `SELECT count(*) FILTER (WHERE captured_at IS NOT NULL)::int AS captured, count(*)::int AS n FROM payment WHERE id = ANY($1)`,
      [sentCore]
    )
    const { rows: pluginCheck } = await world.pg.query(
      `SELECT count(*) FILTER (WHERE c.status = 'succeeded')::int AS succeeded, count(*)::int AS n,
              count(DISTINCT c.payment_id)::int AS payments,
              count(*) FILTER (WHERE c.amount = p.amount AND p.captured_at IS NOT NULL)::int AS whole
         FROM capture c JOIN payment p ON p.id = c.payment_id WHERE c.payment_id = ANY($1)`,
      [sentPlugin]
    )
    const coreOk = results.reduce((a, r) => a + r.agg.core.n, 0)
    const pluginOk = results.reduce((a, r) => a + r.agg.plugin.n, 0)

    const rows = []
    for (const { load, agg } of results) {
      for (const side of ["core", "plugin"]) {
        const a = agg[side]
        rows.push({
          load: `${load.connections} conn × ${load.rounds} × ${load.requests}`,
          side: SIDES[side].label,
          ok: a.n,
          failed: a.failed,
          rps: a.okPerSecond,
          rounds: a.perRound.map((x) => x.toFixed(0)).join(" / "),
          p50: a.p50,
          p90: a.p90,
          p99: a.p99,
          max: a.max,
          queries: a.work.queries,
          gateway: a.work.gateway,
        })
      }
    }
    const main = results[0]
    const report = [
      `## (a) capture route: plugin vs Medusa core`,
      ``,
      `autocannon, one fresh authorized payment per request, alternating runs after a ${WARMUP}-request warm-up each; captures/s and latencies (ms) of successful requests; event bus: ${world.eventBus}. "SQL queries" = statements (BEGIN/COMMIT included) the server sent to PostgreSQL per successful capture, counted in the server's node-postgres client, including the event subscribers the request set off; "gateway calls" = requests the sandbox simulator received per capture.`,
      ``,
      table(rows, [
        { key: "load", title: "load", align: "left" },
        { key: "side", title: "route", align: "left" },
        { key: "ok", title: "captured", digits: 0 },
        { key: "failed", title: "failed", digits: 0 },
        { key: "rps", title: "captures/s" },
        { key: "rounds", title: "per round" },
        { key: "p50", title: "p50" },
        { key: "p90", title: "p90" },
        { key: "p99", title: "p99" },
        { key: "max", title: "max" },
        { key: "queries", title: "SQL queries" },
        { key: "gateway", title: "gateway calls" },
      ]),
      ``,
      ...results.map(
        ({ load, ratio }) =>
          `- **ratio plugin/core, ${load.connections} connection(s)**: throughput ${ratio.throughput.toFixed(2)}×, p50 latency ${ratio.p50.toFixed(2)}×, p99 latency ${ratio.p99.toFixed(2)}×`
      ),
      `- target "plugin no slower than core" (${CONNECTIONS} connections): ${main.ratio.throughput >= 1 ? "met" : "MISSED"}`,
      `- core failures: ${JSON.stringify(main.agg.core.statuses)} at ${CONNECTIONS} connections, ${JSON.stringify(results[1].agg.core.statuses)} at 1`,
      `- checks: core payments with captured_at ${coreCheck[0].captured} of ${coreCheck[0].n} requested (${coreOk} answered 200); plugin ledger ${pluginCheck[0].n} captures on ${pluginCheck[0].payments} payments, ${pluginCheck[0].succeeded} succeeded, ${pluginCheck[0].whole} for the whole amount with captured_at set (${pluginOk} answered 201); sandbox simulator holds ${world.sandbox.state.captures.size} captures (incl. ${WARMUP} warm-up)`,
    ].join("\n")
    console.log(report)
    saveResult("captures-vs-core", {
      report,
      eventBus: world.eventBus,
      results: results.map(({ load, agg, ratio }) => ({
        load,
        ratio,
        core: { ...agg.core, sent: undefined },
        plugin: { ...agg.plugin, sent: undefined },
      })),
      ratio: main.ratio,
      target: { met: main.ratio.throughput >= 1 },
      machine: machine(),
    })
    // Core's 409s may still have captured (see the check line); only the plugin's numbers must agree.
    if (pluginCheck[0].succeeded !== pluginOk || pluginCheck[0].n !== pluginOk) process.exitCode = 1
  } finally {
    await world.stop()
    clearTimeout(watchdog)
  }
}

main().catch((err) => {
  console.error(err)
  process.exit(1)
})
