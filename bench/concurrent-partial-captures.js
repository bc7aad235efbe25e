#!/usr/bin/env node
/**
 * (b) 64 concurrent partial captures on ONE payment (order total 110.00 EUR =
 * 11000 cents, authorized through captures-sandbox), all sent at once:
 *   fits            64 × 100  =  6400 ≤ 11000: all 64 must succeed
 *   oversubscribed  64 × 250  = 16000 > 11000: exactly 44 may succeed (44 × 250 = 11000),
 *                   the other 20 must be refused, nothing captured twice or beyond
 * Time to settle = from sending the first request until every answer is in and
 * the ledger has no capture left `requested`/`pending` for the payment.
 * Checked after each: ledger sum ≤ authorization, ledger = 2xx answers =
 * simulator's captures and amount_captured for that payment.
 *
 * Baselines, same run: 64 × 100 on 64 different payments at once (no shared
 * lock), and 64 × 100 one after another on one payment.
 *
 * Env: BENCH_B_ROUNDS (default 3), BENCH_B_CONCURRENCY (default 64; the amounts
 * scale with it: floor(6400 / K) to fit, ceil(16000 / K) to oversubscribe).
 */
const { bootWorld } = require("./lib/world")
const { placeOrders } = require("./lib/orders")
const { summarize, table, machine, saveResult } = require("./lib/stats")
const { http } = require("../scripts/lib/seed")

const ROUNDS = Number(process.env.BENCH_B_ROUNDS || 3)
const K = Number(process.env.BENCH_B_CONCURRENCY || 64)
const WATCHDOG_MS = 15 * 60 * 1000
const AUTHORIZED = 11000 // 100.00 EUR mug + 10.00 EUR shipping
// With K = 64: 100 each (6400, fits) and 250 each (16000, 44 × 250 = exactly the authorization).
const FIT_AMOUNT = Math.floor(6400 / K)
const OVER_AMOUNT = Math.ceil(16000 / K)

const sleep = (ms) => new Promise((r) => setTimeout(r, ms))

async function capture(world, paymentId, amount) {
  const t0 = performance.now()
  const res = await http(world.url, "POST", `/admin/payments/${paymentId}/captures`, { amount }, world.authHeaders)
  return { status: res.status, ms: performance.now() - t0, code: res.body && res.body.code, amount: res.body && res.body.capture && res.body.capture.amount }
}

/** The ledger's and the simulator's view of a set of payments, and whether they agree. */
async function audit(world, payments, answers) {
  const ids = payments.map((p) => p.paymentId)
  const { rows } = await world.pg.query(
    `SELECT p.id, p.amount AS authorized, p.data->>'payment_ref' AS ref,
            COALESCE(SUM(c.amount) FILTER (WHERE c.status = 'succeeded'), 0)::int AS captured,
            count(c.id) FILTER (WHERE c.status = 'succeeded')::int AS succeeded,
            count(c.id) FILTER (WHERE c.status IN ('requested', 'pending'))::int AS open,
            count(c.id) FILTER (WHERE c.status = 'failed')::int AS failed
       FROM payment p LEFT JOIN capture c ON c.payment_id = p.id
      WHERE p.id = ANY($1) GROUP BY p.id`,
    [ids]
  )
  const okAnswers = answers.filter((a) => a.status === 201)
  const sum = (xs) => xs.reduce((a, b) => a + b, 0)
  let simCaptured = 0
  let simCaptures = 0
  let overCaptured = 0
  for (const r of rows) {
    const sim = world.sandbox.state.payments.get(r.ref)
    const simAmount = sim ? sum(world.sandbox.state.capturesOf(sim).map((c) => c.amount)) : 0
    simCaptured += simAmount
    simCaptures += sim ? sim.captureIds.length : 0
    if (r.captured > r.authorized || simAmount > r.authorized) overCaptured++
  }
  const ledgerCaptured = sum(rows.map((r) => r.captured))
  return {
    authorized: sum(rows.map((r) => r.authorized)),
    ledgerCaptured,
    ledgerSucceeded: sum(rows.map((r) => r.succeeded)),
    open: sum(rows.map((r) => r.open)),
    failedRows: sum(rows.map((r) => r.failed)),
    answeredOk: okAnswers.length,
    answeredOkAmount: sum(okAnswers.map((a) => a.amount || 0)),
    refused: answers.length - okAnswers.length,
    refusedCodes: [...new Set(answers.filter((a) => a.status !== 201).map((a) => `${a.status} ${a.code}`))].join(", "),
    simCaptured,
    simCaptures,
    overCaptured,
    consistent: ledgerCaptured === simCaptured && ledgerCaptured === sum(okAnswers.map((a) => a.amount || 0)) && sum(rows.map((r) => r.succeeded)) === okAnswers.length,
  }
}

async function waitSettled(world, paymentIds) {
  for (let i = 0; i < 200; i++) {
    const { rows } = await world.pg.query(
      `SELECT count(*)::int AS n FROM capture WHERE payment_id = ANY($1) AND status IN ('requested', 'pending')`,
      [paymentIds]
    )
    if (rows[0].n === 0) return
    await sleep(10)
  }
}

async function scenario(world, payments, amount, { serial = false } = {}) {
  const targets = payments.length === 1 ? Array(K).fill(payments[0]) : payments
  const t0 = performance.now()
  let answers
  if (serial) {
    answers = []
    for (const p of targets) answers.push(await capture(world, p.paymentId, amount))
  } else {
    answers = await Promise.all(targets.map((p) => capture(world, p.paymentId, amount)))
  }
  await waitSettled(world, payments.map((p) => p.paymentId))
  const settleMs = performance.now() - t0
  return { settleMs, latency: summarize(answers.map((a) => a.ms)), audit: await audit(world, payments, answers) }
}

async function main() {
  const watchdog = setTimeout(() => {
    process.stderr.write(`watchdog: ${WATCHDOG_MS / 60000} min passed, giving up\n`)
    process.exit(2)
  }, WATCHDOG_MS)
  watchdog.unref()

  const world = await bootWorld({ name: "concurrent-partial" })
  const log = world.log
  try {
    const perRound = 3 + K
    log(`placing ${ROUNDS * perRound} orders (110.00 EUR each)`)
    const orders = await placeOrders(world, ROUNDS * perRound, { concurrency: 8 })
    await sleep(4000)

    // Warm-up: one capture on a spare payment each way, so no run pays for first-use costs.
    const warm = await placeOrders(world, 2, { label: "warm-up" })
    await capture(world, warm[0].paymentId, 100)
    await Promise.all(Array.from({ length: 8 }, () => capture(world, warm[1].paymentId, 100)))

    const names = {
      fits: `${K} concurrent × ${FIT_AMOUNT} on one payment (fits: ${K * FIT_AMOUNT} ≤ ${AUTHORIZED})`,
      over: `${K} concurrent × ${OVER_AMOUNT} on one payment (oversubscribed: ${K * OVER_AMOUNT} > ${AUTHORIZED})`,
      spread: `baseline: ${K} concurrent × ${FIT_AMOUNT} on ${K} payments`,
      serial: `baseline: ${K} × ${FIT_AMOUNT} one after another on one payment`,
    }
    const runs = { fits: [], over: [], spread: [], serial: [] }
    for (let r = 0; r < ROUNDS; r++) {
      const slice = orders.slice(r * perRound, (r + 1) * perRound)
      const plan = [
        ["spread", slice.slice(3), FIT_AMOUNT],
        ["fits", [slice[0]], FIT_AMOUNT],
        ["over", [slice[1]], OVER_AMOUNT],
        ["serial", [slice[2]], FIT_AMOUNT],
      ]
      if (r % 2 === 1) plan.reverse()
      for (const [name, payments, amount] of plan) {
        const res = await scenario(world, payments, amount, { serial: name === "serial" })
        runs[name].push(res)
        log(`round ${r + 1}/${ROUNDS} ${name}: settled in ${res.settleMs.toFixed(0)} ms, ${res.audit.answeredOk} ok / ${res.audit.refused} refused, ledger ${res.audit.ledgerCaptured}, simulator ${res.audit.simCaptured}`)
        await sleep(500)
      }
    }

    const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]
    const rows = Object.keys(runs).map((name) => {
      const rs = runs[name]
      return {
        name: names[name],
        settle: median(rs.map((r) => r.settleMs)),
        settleAll: rs.map((r) => r.settleMs.toFixed(0)).join(" / "),
        p50: median(rs.map((r) => r.latency.p50)),
        p99: median(rs.map((r) => r.latency.p99)),
        ok: rs.map((r) => r.audit.answeredOk).join(" / "),
        refused: rs.map((r) => r.audit.refused).join(" / "),
        captured: rs.map((r) => `${r.audit.ledgerCaptured}`).join(" / "),
        sim: rs.map((r) => `${r.audit.simCaptured}`).join(" / "),
        over: rs.reduce((s, r) => s + r.audit.overCaptured, 0),
        consistent: rs.every((r) => r.audit.consistent && r.audit.open === 0) ? "yes" : "NO",
        codes: [...new Set(rs.map((r) => r.audit.refusedCodes).filter(Boolean))].join(", "),
      }
    })
    const byName = Object.fromEntries(Object.keys(runs).map((n, i) => [n, rows[i]]))
    const expectOver = Math.min(K, Math.floor(AUTHORIZED / OVER_AMOUNT))
    const checks = {
      noOverCapture: rows.every((r) => r.over === 0),
      consistent: rows.every((r) => r.consistent === "yes"),
      fitsAllSucceeded: runs.fits.every((r) => r.audit.answeredOk === K && r.audit.ledgerCaptured === K * FIT_AMOUNT),
      overExactlyFull: runs.over.every((r) => r.audit.answeredOk === expectOver && r.audit.ledgerCaptured === expectOver * OVER_AMOUNT),
    }
    const ratio = byName.fits.settle / byName.spread.settle
    const report = [
      `## (b) ${K} concurrent partial captures on one payment`,
      ``,
      `${ROUNDS} rounds (order of scenarios reversed every other round); settle = first request sent → all answers in and nothing left requested/pending (ms, median of rounds); p50/p99 = per-request latency (ms, median of rounds); counts per round; event bus: ${world.eventBus}`,
      ``,
      table(rows, [
        { key: "name", title: "scenario", align: "left" },
        { key: "settle", title: "settle ms", digits: 0 },
        { key: "settleAll", title: "per round" },
        { key: "p50", title: "p50", digits: 0 },
        { key: "p99", title: "p99", digits: 0 },
        { key: "ok", title: "201" },
        { key: "refused", title: "refused" },
        { key: "captured", title: "ledger captured" },
        { key: "sim", title: "simulator captured" },
        { key: "over", title: "over-captured payments", digits: 0 },
        { key: "consistent", title: "ledger = answers = simulator" },
      ]),
      ``,
      `- refused with: ${byName.over.codes || "–"}`,
      `- **ratio** settle time, ${K} on one payment / ${K} on ${K} payments: ${ratio.toFixed(2)}×; one payment concurrent / one payment serial: ${(byName.fits.settle / byName.serial.settle).toFixed(2)}×`,
      `- over-capture: ${checks.noOverCapture ? "none" : "FOUND"}; fits → all ${K} succeeded: ${checks.fitsAllSucceeded ? "yes" : "NO"}; oversubscribed → exactly ${expectOver} succeeded and ${expectOver * OVER_AMOUNT} captured: ${checks.overExactlyFull ? "yes" : "NO"}; ledger, answers and simulator agree: ${checks.consistent ? "yes" : "NO"}`,
    ].join("\n")
    console.log(report)
    saveResult("concurrent-partial-captures", {
      report,
      eventBus: world.eventBus,
      concurrency: K,
      rounds: ROUNDS,
      scenarios: Object.fromEntries(Object.entries(runs).map(([n, rs]) => [n, rs])),
      ratio,
      checks,
      machine: machine(),
    })
    if (!Object.values(checks).every(Boolean)) process.exitCode = 1
  } finally {
    await world.stop()
    clearTimeout(watchdog)
  }
}

main().catch((err) => {
  console.error(err)
  process.exit(1)
})
