#!/usr/bin/env node
/**
 * Runs every benchmark, one after the other, each in its own process with its
 * own world (database, migrations, simulators, Medusa server, seeded store),
 * then prints their reports and writes them to bench/results/latest.md.
 * `npm run bench` = `npm run build && node bench/run-all.js`.
 *
 *   node bench/run-all.js [name …]     (names: captures-vs-core, concurrent-partial-captures,
 *                                        list-captures-1m, auto-capture-fulfillment)
 *
 * The machine's load is recorded before and after each benchmark: the figures
 * only mean something on a machine that does nothing else meanwhile.
 */
const { spawn } = require("child_process")
const fs = require("fs")
const os = require("os")
const path = require("path")
const { machine } = require("./lib/stats")

const BENCHMARKS = [
  { name: "captures-vs-core", title: "(a) plugin capture route vs core capture route", timeoutMin: 40 },
  { name: "concurrent-partial-captures", title: "(b) 64 concurrent partial captures on one payment", timeoutMin: 15 },
  { name: "list-captures-1m", title: "(c) GET /admin/captures with 1,000,000 rows", timeoutMin: 40 },
  { name: "auto-capture-fulfillment", title: "(d) 1,000 fulfillments auto-captured", timeoutMin: 40 },
]

const resultsDir = path.join(__dirname, "results")
const load = () => os.loadavg().map((x) => x.toFixed(2)).join(" ")

function runOne(bench) {
  return new Promise((resolve) => {
    const started = Date.now()
    const child = spawn(process.execPath, [path.join(__dirname, `${bench.name}.js`)], {
      cwd: path.join(__dirname, ".."),
      env: process.env,
      stdio: ["ignore", "inherit", "inherit"],
    })
    const timer = setTimeout(() => {
      process.stderr.write(`${bench.name}: no end after ${bench.timeoutMin} min, stopping it\n`)
      child.kill("SIGTERM")
    }, bench.timeoutMin * 60000)
    const stop = () => child.kill("SIGTERM")
    process.on("SIGINT", stop)
    child.on("exit", (code, signal) => {
      clearTimeout(timer)
      process.removeListener("SIGINT", stop)
      resolve({ code: code ?? signal, seconds: (Date.now() - started) / 1000 })
    })
  })
}

async function main() {
  const wanted = process.argv.slice(2)
  const selected = wanted.length ? BENCHMARKS.filter((b) => wanted.includes(b.name)) : BENCHMARKS
  if (wanted.length && selected.length !== wanted.length) {
    console.error(`unknown benchmark; choose from: ${BENCHMARKS.map((b) => b.name).join(", ")}`)
    process.exit(2)
  }
  const m = machine()
  const args = wanted.length ? " " + wanted.join(" ") : ""
  const overrides = Object.entries(process.env)
    .filter(([k]) => /^(BENCH_|DATABASE_URL$)/.test(k))
    .map(([k, v]) => `${k}=${k === "DATABASE_URL" ? v.replace(/\/\/[^@]*@/, "//…@") : v}`)
  const command =
    process.env.npm_lifecycle_event === "bench"
      ? `npm run bench (= npm run build && node bench/run-all.js${args})`
      : `node bench/run-all.js${args}`
  const header = [
    `# medusa-plugin-captures benchmarks — ${new Date().toISOString()}`,
    ``,
    `machine: ${m.nproc} CPUs (${m.cpu}), ${m.memGiB} GiB RAM, ${m.platform}; Node ${m.node}; ${m.database}`,
    `command: \`${overrides.length ? overrides.join(" ") + " " : ""}${command}\` (cwd: repository root)`,
  ]
  console.log(header.join("\n"))
  const sections = []
  const statuses = []
  for (const bench of selected) {
    const resultFile = path.join(resultsDir, `${bench.name}.json`)
    fs.rmSync(resultFile, { force: true })
    const loadBefore = load()
    console.log(`\n=== ${bench.title} (load average before: ${loadBefore}) ===\n`)
    const { code, seconds } = await runOne(bench)
    const loadAfter = load()
    statuses.push({ name: bench.name, code, seconds })
    let report = `## ${bench.title}\n\nno result (exit ${code})`
    if (fs.existsSync(resultFile)) report = JSON.parse(fs.readFileSync(resultFile, "utf8")).report
    sections.push(`${report}\n\n_${bench.name}: ${seconds.toFixed(0)} s wall, exit ${code}; load average (1/5/15 min) before ${loadBefore}, after ${loadAfter}_`)
  }
  const summary = [
    ...header,
    ``,
    ...sections.flatMap((s) => [s, ``]),
    `| benchmark | exit | wall s |`,
    `| --- | ---: | ---: |`,
    ...statuses.map((s) => `| ${s.name} | ${s.code} | ${s.seconds.toFixed(0)} |`),
  ].join("\n")
  fs.mkdirSync(resultsDir, { recursive: true })
  fs.writeFileSync(path.join(resultsDir, "latest.md"), summary + "\n")
  console.log(`\n=== summary ===\n`)
  console.log(statuses.map((s) => `${s.name}: exit ${s.code}, ${s.seconds.toFixed(0)} s`).join("\n"))
  console.log(`\nreports: ${path.relative(process.cwd(), path.join(resultsDir, "latest.md"))}`)
  if (statuses.some((s) => s.code !== 0)) process.exitCode = 1
}

main().catch((err) => {
  console.error(err)
  process.exit(1)
})
