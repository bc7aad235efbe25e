/**
 * MollieGateway against the real Mollie simulator over HTTP, with a tiny local listener for
 * the webhooks the simulator sends.
 */
import { startMollieSandbox, type MollieSandboxHandle } from "../../../sandbox/mollie"
import { eventually, startWebhookReceiver, type WebhookReceiver } from "../../../sandbox/mollie/__tests__/helpers"
import { GatewayError, LOOKUP_PAGE_LIMIT, type CaptureResult } from "../../gateway"
import { MollieGateway, type MollieGatewayOptions } from ".."
import type { CreateRefundBody, MollieRefund } from "../types"

const API_KEY = "test_gatewayspec0000000000000001"

let sandbox: MollieSandboxHandle
let hooks: WebhookReceiver
let gateway: MollieGateway
let seq = 0

const key = (prefix: string) => `${prefix}_${++seq}`

function makeGateway(over: Partial<MollieGatewayOptions> = {}): MollieGateway {
  return new MollieGateway({
    apiKey: API_KEY,
    baseUrl: sandbox.url,
    redirectUrl: "https://shop.example/return",
    webhookUrl: hooks.url,
    timeoutMs: 400,
    maxRetries: 2,
    initialBackoffMs: 20,
    maxBackoffMs: 100,
    ...over,
  })
}

beforeAll(async () => {
  sandbox = await startMollieSandbox({ captureDelayMs: 30, refundDelayMs: 30, webhookRetryDelayMs: 10 })
  hooks = await startWebhookReceiver()
  gateway = makeGateway()
})
afterAll(async () => {
  await sandbox.close()
  await hooks.close()
})
beforeEach(async () => {
  await sandbox.webhooks.idle()
  sandbox.state.reset()
  sandbox.webhooks.reset()
  hooks.clear()
})

/** What the shopper does on the hosted checkout page. */
async function shopper(checkoutUrl: string | undefined, action: "authorize" | "pending" | "fail"): Promise<void> {
  const res = await fetch(checkoutUrl!, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ action }) })
  expect(res.status).toBe(200)
}

async function authorizedPayment(amount = 1000, currency = "eur"): Promise<string> {
  const snapshot = await gateway.authorize({ amount, currency, idempotencyKey: key("auth"), description: "Order 1" })
  await shopper(snapshot.redirectUrl, "authorize")
  return snapshot.paymentRef
}

const capturesOf = (paymentRef: string): number => sandbox.state.perPayment()[paymentRef]?.captures ?? 0

async function settled(paymentRef: string, gatewayId: string): Promise<CaptureResult> {
  return eventually(async () => {
    const found = await gateway.retrieveCapture({ paymentRef, gatewayId, idempotencyKey: "unused" })
    return found && found.status !== "pending" ? found : undefined
  })
}

describe("construction", () => {
  it("takes its mode from the key prefix", () => {
    expect(gateway.name).toBe("mollie")
    expect(gateway.mode).toBe("test")
    expect(makeGateway({ apiKey: "live_abcdefghijklmnop" }).mode).toBe("live")
  })

  it.each(["sk_test_123", "xtest_secretvalue", "access_token123", "test_with space"])("refuses the key %j without echoing it", (apiKey) => {
    let error: unknown
    try {
      makeGateway({ apiKey })
    } catch (err) {
      error = err
    }
    expect(error).toBeInstanceOf(GatewayError)
    expect((error as GatewayError).type).toBe("authentication_error")
    expect((error as GatewayError).message).not.toContain(apiKey)
  })

  it("needs a redirectUrl and an http(s) baseUrl", () => {
    expect(() => makeGateway({ redirectUrl: "" })).toThrow(GatewayError)
    expect(() => makeGateway({ baseUrl: "ftp://mollie" })).toThrow(GatewayError)
  })
})

describe("the manual-capture journey (multiple partial captures)", () => {
  beforeEach(() => {
    sandbox.state.config.multiCapture = true
  })

  it("authorize → checkout → capture, capture, over-capture → refund → cancel refund → release", async () => {
    // Create the payment: the shopper still has to act.
    const created = await gateway.authorize({
      amount: 1000,
      currency: "eur",
      idempotencyKey: "auth_journey",
      description: "Order #1001",
      metadata: { cart_id: "cart_1" },
    })
    expect(created).toMatchObject({ status: "requires_more", currency: "eur", amountAuthorized: 1000, amountCapturable: 0 })
    expect(created.paymentRef).toMatch(/^tr_/)
    expect(created.redirectUrl).toBe(`${sandbox.url}/checkout/${created.paymentRef}`)
    const ref = created.paymentRef
    expect(sandbox.state.payments.get(ref)).toMatchObject({ captureMode: "manual", metadata: { cart_id: "cart_1", medusa_key: "auth_journey" } })

    await shopper(created.redirectUrl, "authorize")
    await hooks.waitFor(1)
    expect(await gateway.retrieve(ref)).toMatchObject({ status: "authorized", amountCapturable: 1000, amountCaptured: 0 })

    // First partial capture: pending at once, succeeded later, announced by the webhook.
    const first = await gateway.capture({ paymentRef: ref, amount: 400, currency: "eur", idempotencyKey: "cap_1", description: "Shipment 1" })
    expect(first).toMatchObject({ status: "pending", amount: 400, currency: "eur", gatewayTransactionId: ref })
    expect(first.gatewayCaptureId).toMatch(/^cpt_/)
    // A pending capture is not capturable any more.
    expect((await gateway.retrieve(ref)).amountCapturable).toBe(600)
    const received = await hooks.waitFor(2)
    expect(received[1].body).toBe(`id=${ref}`)
    expect(await settled(ref, first.gatewayCaptureId!)).toMatchObject({ status: "succeeded", amount: 400 })
    expect(await gateway.retrieve(ref)).toMatchObject({ status: "partially_captured", amountCaptured: 400, amountCapturable: 600 })

    const second = await gateway.capture({ paymentRef: ref, amount: 500, currency: "eur", idempotencyKey: "cap_2" })
    await settled(ref, second.gatewayCaptureId!)

    // More than what is left: Mollie's 422 with field amount.
    const over = await gateway.capture({ paymentRef: ref, amount: 200, currency: "eur", idempotencyKey: "cap_3" }).catch((e: unknown) => e)
    expect(over).toBeInstanceOf(GatewayError)
    expect(over).toMatchObject({ type: "invalid_request_error", httpStatus: 422, param: "amount", retryable: false, outcomeUnknown: false })

    // Refund part of what was captured; settle it.
    const refund = await gateway.refund({ paymentRef: ref, amount: 300, currency: "eur", idempotencyKey: "ref_1", reason: "Damaged" })
    expect(refund).toMatchObject({ status: "pending", amount: 300 })
    expect(refund.gatewayRefundId).toMatch(/^re_/)
    const refunded = await eventually(async () => {
      const found = await gateway.retrieveRefund({ paymentRef: ref, idempotencyKey: "ref_1" })
      return found?.status === "succeeded" ? found : undefined
    })
    expect(refunded.gatewayRefundId).toBe(refund.gatewayRefundId)

    // A refund canceled while queued: gone at Mollie, so null on lookup.
    sandbox.state.config.refundDelayMs = 10_000
    const queued = await gateway.refund({ paymentRef: ref, amount: 100, currency: "eur", idempotencyKey: "ref_2" })
    const canceled = await gateway.cancelRefund(ref, queued.gatewayRefundId!)
    expect(canceled).toMatchObject({ status: "failed", errorCode: "refund_canceled", gatewayRefundId: queued.gatewayRefundId })
    expect(await gateway.retrieveRefund({ paymentRef: ref, gatewayId: queued.gatewayRefundId, idempotencyKey: "ref_2" })).toBeNull()
    expect((await gateway.listRefunds(ref)).map((r) => r.gatewayRefundId)).toEqual([refund.gatewayRefundId])
    await expect(gateway.cancelRefund(ref, refund.gatewayRefundId!)).rejects.toMatchObject({ code: "refund_not_cancelable" })

    // Release the rest: 9.00 of 10.00 captured, so the payment becomes paid, nothing capturable.
    const released = await gateway.cancel(ref, "release_1")
    expect(released).toMatchObject({ status: "partially_captured", amountCaptured: 900, amountRefunded: 300, amountCapturable: 0 })
    expect((released.raw as { status: string }).status).toBe("paid")
    // Releasing twice is not an error.
    expect(await gateway.cancel(ref, "release_2")).toMatchObject({ status: "partially_captured", amountCapturable: 0 })

    expect((await gateway.listCaptures(ref)).map((c) => [c.amount, c.status])).toEqual([
      [400, "succeeded"],
      [500, "succeeded"],
    ])
    expect(sandbox.state.perPayment()[ref]).toMatchObject({ captures: 2, refunds: 2, captured: 900, refunded: 300 })
  })
})

describe("Mollie's default: one capture per payment", () => {
  it("a partial capture releases the rest; the payment is paid", async () => {
    const ref = await authorizedPayment(1000)
    const capture = await gateway.capture({ paymentRef: ref, amount: 800, currency: "eur", idempotencyKey: key("cap") })
    await expect(gateway.capture({ paymentRef: ref, amount: 100, currency: "eur", idempotencyKey: key("cap") })).rejects.toMatchObject({ httpStatus: 422 })
    await settled(ref, capture.gatewayCaptureId!)
    expect(await gateway.retrieve(ref)).toMatchObject({ status: "partially_captured", amountCaptured: 800, amountCapturable: 0 })
  })

  it("a failed capture leaves the payment authorized", async () => {
    const ref = await authorizedPayment(1000)
    sandbox.state.config.failCapturesFor = [ref]
    const capture = await gateway.capture({ paymentRef: ref, amount: 1000, currency: "eur", idempotencyKey: key("cap") })
    expect(await settled(ref, capture.gatewayCaptureId!)).toMatchObject({ status: "failed", errorCode: "capture_failed" })
    expect(await gateway.retrieve(ref)).toMatchObject({ status: "authorized", amountCapturable: 1000 })
  })

  it.each([
    ["jpy", 1500],
    ["kwd", 1250],
  ])("captures in %s with the currency's own decimals", async (currency, amount) => {
    const ref = await authorizedPayment(amount, currency)
    const capture = await gateway.capture({ paymentRef: ref, amount, currency, idempotencyKey: key("cap") })
    expect(capture).toMatchObject({ amount, currency })
  })
})

describe("capture metadata size", () => {
  beforeEach(() => {
    sandbox.state.config.multiCapture = true
  })

  it("says what Mollie would refuse, to the byte: 1024 bytes of JSON with our key", async () => {
    const ref = await authorizedPayment(1000)
    const idempotencyKey = key("cap")
    const fits = { note: "x".repeat(1024 - '{"note":"","medusa_key":""}'.length - idempotencyKey.length) }
    const over = { note: fits.note + "x" }
    expect(gateway.captureMetadataProblem(fits, idempotencyKey)).toBeNull()
    expect(gateway.captureMetadataProblem(over, idempotencyKey)).toMatch(/^is 1025 bytes as JSON .*at most 1024$/)
    // The simulator, which follows Mollie's contract, agrees on both sides of the line.
    await expect(gateway.capture({ paymentRef: ref, amount: 100, currency: "eur", idempotencyKey: key("cap"), metadata: over })).rejects.toMatchObject({
      httpStatus: 422,
    })
    const ok = await gateway.capture({ paymentRef: ref, amount: 100, currency: "eur", idempotencyKey, metadata: fits })
    expect(ok.gatewayCaptureId).toMatch(/^cpt_/)
  })
})

describe("cancel", () => {
  it("DELETEs an open payment", async () => {
    const created = await gateway.authorize({ amount: 500, currency: "eur", idempotencyKey: key("auth") })
    expect(await gateway.cancel(created.paymentRef, key("cancel"))).toMatchObject({ status: "canceled", amountCapturable: 0 })
  })

  it("releases an authorized payment without captures → canceled", async () => {
    const ref = await authorizedPayment()
    expect(await gateway.cancel(ref, key("cancel"))).toMatchObject({ status: "canceled" })
    expect(await gateway.cancel(ref, key("cancel"))).toMatchObject({ status: "canceled" })
  })

  it("refuses a pending payment (not cancelable at Mollie)", async () => {
    const created = await gateway.authorize({ amount: 500, currency: "eur", idempotencyKey: key("auth") })
    await shopper(created.redirectUrl, "pending")
    await expect(gateway.cancel(created.paymentRef, key("cancel"))).rejects.toMatchObject({ code: "payment_not_cancelable" })
  })
})

describe("idempotency", () => {
  it("the same key replays the same capture; nothing is captured twice", async () => {
    const ref = await authorizedPayment()
    const body = { amount: { currency: "EUR", value: "4.00" }, metadata: { medusa_key: "cap_same" } }
    const first = await gateway.client.createCapture(ref, body, "cap_same")
    const again = await gateway.client.createCapture(ref, body, "cap_same")
    expect(again.replayed).toBe(true)
    expect(again.data.id).toBe(first.data.id)
    expect(capturesOf(ref)).toBe(1)
  })

  it("the same key with another amount is an idempotency_error, not retried", async () => {
    const ref = await authorizedPayment()
    await gateway.capture({ paymentRef: ref, amount: 400, currency: "eur", idempotencyKey: "cap_reuse" })
    const err = await gateway.capture({ paymentRef: ref, amount: 500, currency: "eur", idempotencyKey: "cap_reuse" }).catch((e: unknown) => e)
    expect(err).toMatchObject({ type: "idempotency_error", code: "idempotency_key_reused", httpStatus: 400, retryable: false, outcomeUnknown: false })
    expect(capturesOf(ref)).toBe(1)
  })

  it("every POST carries the caller's key, never a random one", async () => {
    const seen: Array<string | null> = []
    const spy = makeGateway({
      fetch: (input, init) => {
        seen.push(new Headers(init?.headers).get("idempotency-key"))
        return fetch(input, init)
      },
    })
    const created = await spy.authorize({ amount: 100, currency: "eur", idempotencyKey: "auth_spy" })
    await shopper(created.redirectUrl, "authorize")
    await spy.capture({ paymentRef: created.paymentRef, amount: 100, currency: "eur", idempotencyKey: "cap_spy" })
    await spy.retrieve(created.paymentRef)
    expect(seen).toEqual(["auth_spy", "cap_spy", null])
  })
})

describe("lookups", () => {
  it("finds a capture by our key, following _links.next across pages", async () => {
    sandbox.state.config.multiCapture = true
    const ref = await authorizedPayment(1000)
    for (let i = 1; i <= 5; i++) await gateway.capture({ paymentRef: ref, amount: 100, currency: "eur", idempotencyKey: `page_${i}` })
    // Pages of 2 instead of 250, so the lookup must follow `next` twice.
    const paging = makeGateway({ fetch: (input, init) => fetch(String(input).replace("limit=250", "limit=2"), init) })
    const found = await paging.retrieveCapture({ paymentRef: ref, idempotencyKey: "page_5" })
    expect(found).toMatchObject({ amount: 100, status: expect.any(String) })
    expect(found!.gatewayCaptureId).toBe((await paging.listCaptures(ref))[4].gatewayCaptureId)
  })

  it("reads at most maxPages pages, then throws lookup_page_limit instead of answering 'not found'", async () => {
    sandbox.state.config.multiCapture = true
    const ref = await authorizedPayment(1000)
    for (let i = 1; i <= 5; i++) await gateway.capture({ paymentRef: ref, amount: 100, currency: "eur", idempotencyKey: `limit_${i}` })
    // Pages of 2: limit_3 is on the second page, limit_5 on the third.
    const paging = makeGateway({ fetch: (input, init) => fetch(String(input).replace("limit=250", "limit=2"), init) })
    expect(await paging.retrieveCapture({ paymentRef: ref, idempotencyKey: "limit_3", maxPages: 2 })).toMatchObject({ amount: 100 })
    const before = sandbox.state.requests
    await expect(paging.retrieveCapture({ paymentRef: ref, idempotencyKey: "limit_5", maxPages: 2 })).rejects.toMatchObject({
      code: LOOKUP_PAGE_LIMIT,
      retryable: false,
      outcomeUnknown: false,
    })
    expect(sandbox.state.requests - before).toBe(2)
    await expect(paging.retrieveRefund({ paymentRef: ref, idempotencyKey: "nope", maxPages: 1 })).resolves.toBeNull()
    // Without a limit the lookup reads on.
    expect(await paging.retrieveCapture({ paymentRef: ref, idempotencyKey: "limit_5" })).toMatchObject({ amount: 100 })
  })

  it("null when there is no such capture, refund or payment", async () => {
    const ref = await authorizedPayment()
    expect(await gateway.retrieveCapture({ paymentRef: ref, idempotencyKey: "nope" })).toBeNull()
    expect(await gateway.retrieveCapture({ paymentRef: ref, gatewayId: "cpt_nope", idempotencyKey: "nope" })).toBeNull()
    expect(await gateway.retrieveRefund({ paymentRef: ref, idempotencyKey: "nope" })).toBeNull()
    expect(await gateway.retrieveCapture({ paymentRef: "tr_missing", idempotencyKey: "nope" })).toBeNull()
    await expect(gateway.retrieve("tr_missing")).rejects.toMatchObject({ type: "invalid_request_error", code: "resource_missing", httpStatus: 404 })
  })

  it("refuses to follow a link to another origin (it would get the API key)", async () => {
    const ref = await authorizedPayment()
    const evil = makeGateway({
      fetch: async (input, init) => {
        const res = await fetch(input, init)
        if (!String(input).includes("/captures")) return res
        const body = (await res.json()) as { _links: Record<string, unknown> }
        body._links.next = { href: "https://attacker.example/v2/payments", type: "application/hal+json" }
        return new Response(JSON.stringify(body), { status: 200 })
      },
    })
    await expect(evil.retrieveCapture({ paymentRef: ref, idempotencyKey: "x" })).rejects.toMatchObject({ code: "foreign_link" })
  })
})

describe("faults", () => {
  const onCapture = (kind: string, extra: Record<string, unknown> = {}) =>
    sandbox.state.faults.add([{ kind: kind as "delay", match: { method: "POST", path: "/captures" }, ...extra }])

  it.each(["status_500", "status_503", "reset_before", "reset_after"])(
    "%s on a capture is retried with the same key: one capture",
    async (kind) => {
      const ref = await authorizedPayment()
      onCapture(kind)
      const result = await gateway.capture({ paymentRef: ref, amount: 300, currency: "eur", idempotencyKey: key("cap") })
      expect(result.status).toBe("pending")
      expect(capturesOf(ref)).toBe(1)
      expect(sandbox.state.requests).toBeGreaterThanOrEqual(3)
    }
  )

  it("429 waits for Retry-After, then succeeds", async () => {
    const ref = await authorizedPayment()
    onCapture("status_429", { retryAfterSeconds: 0.2 })
    const started = Date.now()
    await gateway.capture({ paymentRef: ref, amount: 300, currency: "eur", idempotencyKey: key("cap") })
    expect(Date.now() - started).toBeGreaterThanOrEqual(190)
    expect(capturesOf(ref)).toBe(1)
  })

  it("a delay below the timeout is just slow", async () => {
    const ref = await authorizedPayment()
    sandbox.state.faults.add([{ kind: "delay", delayMs: 100 }])
    expect((await gateway.retrieve(ref)).status).toBe("authorized")
  })

  it("a timeout on a GET is retried", async () => {
    const ref = await authorizedPayment()
    sandbox.state.faults.add([{ kind: "timeout", match: { method: "GET" } }])
    expect((await gateway.retrieve(ref)).status).toBe("authorized")
  })

  it("a timeout on a capture: outcome unknown, and the late capture is found by key", async () => {
    const ref = await authorizedPayment()
    // The first attempt is held 1200 ms (client gives up at 400); retries meet Mollie's 409.
    onCapture("timeout", { delayMs: 1200 })
    const err = await gateway
      .capture({ paymentRef: ref, amount: 300, currency: "eur", idempotencyKey: "cap_slow" })
      .catch((e: unknown) => e)
    expect(err).toBeInstanceOf(GatewayError)
    expect(err).toMatchObject({ outcomeUnknown: true })
    const found = await eventually(() => gateway.retrieveCapture({ paymentRef: ref, idempotencyKey: "cap_slow" }).then((c) => c ?? undefined))
    expect(found.amount).toBe(300)
    expect(capturesOf(ref)).toBe(1)
  })

  it("malformed: not retried, outcome unknown, the capture exists", async () => {
    const ref = await authorizedPayment()
    onCapture("malformed")
    await expect(gateway.capture({ paymentRef: ref, amount: 300, currency: "eur", idempotencyKey: "cap_mal" })).rejects.toMatchObject({
      type: "api_error",
      code: "malformed_response",
      outcomeUnknown: true,
    })
    expect(await gateway.retrieveCapture({ paymentRef: ref, idempotencyKey: "cap_mal" })).not.toBeNull()
    expect(capturesOf(ref)).toBe(1)
  })

  it("lost response on every attempt: outcomeUnknown, then retrieveCapture by key finds the one capture", async () => {
    const ref = await authorizedPayment()
    onCapture("lost_response", { times: 3 })
    const err = await gateway
      .capture({ paymentRef: ref, amount: 300, currency: "eur", idempotencyKey: "cap_lost", metadata: { fulfillment: "ful_1" } })
      .catch((e: unknown) => e)
    expect(err).toMatchObject({ type: "api_connection_error", retryable: true, outcomeUnknown: true })
    const found = await gateway.retrieveCapture({ paymentRef: ref, idempotencyKey: "cap_lost" })
    expect(found).toMatchObject({ amount: 300, currency: "eur" })
    expect((found!.raw as { metadata: unknown }).metadata).toEqual({ fulfillment: "ful_1", medusa_key: "cap_lost" })
    expect(capturesOf(ref)).toBe(1)
  })

  it("5xx on every attempt of a capture: api_error with outcome unknown", async () => {
    const ref = await authorizedPayment()
    onCapture("status_500", { times: 3 })
    await expect(gateway.capture({ paymentRef: ref, amount: 300, currency: "eur", idempotencyKey: key("cap") })).rejects.toMatchObject({
      type: "api_error",
      httpStatus: 500,
      outcomeUnknown: true,
    })
    expect(capturesOf(ref)).toBe(0)
  })

  it("once an attempt may have acted, a later failure stays outcomeUnknown", async () => {
    const ref = await authorizedPayment()
    // Acted and lost; then a 429 asking for longer than we wait.
    onCapture("reset_after")
    onCapture("status_429", { retryAfterSeconds: 60 })
    await expect(gateway.capture({ paymentRef: ref, amount: 300, currency: "eur", idempotencyKey: key("cap") })).rejects.toMatchObject({
      type: "rate_limit_error",
      outcomeUnknown: true,
    })
    expect(capturesOf(ref)).toBe(1)
  })

  it("a 429 on a GET alone is not outcome-unknown", async () => {
    const ref = await authorizedPayment()
    sandbox.state.faults.add([{ kind: "status_429", retryAfterSeconds: 60, match: { method: "GET" } }])
    await expect(gateway.retrieve(ref)).rejects.toMatchObject({ type: "rate_limit_error", outcomeUnknown: false, retryAfterMs: 60_000 })
  })

  it("never puts the API key in an error", async () => {
    const strict = await startMollieSandbox({ apiKeys: [API_KEY] })
    const wrong = makeGateway({ baseUrl: strict.url, apiKey: "test_wrongkey00000000000000000001" })
    strict.state.faults.add([{ kind: "reset_before", times: 3 }])
    const errors = [
      await wrong.retrieve("tr_x").catch((e: unknown) => e),
      await wrong.retrieve("tr_x").catch((e: unknown) => e),
    ]
    await strict.close()
    expect(errors[0]).toMatchObject({ type: "api_connection_error" })
    expect(errors[1]).toMatchObject({ type: "authentication_error", httpStatus: 401 })
    for (const err of errors) {
      expect(JSON.stringify(err)).not.toContain("wrongkey")
      expect(String((err as Error).message)).not.toContain("wrongkey")
      expect(String((err as Error).stack)).not.toContain("wrongkey")
    }
  })

  it("a refused connection is retried and never outcome-unknown", async () => {
    const closed = await startMollieSandbox()
    const url = closed.url
    await closed.close()
    const offline = makeGateway({ baseUrl: url, maxRetries: 1 })
    await expect(offline.capture({ paymentRef: "tr_x", amount: 1, currency: "eur", idempotencyKey: "k" })).rejects.toMatchObject({
      type: "api_connection_error",
      code: "connection_failed",
      outcomeUnknown: false,
    })
  })
})

describe("refunds", () => {
  it("a second identical refund with another key is Mollie's duplicate 409 only without our key in metadata", async () => {
    sandbox.state.config.multiCapture = false
    const ref = await authorizedPayment()
    const capture = await gateway.capture({ paymentRef: ref, amount: 1000, currency: "eur", idempotencyKey: key("cap") })
    await settled(ref, capture.gatewayCaptureId!)
    // Our refunds differ by medusa_key, so two equal partial refunds are both accepted.
    await gateway.refund({ paymentRef: ref, amount: 100, currency: "eur", idempotencyKey: "r_a" })
    await gateway.refund({ paymentRef: ref, amount: 100, currency: "eur", idempotencyKey: "r_b" })
    const body = { amount: { currency: "EUR", value: "1.00" }, description: "Same refund", metadata: null }
    await gateway.client.createRefund(ref, body, "raw_1")
    await expect(gateway.client.createRefund(ref, body, "raw_2")).rejects.toMatchObject({
      type: "invalid_request_error",
      code: "duplicate_refund",
      httpStatus: 409,
      retryable: false,
    })
  })

  it("422 with field amount when refunding more than was captured", async () => {
    const ref = await authorizedPayment()
    const capture = await gateway.capture({ paymentRef: ref, amount: 500, currency: "eur", idempotencyKey: key("cap") })
    await settled(ref, capture.gatewayCaptureId!)
    await expect(gateway.refund({ paymentRef: ref, amount: 501, currency: "eur", idempotencyKey: key("ref") })).rejects.toMatchObject({
      httpStatus: 422,
      param: "amount",
    })
  })

  it("rejects amounts that are not positive integers before calling Mollie", async () => {
    const before = sandbox.state.requests
    await expect(gateway.refund({ paymentRef: "tr_x", amount: 1.5, currency: "eur", idempotencyKey: "k" })).rejects.toMatchObject({ param: "amount" })
    await expect(gateway.capture({ paymentRef: "tr_x", amount: 100, currency: "euro", idempotencyKey: "k" })).rejects.toMatchObject({ param: "currency" })
    expect(sandbox.state.requests).toBe(before)
  })
})

describe("refund description (create-refund lists it as required)", () => {
  async function capturedPayment(amount = 1000): Promise<string> {
    const ref = await authorizedPayment(amount)
    const capture = await gateway.capture({ paymentRef: ref, amount, currency: "eur", idempotencyKey: key("cap") })
    await settled(ref, capture.gatewayCaptureId!)
    return ref
  }

  /** What Mollie (the simulator) stored for the refund. */
  const sentDescription = (refundId: string | undefined): string | undefined => sandbox.state.refunds.get(refundId!)?.description

  it("a client that leaves the description out gets Mollie's 422 for field description", async () => {
    const ref = await capturedPayment()
    const body = { amount: { currency: "EUR", value: "1.00" }, metadata: null } as unknown as CreateRefundBody
    await expect(gateway.client.createRefund(ref, body, key("raw"))).rejects.toMatchObject({
      type: "invalid_request_error",
      httpStatus: 422,
      param: "description",
      retryable: false,
    })
  })

  it("without a note: Refund <refund id> of order #<display id>", async () => {
    const ref = await capturedPayment()
    const result = await gateway.refund({ paymentRef: ref, amount: 100, currency: "eur", idempotencyKey: "capref_01", refundId: "capref_01", orderDisplayId: 1001 })
    expect(result.status).toBe("pending")
    expect(sentDescription(result.gatewayRefundId)).toBe("Refund capref_01 of order #1001")
    expect((result.raw as MollieRefund).description).toBe("Refund capref_01 of order #1001")
  })

  it("without a note or an order: Refund <refund id>", async () => {
    const ref = await capturedPayment()
    const result = await gateway.refund({ paymentRef: ref, amount: 100, currency: "eur", idempotencyKey: "capref_02", refundId: "capref_02", orderDisplayId: null })
    expect(sentDescription(result.gatewayRefundId)).toBe("Refund capref_02")
  })

  it("the operator's note, when there is one (and a blank note is no note)", async () => {
    const ref = await capturedPayment()
    const noted = await gateway.refund({
      paymentRef: ref,
      amount: 100,
      currency: "eur",
      idempotencyKey: key("ref"),
      refundId: "capref_03",
      orderDisplayId: 7,
      description: "One mug arrived broken",
    })
    expect(sentDescription(noted.gatewayRefundId)).toBe("One mug arrived broken")
    const blank = await gateway.refund({ paymentRef: ref, amount: 100, currency: "eur", idempotencyKey: key("ref"), refundId: "capref_04", orderDisplayId: 7, description: "   " })
    expect(sentDescription(blank.gatewayRefundId)).toBe("Refund capref_04 of order #7")
  })

  it("a note longer than Mollie's 255 characters is shortened, not refused", async () => {
    const ref = await capturedPayment()
    const note = "\u{1F4E6}".repeat(300) // 300 characters, 600 UTF-16 code units
    const result = await gateway.refund({ paymentRef: ref, amount: 100, currency: "eur", idempotencyKey: key("ref"), refundId: "capref_05", description: note })
    const sent = sentDescription(result.gatewayRefundId)!
    expect([...sent]).toHaveLength(255)
    expect(sent).toBe("\u{1F4E6}".repeat(254) + "\u2026")
  })
})
