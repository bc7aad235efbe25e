/**
 * The dev/demo/test server's configuration. It loads this checkout's build
 * (`dist/`) as the plugin, exactly as a store loads it from node_modules.
 *
 * Medusa treats the folder it is started in as a "project" and also loads that
 * folder's own `dist/`; this repository's `dist/` *is* the plugin, so the server
 * is started from `.medusa/` (see scripts/lib/medusa-project.js), whose
 * medusa-config.js re-exports this file.
 */
const path = require("path")

const env = process.env
const redisUrl = env.REDIS_URL || undefined

/** Plugin options; every key is documented in docs/options.md. */
const capturesOptions = {
  // Makes `medusa-admin build` include the plugin's dashboard widget (dist/admin).
  enableUI: true,
  captureOn: env.CAPTURES_CAPTURE_ON || "manual",
  ...(env.CAPTURES_RECONCILE_AFTER_SECONDS ? { reconcileAfterSeconds: Number(env.CAPTURES_RECONCILE_AFTER_SECONDS) } : {}),
  ...(env.CAPTURES_LIST_COUNT_CAP ? { listCountCap: Number(env.CAPTURES_LIST_COUNT_CAP) } : {}),
  ...(env.CAPTURES_REFUND_ON_CANCEL ? { refundOnCancel: env.CAPTURES_REFUND_ON_CANCEL === "true" } : {}),
  sandbox: {
    baseUrl: env.CAPTURES_SANDBOX_URL || "http://127.0.0.1:9911",
    apiKey: env.CAPTURES_SANDBOX_API_KEY || "sk_test_demo",
    ...(env.CAPTURES_SANDBOX_TIMEOUT_MS ? { timeoutMs: Number(env.CAPTURES_SANDBOX_TIMEOUT_MS) } : {}),
    ...(env.CAPTURES_SANDBOX_CAPTURE_ON ? { captureOn: env.CAPTURES_SANDBOX_CAPTURE_ON } : {}),
  },
  // Mollie (or the Mollie simulator in dist/sandbox/mollie) when a key is given.
  ...(env.MOLLIE_API_KEY
    ? {
        mollie: {
          apiKey: env.MOLLIE_API_KEY,
          ...(env.MOLLIE_BASE_URL ? { baseUrl: env.MOLLIE_BASE_URL } : {}),
          redirectUrl: env.MOLLIE_REDIRECT_URL || "http://localhost:8000/checkout/complete",
          ...(env.MOLLIE_WEBHOOK_URL ? { webhookUrl: env.MOLLIE_WEBHOOK_URL } : {}),
          ...(env.MOLLIE_CAPTURE_ON ? { captureOn: env.MOLLIE_CAPTURE_ON } : {}),
          // Only for accounts with Mollie's multiple captures enabled (the simulators here are).
          ...(env.MOLLIE_MULTIPLE_CAPTURES === "true" ? { multipleCaptures: true } : {}),
          ...(env.MOLLIE_TIMEOUT_MS ? { timeoutMs: Number(env.MOLLIE_TIMEOUT_MS) } : {}),
        },
      }
    : {}),
  // Clover (or the Clover simulator in dist/sandbox/clover) when a private key is given.
  ...(env.CLOVER_PRIVATE_KEY
    ? {
        clover: {
          privateKey: env.CLOVER_PRIVATE_KEY,
          environment: env.CLOVER_ENVIRONMENT === "production" ? "production" : "sandbox",
          ...(env.CLOVER_BASE_URL ? { baseUrl: env.CLOVER_BASE_URL } : {}),
          sendReceiptEmail: env.CLOVER_SEND_RECEIPT_EMAIL !== "false",
          level2: env.CLOVER_LEVEL2 !== "false",
          ...(env.CLOVER_CAPTURE_ON ? { captureOn: env.CLOVER_CAPTURE_ON } : {}),
          ...(env.CLOVER_TIMEOUT_MS ? { timeoutMs: Number(env.CLOVER_TIMEOUT_MS) } : {}),
        },
      }
    : {}),
  // Stripe (or the Stripe simulator in dist/sandbox/stripe) when a key is given.
  ...(env.STRIPE_API_KEY
    ? {
        stripe: {
          apiKey: env.STRIPE_API_KEY,
          ...(env.STRIPE_BASE_URL ? { baseUrl: env.STRIPE_BASE_URL } : {}),
          ...(env.STRIPE_WEBHOOK_SECRET ? { webhookSecret: env.STRIPE_WEBHOOK_SECRET } : {}),
          multicapture: env.STRIPE_MULTICAPTURE !== "false",
          ...(env.STRIPE_CAPTURE_ON ? { captureOn: env.STRIPE_CAPTURE_ON } : {}),
          ...(env.STRIPE_TIMEOUT_MS ? { timeoutMs: Number(env.STRIPE_TIMEOUT_MS) } : {}),
        },
      }
    : {}),
}

/**
 * Medusa's admin dashboard, served at /app, with the plugin's widget on the order page.
 * Only when ADMIN_UI=true (the demo and the browser test set it, after building the UI
 * with scripts/lib/admin-ui.js): Medusa refuses to start when the admin is enabled and
 * its build is missing, and the API tests do not need it.
 */
const adminUiDir = path.join(__dirname, ".medusa", "admin-build")
const adminPlugin = {
  resolve: "@medusajs/admin",
  options: { serve: true, autoRebuild: false, path: "/app", outDir: adminUiDir },
}

module.exports = {
  projectConfig: {
    database_url: env.DATABASE_URL,
    database_type: "postgres",
    database_extra: {},
    jwt_secret: env.JWT_SECRET || "dev-jwt-secret",
    cookie_secret: env.COOKIE_SECRET || "dev-cookie-secret",
    store_cors: env.STORE_CORS || "http://localhost:8000",
    admin_cors: env.ADMIN_CORS || "http://localhost:7000,http://localhost:7001",
    ...(redisUrl ? { redis_url: redisUrl } : {}),
  },
  plugins: [
    // Shipping for the demo store and the tests' orders.
    "medusa-fulfillment-manual",
    {
      resolve: path.resolve(__dirname),
      options: capturesOptions,
    },
    ...(env.ADMIN_UI === "true" ? [adminPlugin] : []),
  ],
  modules: redisUrl
    ? {
        eventBus: {
          resolve: "@medusajs/event-bus-redis",
          options: {
            redisUrl,
            // Events handled at once by this server's BullMQ worker; Medusa's default is 1,
            // which runs every subscriber of every event one after the other.
            ...(env.EVENT_BUS_CONCURRENCY ? { workerOptions: { concurrency: Number(env.EVENT_BUS_CONCURRENCY) } } : {}),
          },
        },
        cacheService: { resolve: "@medusajs/cache-redis", options: { redisUrl } },
      }
    : {},
  // No "help us get better" usage-data form in the admin: nothing leaves this machine.
  featureFlags: { analytics: false },
}
