/**
 * Preloaded into the Medusa child process (NODE_OPTIONS=--require …):
 * - scripts/serve.js — unchanged — boots from bench/project/ (the repository's
 *   configuration plus medusa-payment-manual) instead of .medusa/;
 * - with BENCH_COUNT_QUERIES=1, every query the server sends to PostgreSQL
 *   (through node-postgres, which TypeORM uses) is counted; SIGUSR2 prints
 *   `BENCH_QUERIES <n-th time asked> <count>` on stdout, for a benchmark to read the work a
 *   request caused; with BENCH_LOG_QUERIES=1 each query's start is also
 *   printed (`BENCH_SQL …`), for looking at what a request does.
 */
const path = require("path")
const project = require("../../scripts/lib/medusa-project")

const benchProjectDir = path.join(__dirname, "..", "project")
project.ensureProjectDir = () => benchProjectDir

if (process.env.BENCH_COUNT_QUERIES === "1" || process.env.BENCH_LOG_QUERIES === "1") {
  const { Client } = require("pg")
  const query = Client.prototype.query
  const logQueries = process.env.BENCH_LOG_QUERIES === "1"
  let count = 0
  Client.prototype.query = function countedQuery(...args) {
    count++
    if (logQueries) {
      const text = typeof args[0] === "string" ? args[0] : args[0] && args[0].text
      process.stdout.write(`BENCH_SQL ${String(text).replace(/\s+/g, " ").slice(0, 160)}\n`)
    }
    return query.apply(this, args)
  }
  let asked = 0
  process.on("SIGUSR2", () => process.stdout.write(`\nBENCH_QUERIES ${++asked} ${count}\n`))
}
