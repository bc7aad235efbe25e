/**
 * The admin dashboard widget, end to end: the README's demo (a real Medusa server with
 * Medusa's admin built with this plugin's widget, the gateway simulators and seeded
 * orders), driven in headless Chromium (Debian's `chromium`) by playwright-core the way an
 * operator uses it: log in, open an order, capture part of it, refund part of the capture,
 * read the event trail, and see a gateway's decline. After each step the page is checked
 * against the plugin's API and the sandbox gateway's own record.
 */
import fs from "fs"
import path from "path"
import { chromium, type Browser, type Page } from "playwright-core"
import { adminApi, gatewayOperations } from "../helpers/api"
import { startDemo, type Demo } from "../helpers/demo"

const CHROMIUM = "/usr/bin/chromium"
const ARTIFACTS = path.join(__dirname, "..", "..", "artifacts")

jest.setTimeout(600_000)

let demo: Demo
let browser: Browser
let page: Page
let token: string

/** The plugin's admin API on the demo, as the same admin (Bearer JWT). */
const api = () => adminApi({ medusaUrl: demo.url, adminToken: token })

/** Captures and refunds the sandbox gateway itself recorded for one payment. */
const atGateway = (paymentRef: string) => gatewayOperations({ sandboxUrl: demo.simulators.sandbox }, paymentRef)

/** True once nothing listens at the demo's address any more (its Medusa child has exited). */
async function serverGone(url: string, withinMs: number): Promise<boolean> {
  const deadline = Date.now() + withinMs
  while (Date.now() < deadline) {
    try {
      await fetch(`${url}/health`)
    } catch {
      return true
    }
    await new Promise((r) => setTimeout(r, 250))
  }
  return false
}

const widget = () => page.getByTestId("captures-widget")
const text = (testId: string) => widget().getByTestId(testId)

beforeAll(async () => {
  if (!fs.existsSync(CHROMIUM)) {
    throw new Error(`${CHROMIUM} is missing: install Debian's chromium (apt-get install chromium), as .ci/run does`)
  }
  demo = await startDemo()
  const auth = await fetch(`${demo.url}/admin/auth/token`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(demo.admin),
  })
  token = (await auth.json()).access_token
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    // As root in a container, and on a machine with no way out: no sandbox, no GPU, and
    // none of Chrome's background calls home (they fail and slow the start).
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  })
  page = await browser.newPage({ viewport: { width: 1400, height: 1600 } })
})

afterAll(async () => {
  await browser?.close()
  if (demo) {
    // Ctrl-C stops the demo: exit code 130 (128 + SIGINT), and its server no longer answers.
    expect(await demo.stop()).toBe(130)
    expect(await serverGone(demo.url, 15_000)).toBe(true)
  }
})

it("logs in and opens an order from the order list", async () => {
  await page.goto(`${demo.url}/app/login`)
  await page.fill('input[name="email"]', demo.admin.email)
  await page.fill('input[name="password"]', demo.admin.password)
  await page.click('button[type="submit"]')
  await page.waitForURL(/\/app\/a\/orders/)

  const order = demo.orders.sandbox
  await page.locator("tr", { hasText: `#${order.displayId}` }).first().click()
  await page.waitForURL(new RegExp(`/app/a/orders/${order.orderId}`))
  await widget().waitFor()

  await expect(text("total-authorized-value").textContent()).resolves.toBe("€110.00")
  await expect(text("total-captured-value").textContent()).resolves.toBe("€0.00")
  await expect(text("total-capturable-value").textContent()).resolves.toBe("€110.00")
})

it("captures part of the payment", async () => {
  const order = demo.orders.sandbox
  await text("capture-amount").fill("25.00")
  await text("capture-submit").click()

  // The demo's first capture: its number is 1.
  await page.waitForFunction(() => document.querySelector('[data-testid="capture-1-status"]')?.textContent === "succeeded")
  await expect(text("capture-1-amount").textContent()).resolves.toBe("€25.00")
  await expect(text("total-captured-value").textContent()).resolves.toBe("€25.00")
  await expect(text("total-capturable-value").textContent()).resolves.toBe("€85.00")

  // What the page shows is what the ledger holds, and what the gateway did.
  const { body } = await api().get(`/admin/orders/${order.orderId}/captures`)
  expect(body.captures).toHaveLength(1)
  expect(body.captures[0]).toMatchObject({ status: "succeeded", amount: 2500, refunded_amount: 0 })
  expect(body.totals).toMatchObject({ authorized: 11000, captured: 2500, capturable: 8500 })
  await expect(text("capture-1-gateway-id").textContent()).resolves.toBe(body.captures[0].gateway_capture_id)
  const gateway = await atGateway(order.paymentRef)
  expect(gateway.captures.map((c: { amount: number }) => c.amount)).toEqual([2500])
  // The widget sent its own Idempotency-Key: the ledger row carries it.
  expect(body.captures[0].idempotency_key).toMatch(/^admin-capture-[0-9a-f]{32}$/)
})

it("refuses an amount above what is capturable before calling the server", async () => {
  await text("capture-amount").fill("85.01")
  await text("capture-submit").click()
  await expect(text("capture-error").textContent()).resolves.toBe("Amount exceeds the €85.00 available.")
  const { body } = await api().get(`/admin/orders/${demo.orders.sandbox.orderId}/captures`)
  expect(body.captures).toHaveLength(1)
  await text("capture-amount").fill("")
})

it("refunds part of the capture", async () => {
  const order = demo.orders.sandbox
  await text("capture-1-refund").click()
  await text("capture-1-refund-amount").fill("10.00")
  await text("capture-1-refund-submit").click()

  await page.waitForFunction(() => document.querySelector('[data-testid="capture-1-refunded"]')?.textContent === "€10.00")
  await expect(text("total-refunded-value").textContent()).resolves.toBe("€10.00")
  await expect(text("total-refundable-value").textContent()).resolves.toBe("€15.00")

  const { body } = await api().get(`/admin/orders/${order.orderId}/captures`)
  expect(body.captures[0]).toMatchObject({ refunded_amount: 1000, refund_balance: 1500 })
  expect(body.captures[0].refunds).toEqual([expect.objectContaining({ status: "succeeded", amount: 1000 })])
  expect(body.totals).toMatchObject({ captured: 2500, refunded: 1000, refundable: 1500 })
  const gateway = await atGateway(order.paymentRef)
  expect(gateway.refunds.map((r: { amount: number }) => r.amount)).toEqual([1000])
})

it("shows the capture's event trail", async () => {
  await text("capture-1-events").click()
  const types = widget().getByTestId("capture-event-type")
  await types.first().waitFor()
  const shown = await types.allTextContents()

  const capture = (await api().get(`/admin/orders/${demo.orders.sandbox.orderId}/captures`)).body.captures[0]
  const detail = await api().get(`/admin/captures/${capture.id}?expand=events`)
  expect(shown).toEqual(detail.body.capture.events.map((e: { type: string }) => e.type))
  expect(shown).toEqual(expect.arrayContaining(["capture.requested", "capture.succeeded"]))
  expect(shown.some((t) => t.startsWith("refund."))).toBe(true)

  fs.mkdirSync(ARTIFACTS, { recursive: true })
  await widget().screenshot({ path: path.join(ARTIFACTS, "admin-widget-order.png") })
})

it("shows the gateway's message when it declines a capture", async () => {
  const order = demo.orders.declining
  await page.goto(`${demo.url}/app/a/orders/${order.orderId}`)
  await widget().waitFor()
  await text("capture-amount").fill("5.00")
  await text("capture-submit").click()

  const error = text("capture-error")
  await error.waitFor()
  await expect(error.textContent()).resolves.toMatch(/declined by the gateway: .*\(decline_code: insufficient_funds\)/)

  const { body } = await api().get(`/admin/orders/${order.orderId}/captures`)
  expect(body.captures).toEqual([expect.objectContaining({ status: "failed", decline_code: "insufficient_funds", amount: 500 })])
  expect((await atGateway(order.paymentRef)).captures).toEqual([])

  // The failed capture stays on the ledger, with the gateway's reason, and can be retried.
  const row = `capture-${body.captures[0].number}`
  await page.waitForFunction((id) => document.querySelector(`[data-testid="${id}-status"]`)?.textContent === "failed", row)
  await expect(text(`${row}-message`).textContent()).resolves.toBe("Your card has insufficient funds. (decline_code: insufficient_funds)")
  await expect(text(`${row}-retry`).isVisible()).resolves.toBe(true)
  await expect(text("total-captured-value").textContent()).resolves.toBe("€0.00")

  await widget().screenshot({ path: path.join(ARTIFACTS, "admin-widget-declined.png") })
})

it("captures part of the Stripe order, and Stripe keeps the rest of the authorization", async () => {
  const order = demo.orders.stripe
  await page.goto(`${demo.url}/app/a/orders/${order.orderId}`)
  await widget().waitFor()
  await expect(text("total-authorized-value").textContent()).resolves.toBe("€210.00")
  await text("capture-amount").fill("110.00")
  await text("capture-submit").click()
  await page.waitForFunction(() => document.querySelector('[data-testid="total-captured-value"]')?.textContent === "€110.00")
  await expect(text("total-capturable-value").textContent()).resolves.toBe("€100.00")

  const { body } = await api().get(`/admin/orders/${order.orderId}/captures`)
  expect(body.captures).toEqual([expect.objectContaining({ status: "succeeded", amount: 11000, provider_id: "stripe-captures" })])
  await expect(text(`capture-${body.captures[0].number}-status`).textContent()).resolves.toBe("succeeded")
  await expect(text(`capture-${body.captures[0].number}-gateway-id`).textContent()).resolves.toBe(body.captures[0].gateway_capture_id)
  // At Stripe (the simulator): a non-final capture on a multicapture authorization.
  const res = await fetch(`${demo.simulators.stripe}/v1/payment_intents/${order.paymentRef}`, { headers: { authorization: "Bearer sk_test_demo" } })
  expect(await res.json()).toMatchObject({ status: "requires_capture", amount_received: 11000, amount_capturable: 10000 })
})
