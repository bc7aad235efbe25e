#!/usr/bin/env node
/**
 * (c) GET /admin/captures, filtered and paginated, with 1,000,000 rows in the
 * capture table: p50/p99 per filter combination, target p99 < 20 ms.
 *
 * The rows are made with SQL generate_series in the shape the ledger has in
 * production, with every constraint and trigger of the migration in force:
 * - 250,000 orders and their payments (110.00 EUR, authorized), cloned in SQL
 *   from a real order placed through the store API (same customer, region,
 *   addresses; cart_id left empty), so payment_id/order_id are valid keys;
 * - 4 captures per payment (amounts 10.00–27.50 EUR, within the authorization,
 *   as the trigger demands), 85 % succeeded, 7 % failed, 5 % pending, 3 % requested;
 *   providers by payment: 50 % captures-sandbox, 30 % mollie, 20 % clover;
 * - created_at spread over the last 365 days (payments evenly, their captures
 *   up to 18 h apart); 2 % of succeeded captures half refunded (capture_refund rows);
 * - plus the captures of 20 real orders made through the plugin's route.
 * Then VACUUM ANALYZE (as autovacuum would have done on a live table).
 *
 * Baseline, same run: the same combinations when the table holds the first
 * 20,000 of those rows (first 7 days), measured before the rest is inserted.
 *
 * The scheduled reconciler is switched off (CAPTURES_RECONCILE_SCHEDULE far
 * away): the synthetic requested/pending rows have no gateway counterpart.
 *
 * The list answers `count` exactly up to the plugin's listCountCap (set here
 * to BENCH_C_COUNT_CAP) and the cap with `count_capped: true` beyond it; a short
 * last page is counted from the page, without a count query.
 *
 * Env: BENCH_C_ROWS (default 1000000), BENCH_C_REQUESTS (per combination, default 1000),
 * BENCH_C_COUNT_CAP (default 10000, the plugin's default).
 */
const { bootWorld } = require("./lib/world")
const { placeOrders } = require("./lib/orders")
const { summarize, table, machine, saveResult } = require("./lib/stats")
const { http } = require("../scripts/lib/seed")

const ROWS = Number(process.env.BENCH_C_ROWS || 1000000)
const BASELINE_ROWS = Number(process.env.BENCH_C_BASELINE_ROWS || 20000)
// 1000: with 200 the p99 is the second-slowest request, i.e. one noisy moment of the machine.
const REQUESTS = Number(process.env.BENCH_C_REQUESTS || 1000)
const COUNT_CAP = Number(process.env.BENCH_C_COUNT_CAP || 10000)
const PAGE_LIMIT = 20
const WARMUP = 20
const PER_COMBO_MAX_MS = 60000
const CAPTURES_PER_PAYMENT = 4
const CHUNK_PAYMENTS = 25000
const TARGET_P99_MS = 20
const WATCHDOG_MS = 40 * 60 * 1000
const DAY_MS = 24 * 3600 * 1000

const pad = (n, w) => String(n).padStart(w, "0")
const payId = (p) => `pay_bench${pad(p, 7)}`
const orderId = (p) => `order_bench${pad(p, 7)}`
const rand = (n) => 1 + Math.floor(Math.random() * n)

/**
 * Inserts synthetic payments [from, to] (and their orders, captures, refunds).
 * Capture g belongs to payment ceil(g / 4).
 */
async function insertPayments(pg, from, to, template, totalPayments) {
  const client = await pg.connect()
  try {
    await client.query("BEGIN")
    await client.query(
      `INSERT INTO "order" (id, status, fulfillment_status, payment_status, customer_id, email,
                            billing_address_id, shipping_address_id, region_id, currency_code, tax_rate,
                            sales_channel_id, no_notification, created_at, updated_at)
       SELECT 'order_bench' || lpad(p::text, 7, '0'), 'pending', 'not_fulfilled', 'awaiting', o.customer_id, o.email,
              o.billing_address_id, o.shipping_address_id, o.region_id, o.currency_code, o.tax_rate,
              o.sales_channel_id, o.no_notification, t.at, t.at
         FROM generate_series($1::int, $2::int) p
         CROSS JOIN (SELECT * FROM "order" WHERE id = $3) o
         CROSS JOIN LATERAL (SELECT now() - interval '365 days' + (p - 1) * (interval '365 days' / $4::int) AS at) t`,
      [from, to, template.order_id, totalPayments]
    )
    await client.query(
      `INSERT INTO payment (id, order_id, amount, currency_code, amount_refunded, provider_id, data, created_at, updated_at)
       SELECT 'pay_bench' || lpad(p::text, 7, '0'), 'order_bench' || lpad(p::text, 7, '0'), 11000, 'eur', 0,
              CASE WHEN abs(hashint4(p + 7)) % 10 < 5 THEN 'captures-sandbox' WHEN abs(hashint4(p + 7)) % 10 < 8 THEN 'mollie' ELSE 'clover' END,
              jsonb_build_object('status', 'authorized', 'amount', 11000, 'currency_code', 'eur', 'mode', 'test',
                                 'payment_ref', 'bench_' || p),
              t.at, t.at
         FROM generate_series($1::int, $2::int) p
         CROSS JOIN LATERAL (SELECT now() - interval '365 days' + (p - 1) * (interval '365 days' / $3::int) AS at) t`,
      [from, to, totalPayments]
    )
    await client.query(
      `INSERT INTO capture (id, payment_id, order_id, provider_id, mode, status, amount, currency_code, refunded_amount,
                            description, gateway_capture_id, gateway_transaction_id, message, error_code, decline_code,
                            idempotency_key, request_hash, initiated_by, captured_at, created_at, updated_at)
       SELECT 'cap_bench' || lpad(g::text, 8, '0'), p.id, p.order_id, p.provider_id, 'test', s.status, a.amount, 'eur',
              CASE WHEN s.status = 'succeeded' AND g % 50 = 0 THEN a.amount / 2 ELSE 0 END,
              CASE WHEN g % 3 = 0 THEN 'Fulfillment ful_bench' || g ELSE NULL END,
              CASE WHEN s.status = 'succeeded' THEN 'gw_cap_' || md5(g::text) END,
              CASE WHEN s.status = 'succeeded' THEN 'txn_' || md5(g::text) END,
              CASE WHEN s.status = 'failed' THEN 'Your card has insufficient funds.' END,
              CASE WHEN s.status = 'failed' THEN 'card_declined' END,
              CASE WHEN s.status = 'failed' THEN 'insufficient_funds' END,
              'cap_bench' || lpad(g::text, 8, '0'), md5('cap_bench' || g), CASE WHEN g % 3 = 0 THEN 'subscriber' ELSE 'admin' END,
              CASE WHEN s.status = 'succeeded' THEN t.at + interval '1 second' END, t.at, t.at + interval '1 second'
         FROM generate_series(($1::int - 1) * ${CAPTURES_PER_PAYMENT} + 1, $2::int * ${CAPTURES_PER_PAYMENT}) g
         CROSS JOIN LATERAL (SELECT ceil(g / ${CAPTURES_PER_PAYMENT}.0)::int AS n) pn
         JOIN payment p ON p.id = 'pay_bench' || lpad(pn.n::text, 7, '0')
         CROSS JOIN LATERAL (SELECT abs(hashint4(g)) % 100 AS h) hh
         CROSS JOIN LATERAL (SELECT CASE WHEN hh.h < 85 THEN 'succeeded' WHEN hh.h < 92 THEN 'failed'
                                         WHEN hh.h < 97 THEN 'pending' ELSE 'requested' END AS status) s
         CROSS JOIN LATERAL (SELECT (1000 + (g::bigint * 31) % 1751)::int AS amount) a
         CROSS JOIN LATERAL (SELECT p.created_at + ((g - 1) % ${CAPTURES_PER_PAYMENT}) * interval '6 hours'
                                    + ((g::bigint * 104729) % 3600) * interval '1 second' AS at) t
        ORDER BY g`,
      [from, to]
    )
    await client.query(
      `INSERT INTO capture_refund (id, capture_id, payment_id, status, amount, currency_code, gateway_refund_id, reason,
                                   idempotency_key, request_hash, initiated_by, refunded_at, created_at, updated_at)
       SELECT 'caprf_' || c.id, c.id, c.payment_id, 'succeeded', c.refunded_amount, c.currency_code, 'gw_re_' || md5(c.id),
              'return', 'caprf_' || c.id, md5('caprf_' || c.id), 'admin',
              c.created_at + interval '3 days', c.created_at + interval '3 days', c.created_at + interval '3 days'
         FROM capture c
        WHERE c.refunded_amount > 0 AND c.id >= $1 AND c.id <= $2`,
      [`cap_bench${pad((from - 1) * CAPTURES_PER_PAYMENT + 1, 8)}`, `cap_bench${pad(to * CAPTURES_PER_PAYMENT, 8)}`]
    )
    await client.query("COMMIT")
  } catch (err) {
    await client.query("ROLLBACK").catch(() => {})
    throw err
  } finally {
    client.release()
  }
}

/** The filter combinations; `query()` builds one request's query string from what the table holds. */
function combos(bounds) {
  const anyDay = () => {
    const start = bounds.min + Math.random() * Math.max(0, bounds.max - bounds.min - DAY_MS)
    return [new Date(start).toISOString(), new Date(start + DAY_MS).toISOString()]
  }
  return [
    { name: "payment_id", query: () => `payment_id=${payId(rand(bounds.payments))}` },
    { name: "order_id", query: () => `order_id=${orderId(rand(bounds.payments))}` },
    { name: "status=succeeded & provider_id=captures-sandbox", query: () => `status=succeeded&provider_id=captures-sandbox` },
    { name: "status=requested,pending & provider_id=mollie", query: () => `status=requested,pending&provider_id=mollie` },
    {
      name: "created_at one day (gte/lt)",
      query: () => {
        const [a, b] = anyDay()
        return `created_at[gte]=${encodeURIComponent(a)}&created_at[lt]=${encodeURIComponent(b)}`
      },
    },
    {
      name: "created_at last 30 days (gte)",
      query: () => `created_at[gte]=${encodeURIComponent(new Date(bounds.max - 30 * DAY_MS).toISOString())}`,
    },
    { name: "status=failed & created_at one day", query: () => { const [a, b] = anyDay(); return `status=failed&created_at[gte]=${encodeURIComponent(a)}&created_at[lt]=${encodeURIComponent(b)}` } },
    { name: "no filter, offset 0", query: () => `offset=0` },
    { name: "no filter, offset 10000", query: () => `offset=10000` },
  ]
}

async function tableBounds(world) {
  const { rows } = await world.pg.query(
    `SELECT (SELECT count(*)::int FROM capture) AS n,
            extract(epoch FROM min(created_at)) * 1000 AS min, extract(epoch FROM max(created_at)) * 1000 AS max,
            (SELECT count(*)::int FROM payment WHERE id LIKE 'pay_bench%') AS payments
       FROM capture WHERE id LIKE 'cap_bench%'`
  )
  return { rows: rows[0].n, min: Number(rows[0].min), max: Number(rows[0].max), payments: rows[0].payments }
}

/** Median execution time (ms) of the list's statement, from EXPLAIN ANALYZE, over 5 samples. */
async function sqlTime(world, combo) {
  const times = []
  for (let i = 0; i < 5; i++) {
    const e = await explain(world, combo.query())
    const exec = (plan) => Number((plan.find((l) => /Execution Time/.test(l)) || "0").replace(/[^0-9.]/g, ""))
    times.push(exec(e.list.plan))
  }
  return times.sort((a, b) => a - b)[2]
}

/** How many rows the filters really match (an exact COUNT, which the list no longer runs). */
async function exactMatches(world, query) {
  const { exact } = sqlFor(query)
  const { rows } = await world.pg.query(exact.sql, exact.params)
  return rows[0].n
}

async function measure(world, label) {
  const bounds = await tableBounds(world)
  world.log(`${label}: ${bounds.rows} rows, measuring ${REQUESTS} requests per combination`)
  const out = []
  const floor = { name: "floor: GET /admin/auth (core, the logged-in user)", path: () => `/admin/auth`, floor: true }
  for (const combo of [floor, ...combos(bounds)]) {
    const latencies = []
    const counts = []
    const capped = []
    const started = Date.now()
    for (let i = 0; i < WARMUP + REQUESTS && Date.now() - started < PER_COMBO_MAX_MS; i++) {
      const path = combo.floor ? combo.path() : `/admin/captures?${combo.query()}&limit=${PAGE_LIMIT}`
      const t0 = performance.now()
      const res = await http(world.url, "GET", path, undefined, world.authHeaders)
      const ms = performance.now() - t0
      if (res.status !== 200) throw new Error(`GET ${path}: HTTP ${res.status} ${JSON.stringify(res.body).slice(0, 300)}`)
      if (i >= WARMUP) {
        latencies.push(ms)
        counts.push(combo.floor ? NaN : res.body.count)
        if (!combo.floor && typeof res.body.count_capped !== "boolean") throw new Error(`GET ${path}: no count_capped`)
        capped.push(combo.floor ? NaN : res.body.count_capped ? 1 : 0)
      }
    }
    const s = summarize(latencies)
    const mean = (xs) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length)
    const meanCount = mean(counts)
    const cappedShare = mean(capped)
    const sql = combo.floor ? NaN : await sqlTime(world, combo)
    const sampleQuery = combo.floor ? null : combo.query()
    const matched = combo.floor ? NaN : await exactMatches(world, sampleQuery)
    out.push({ name: combo.name, floor: !!combo.floor, ...s, matched, answeredCount: meanCount, cappedShare, sql, sampleQuery })
    world.log(
      `  ${combo.name}: p50 ${s.p50.toFixed(1)} ms, p99 ${s.p99.toFixed(1)} ms (${s.n} requests, ~${Math.round(matched)} rows matched, count answered ~${Math.round(meanCount)}, capped ${(cappedShare * 100).toFixed(0)} %)`
    )
  }
  return { rows: bounds.rows, combos: out }
}

/**
 * The SQL the list runs (src/services/ledger/queries.ts listCaptures): one
 * statement with the page (a deferred join: ids by the index, then the page's
 * rows), its refunds, and the capped count when the page starts below the cap;
 * plus the exact COUNT it does not run, for the "rows matched" column.
 */
function sqlFor(query) {
  const p = new URLSearchParams(query)
  const where = []
  const params = []
  const add = (sql, v) => {
    params.push(v)
    where.push(sql.replace("?", `$${params.length}`))
  }
  if (p.get("payment_id")) add(`payment_id = ?`, p.get("payment_id"))
  if (p.get("order_id")) add(`order_id = ?`, p.get("order_id"))
  if (p.get("provider_id")) add(`provider_id = ?`, p.get("provider_id"))
  if (p.get("status")) add(`status = ANY(?)`, p.get("status").split(","))
  if (p.get("created_at[gte]")) add(`created_at >= ?`, p.get("created_at[gte]"))
  if (p.get("created_at[lt]")) add(`created_at < ?`, p.get("created_at[lt]"))
  const w = where.length ? `WHERE ${where.join(" AND ")}` : ""
  const offset = Number(p.get("offset") || 0)
  const count = offset < COUNT_CAP ? `(SELECT count(*)::int AS n FROM (SELECT 1 FROM capture ${w} LIMIT ${COUNT_CAP + 1}) AS capped)` : "NULL::int"
  return {
    offset,
    list: {
      sql:
        `WITH total AS (SELECT ${count} AS n) ` +
        `SELECT total.n AS __total, c.*, (SELECT COALESCE(jsonb_agg(to_jsonb(r) ORDER BY r.created_at, r.id), '[]'::jsonb) FROM capture_refund r WHERE r.capture_id = c.id) AS __refunds ` +
        `FROM total LEFT JOIN (capture c JOIN (SELECT id AS capture_id, created_at FROM capture ${w} ORDER BY created_at DESC, id DESC LIMIT ${PAGE_LIMIT} OFFSET ${offset}) AS page ON page.capture_id = c.id) ON true ` +
        `ORDER BY c.created_at DESC, c.id DESC`,
      params,
    },
    exact: { sql: `SELECT count(*)::int AS n FROM capture ${w}`, params },
  }
}

/** The list's statement explained with ANALYZE. */
async function explain(world, query) {
  const { list } = sqlFor(query)
  const { rows } = await world.pg.query(`EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) ${list.sql}`, list.params)
  return { list: { sql: list.sql, params: list.params, plan: rows.map((r) => r["QUERY PLAN"]) } }
}

async function main() {
  const watchdog = setTimeout(() => {
    process.stderr.write(`watchdog: ${WATCHDOG_MS / 60000} min passed, giving up\n`)
    process.exit(2)
  }, WATCHDOG_MS)
  watchdog.unref()

  const world = await bootWorld({
    name: "list-1m",
    env: { CAPTURES_RECONCILE_SCHEDULE: "0 0 1 1 *", CAPTURES_LIST_COUNT_CAP: String(COUNT_CAP) },
  })
  const log = world.log
  try {
    const real = await placeOrders(world, 20, { concurrency: 8 })
    for (const o of real) {
      const res = await world.adminCall("POST", `/admin/payments/${o.paymentId}/captures`, { amount: 2500 })
      if (res.status !== 201) throw new Error(`real capture: HTTP ${res.status} ${JSON.stringify(res.body)}`)
    }
    const { rows: tpl } = await world.pg.query(`SELECT order_id FROM payment WHERE id = $1`, [real[0].paymentId])
    const template = tpl[0]

    const totalPayments = Math.ceil((ROWS - real.length) / CAPTURES_PER_PAYMENT)
    const baselinePayments = Math.ceil(BASELINE_ROWS / CAPTURES_PER_PAYMENT)
    const t0 = Date.now()
    await insertPayments(world.pg, 1, baselinePayments, template, totalPayments)
    await world.pg.query(`VACUUM ANALYZE capture`)
    await world.pg.query(`VACUUM ANALYZE capture_refund`)
    const baseline = await measure(world, "baseline")

    log(`inserting the rest: up to ${totalPayments} payments, ${totalPayments * CAPTURES_PER_PAYMENT} captures in total`)
    for (let from = baselinePayments + 1; from <= totalPayments; from += CHUNK_PAYMENTS) {
      const to = Math.min(totalPayments, from + CHUNK_PAYMENTS - 1)
      await insertPayments(world.pg, from, to, template, totalPayments)
      log(`  payments ${to}/${totalPayments} (${((Date.now() - t0) / 1000).toFixed(0)} s)`)
    }
    const vac0 = Date.now()
    for (const t of ["capture", "capture_refund", "payment", '"order"']) await world.pg.query(`VACUUM ANALYZE ${t}`)
    log(`inserted and vacuumed in ${((Date.now() - t0) / 1000).toFixed(0)} s (VACUUM ANALYZE ${((Date.now() - vac0) / 1000).toFixed(0)} s)`)
    const { rows: shape } = await world.pg.query(
      `SELECT status, provider_id, count(*)::int AS n FROM capture GROUP BY 1, 2 ORDER BY 1, 2`
    )
    const { rows: sizes } = await world.pg.query(
      `SELECT (SELECT count(*)::int FROM capture) AS captures, (SELECT count(*)::int FROM capture_refund) AS refunds,
              (SELECT count(*)::int FROM payment) AS payments, (SELECT count(*)::int FROM "order") AS orders,
              pg_size_pretty(pg_total_relation_size('capture')) AS capture_size`
    )
    const full = await measure(world, "1M")

    // EXPLAIN ANALYZE for every combination, to show which index serves it.
    const misses = full.combos.filter((c) => !c.floor && c.p99 >= TARGET_P99_MS)
    const explained = []
    for (const c of full.combos.filter((x) => !x.floor)) {
      explained.push({ name: c.name, query: c.sampleQuery, missed: c.p99 >= TARGET_P99_MS, ...(await explain(world, c.sampleQuery)) })
    }

    const rows = full.combos.map((c, i) => {
      const b = baseline.combos[i]
      return {
        name: c.name,
        matched: c.matched,
        answered: c.floor ? NaN : `${Math.round(c.answeredCount)}${c.cappedShare > 0 ? ` (capped ${(c.cappedShare * 100).toFixed(0)} %)` : ""}`,
        p50: c.p50,
        p99: c.p99,
        sql: c.sql,
        bMatched: b.matched,
        bp50: b.p50,
        bp99: b.p99,
        bsql: b.sql,
        ratio: c.p99 / b.p99,
        target: c.floor ? "–" : c.p99 < TARGET_P99_MS ? "met" : "MISSED",
      }
    })
    const planLines = (plan) => plan.filter((l) => !/^\s*Buffers:|^\s*Planning:|^\s*Planning Buffers/.test(l)).map((l) => `    ${l}`)
    const report = [
      `## (c) GET /admin/captures with ${full.rows.toLocaleString("en")} capture rows`,
      ``,
      `${REQUESTS} sequential requests per combination after ${WARMUP} warm-up, limit=${PAGE_LIMIT}, random payment/order/day per request; latencies in ms (client-side, over HTTP); "rows matched" = an exact COUNT of the sample request's filters (the list no longer runs one); "count answered" = the mean \`count\` the list answered (exact up to listCountCap = ${COUNT_CAP}, else the cap with count_capped); "SQL ms" = PostgreSQL's execution time of the list's one statement (page by deferred join, its refunds, and the capped count when the page starts below the cap) (EXPLAIN ANALYZE, median of 5), the rest of the request being Medusa (auth, serialization) and HTTP. Baseline = the same combinations with the table's first ${baseline.rows.toLocaleString("en")} rows. Table: ${sizes[0].captures.toLocaleString("en")} captures (${sizes[0].capture_size} with indexes), ${sizes[0].refunds.toLocaleString("en")} refunds, ${sizes[0].payments.toLocaleString("en")} payments, ${sizes[0].orders.toLocaleString("en")} orders; event bus: ${world.eventBus}`,
      ``,
      table(rows, [
        { key: "name", title: "filter", align: "left" },
        { key: "matched", title: "rows matched", digits: 0 },
        { key: "answered", title: "count answered" },
        { key: "p50", title: "p50" },
        { key: "p99", title: "p99" },
        { key: "sql", title: "SQL ms", digits: 2 },
        { key: "bMatched", title: `matched @${Math.round(baseline.rows / 1000)}k`, digits: 0 },
        { key: "bp50", title: `p50 @${Math.round(baseline.rows / 1000)}k` },
        { key: "bp99", title: `p99 @${Math.round(baseline.rows / 1000)}k` },
        { key: "bsql", title: `SQL ms @${Math.round(baseline.rows / 1000)}k`, digits: 2 },
        { key: "ratio", title: "p99 ratio 1M / baseline", digits: 2 },
        { key: "target", title: `p99 < ${TARGET_P99_MS} ms` },
      ]),
      ``,
      `Rows by status and provider: ${shape.map((r) => `${r.status}/${r.provider_id} ${r.n}`).join(", ")}`,
      ...(explained.length
        ? [
            ``,
            `### Plans (EXPLAIN ANALYZE of the list's statement)`,
            ...explained.flatMap((e) => [
              ``,
              `**${e.name}**${e.missed ? " (missed)" : ""} (\`?${e.query}\`)`,
              ``,
              "```",
              `-- ${e.list.sql}`,
              ...planLines(e.list.plan),
              "```",
            ]),
          ]
        : []),
    ].join("\n")
    console.log(report)
    saveResult("list-captures-1m", {
      report,
      eventBus: world.eventBus,
      rows: full.rows,
      baselineRows: baseline.rows,
      full: full.combos,
      baseline: baseline.combos,
      explained,
      shape,
      sizes: sizes[0],
      target: { p99Ms: TARGET_P99_MS, missed: misses.map((m) => m.name) },
      machine: machine(),
    })
  } finally {
    await world.stop()
    clearTimeout(watchdog)
  }
}

main().catch((err) => {
  console.error(err)
  process.exit(1)
})
