/**
 * The Clover adapter against the real Clover simulator, over HTTP: no mocks between the client
 * and the server.
 */
import { startCloverSandbox, type CloverSandboxHandle, type Fault } from "../../../sandbox/clover"
import { GatewayError, GatewayLookupDiscrepancy } from "../../gateway"
import { CLOVER_BASE_URLS, CloverGateway, type CloverGatewayOptions } from "../index"

const KEY = "priv-4f1c9e2a-secret-key"
const IP = "198.51.100.20"

let sandbox: CloverSandboxHandle
let seq = 0
const key = (label: string) => `${label}-${++seq}`

beforeAll(async () => {
  sandbox = await startCloverSandbox({ privateKeys: [KEY] })
})
afterAll(() => sandbox.close())
beforeEach(() => sandbox.state.reset())

function gateway(over: Partial<CloverGatewayOptions> = {}): CloverGateway {
  return new CloverGateway({
    privateKey: KEY,
    baseUrl: sandbox.url,
    clientIp: IP,
    timeoutMs: 1000,
    maxRetries: 2,
    initialBackoffMs: 5,
    maxBackoffMs: 20,
    ...over,
  })
}

const faults = (...list: Fault[]) => sandbox.state.faults.add(list)
const CAPTURE = { method: "POST", path: "/capture" }

/** Every thrown error is a GatewayError that does not leak the private key. */
async function caught(promise: Promise<unknown>): Promise<GatewayError> {
  try {
    await promise
  } catch (err) {
    expect(err).toBeInstanceOf(GatewayError)
    expect((err as GatewayError).message).not.toContain(KEY)
    expect(JSON.stringify(err)).not.toContain(KEY)
    return err as GatewayError
  }
  throw new Error("expected a GatewayError")
}

let tokens = 0
/** A new token of the test card each time: Clover's tokens are single-use. */
async function authorized(gw: CloverGateway, amount = 1100, source = "clv_test_visa"): Promise<string> {
  const snapshot = await gw.authorize({ amount, currency: "USD", idempotencyKey: key("auth"), source: `${source}-${++tokens}` })
  expect(snapshot.status).toBe("authorized")
  return snapshot.paymentRef
}

const chargeCounts = (id: string) => sandbox.state.countsOf(id)

describe("configuration", () => {
  it("names, modes and base URL presets", () => {
    expect(gateway().name).toBe("clover")
    expect(new CloverGateway({ privateKey: KEY }).client.baseUrl).toBe(CLOVER_BASE_URLS.sandbox)
    expect(new CloverGateway({ privateKey: KEY }).mode).toBe("test")
    const live = new CloverGateway({ privateKey: KEY, environment: "production" })
    expect(live.mode).toBe("live")
    expect(live.client.baseUrl).toBe("https://scl.clover.com")
    expect(gateway({ environment: "production" }).client.baseUrl).toBe(sandbox.url)
    expect(CLOVER_BASE_URLS.sandbox).toBe("https://scl-sandbox.dev.clover.com")
  })

  it("refuses an unusable key or URL at construction", () => {
    expect(() => new CloverGateway({ privateKey: "" })).toThrow(GatewayError)
    expect(() => new CloverGateway({ privateKey: KEY, baseUrl: "not a url" })).toThrow(/baseUrl/)
  })
})

describe("CloverGateway happy path", () => {
  it("auth-only charge → partial capture with receipt_email + level2 → refund part → refund over captured refused", async () => {
    const gw = gateway()
    const authorizedSnapshot = await gw.authorize({
      amount: 1100,
      currency: "USD",
      idempotencyKey: key("auth"),
      source: "clv_test_visa",
      description: "Order #1001",
      metadata: { order_id: "order_1" },
    })
    expect(authorizedSnapshot).toMatchObject({
      status: "authorized",
      currency: "usd",
      amountAuthorized: 1100,
      amountCaptured: 0,
      amountCapturable: 1100,
    })
    const ref = authorizedSnapshot.paymentRef

    const captured = await gw.capture({
      paymentRef: ref,
      amount: 600,
      currency: "USD",
      idempotencyKey: key("cap"),
      receiptEmail: "buyer@example.com",
      level2: { tax_rate: 0.1, pc_order_number: "PO-1001", freight_amount: 150, destination_postal_code: "94105" },
    })
    expect(captured).toMatchObject({
      status: "succeeded",
      amount: 600,
      currency: "usd",
      gatewayCaptureId: `${ref}:capture`,
      gatewayTransactionId: expect.stringMatching(/^\d{12}$/),
      token: expect.stringMatching(/^OK\d{4}$/),
    })
    const stored = sandbox.state.charges.get(ref)!
    expect(stored.receipt_email).toBe("buyer@example.com")
    // tax included in 600 at 10 %: round(600 × 0.1 / 1.1) = 55.
    expect(stored.level2).toEqual({
      tax_amount: 55,
      tax_indicator: 1,
      pc_order_number: "PO-1001",
      freight_amount: 150,
      destination_postal_code: "94105",
    })

    expect(await gw.retrieve(ref)).toMatchObject({
      status: "partially_captured",
      amountAuthorized: 1100,
      amountCaptured: 600,
      amountCapturable: 0,
      amountRefunded: 0,
    })

    const refunded = await gw.refund({ paymentRef: ref, amount: 250, currency: "USD", idempotencyKey: key("ref"), reason: "requested_by_customer" })
    expect(refunded).toMatchObject({ status: "succeeded", amount: 250, currency: "usd", gatewayRefundId: expect.any(String) })
    expect((await gw.retrieve(ref)).amountRefunded).toBe(250)

    const over = await caught(gw.refund({ paymentRef: ref, amount: 351, currency: "USD", idempotencyKey: key("ref") }))
    expect(over).toMatchObject({ type: "invalid_request_error", code: "amount_too_large", param: "amount", retryable: false, outcomeUnknown: false })
    expect(chargeCounts(ref)).toMatchObject({ captures: 1, refunds: 1 })
  })

  it("retrieveCapture and retrieveRefund find what happened, null otherwise", async () => {
    const gw = gateway()
    const ref = await authorized(gw)
    expect(await gw.retrieveCapture({ paymentRef: ref, idempotencyKey: "k" })).toBeNull()
    expect(await gw.retrieveCapture({ paymentRef: "NOSUCHCHARGE1", idempotencyKey: "k" })).toBeNull()
    await gw.capture({ paymentRef: ref, amount: 1100, currency: "usd", idempotencyKey: key("cap") })
    const viaId = await gw.retrieveCapture({ paymentRef: ref, gatewayId: `${ref}:capture`, idempotencyKey: "k" })
    expect(viaId).toMatchObject({ status: "succeeded", amount: 1100 })
    expect((await gw.retrieve(ref)).status).toBe("captured")

    const refundKey = key("ref")
    expect(await gw.retrieveRefund({ paymentRef: ref, idempotencyKey: refundKey })).toBeNull()
    const refund = await gw.refund({ paymentRef: ref, amount: 100, currency: "usd", idempotencyKey: refundKey })
    expect(await gw.retrieveRefund({ paymentRef: ref, idempotencyKey: refundKey })).toMatchObject({ gatewayRefundId: refund.gatewayRefundId, amount: 100 })
    expect(await gw.retrieveRefund({ paymentRef: ref, gatewayId: refund.gatewayRefundId, idempotencyKey: "x" })).toMatchObject({ status: "succeeded" })
    expect(await gw.retrieveRefund({ paymentRef: ref, gatewayId: "NOSUCHREFUND1", idempotencyKey: "x" })).toBeNull()
  })
})

describe("lookups settle only what is ours (docs/gateways/clover.md#finding-an-operation-again)", () => {
  /** Thrown discrepancy, as the reconciler sees it: an outcome-unknown GatewayError, never null. */
  async function discrepancy(promise: Promise<unknown>): Promise<GatewayLookupDiscrepancy> {
    const err = await caught(promise)
    expect(err).toBeInstanceOf(GatewayLookupDiscrepancy)
    expect(err).toMatchObject({ code: "lookup_discrepancy", outcomeUnknown: true })
    return err as GatewayLookupDiscrepancy
  }

  const listRequests = () => sandbox.state.requests

  it("finds our refund under more than a page of newer refunds on the charge (Clover pages by 100 at most)", async () => {
    const gw = gateway()
    const ref = await authorized(gw, 50_000)
    await gw.capture({ paymentRef: ref, amount: 50_000, currency: "usd", idempotencyKey: key("cap") })
    const requestedAt = new Date()
    const ourKey = key("ref")
    const ours = await gw.refund({ paymentRef: ref, amount: 500, currency: "usd", idempotencyKey: ourKey })
    // 120 newer refunds (made elsewhere, some without metadata): ours is on the second page.
    for (let i = 0; i < 120; i++) {
      if (i % 2) await gw.refund({ paymentRef: ref, amount: 1, currency: "usd", idempotencyKey: key("other") })
      else await gw.client.createRefund({ charge: ref, amount: 1 }, { idempotencyKey: key("dash") })
    }

    const before = listRequests()
    const found = await gw.retrieveRefund({ paymentRef: ref, idempotencyKey: ourKey, amount: 500, requestedAt })
    expect(found).toMatchObject({ status: "succeeded", gatewayRefundId: ours.gatewayRefundId, amount: 500 })
    expect(found?.message).toBeUndefined()
    // Two pages: 100, then from the 100th on.
    expect(listRequests() - before).toBe(2)
    // A key Clover never saw: the whole list was read, so "not there" is the answer.
    expect(await gw.retrieveRefund({ paymentRef: ref, idempotencyKey: key("never"), amount: 777, requestedAt })).toBeNull()
  })

  it("a capture of 3 000 made elsewhere does not settle our 5 000: a discrepancy, not a success", async () => {
    const gw = gateway()
    const ref = await authorized(gw, 5000)
    await gw.client.captureCharge(ref, { amount: 3000 }, { idempotencyKey: key("dashboard") })
    const err = await discrepancy(gw.retrieveCapture({ paymentRef: ref, idempotencyKey: key("cap"), amount: 5000 }))
    expect(err.reason).toBe("mismatch")
    expect(err.message).toMatch(/captured for 3000, but this capture asked for 5000/)
    expect(err.candidates).toEqual([{ id: `${ref}:capture`, amount: 3000, status: "succeeded" }])
    // At our amount it is ours.
    expect(await gw.retrieveCapture({ paymentRef: ref, idempotencyKey: "k", amount: 3000 })).toMatchObject({ status: "succeeded", amount: 3000 })
  })

  it("charge_already_captured for more than we asked is a discrepancy (the row stays unresolved), not a success", async () => {
    const gw = gateway()
    const ref = await authorized(gw, 5000)
    await gw.client.captureCharge(ref, { amount: 5000 }, { idempotencyKey: key("dashboard") })
    const err = await discrepancy(gw.capture({ paymentRef: ref, amount: 3000, currency: "usd", idempotencyKey: key("cap") }))
    expect(err.reason).toBe("mismatch")
  })

  it("a refund without our key (Clover keeps no refund metadata) is matched on charge, amount and time; two such are ambiguous", async () => {
    const gw = gateway()
    const ref = await authorized(gw, 5000)
    await gw.capture({ paymentRef: ref, amount: 5000, currency: "usd", idempotencyKey: key("cap") })
    const requestedAt = new Date()
    const bare = await gw.client.createRefund({ charge: ref, amount: 700 }, { idempotencyKey: key("bare") })
    await gw.client.createRefund({ charge: ref, amount: 300 }, { idempotencyKey: key("bare") })
    const found = await gw.retrieveRefund({ paymentRef: ref, idempotencyKey: key("ref"), amount: 700, requestedAt })
    expect(found).toMatchObject({ gatewayRefundId: bare.id, amount: 700 })
    expect(found?.message).toMatch(/by charge, amount and time/)

    await gw.client.createRefund({ charge: ref, amount: 700 }, { idempotencyKey: key("bare") })
    const err = await discrepancy(gw.retrieveRefund({ paymentRef: ref, idempotencyKey: key("ref"), amount: 700, requestedAt }))
    expect(err.reason).toBe("ambiguous")
    expect(err.candidates).toHaveLength(2)
  })

  it("a refund found by its id with another amount is a discrepancy", async () => {
    const gw = gateway()
    const ref = await authorized(gw, 5000)
    await gw.capture({ paymentRef: ref, amount: 5000, currency: "usd", idempotencyKey: key("cap") })
    const refund = await gw.refund({ paymentRef: ref, amount: 400, currency: "usd", idempotencyKey: key("ref") })
    const err = await discrepancy(gw.retrieveRefund({ paymentRef: ref, gatewayId: refund.gatewayRefundId, idempotencyKey: "x", amount: 450 }))
    expect(err.reason).toBe("mismatch")
  })
})

describe("cancel (release by refund; docs/gateways/clover.md, assumed 5)", () => {
  it("releases an authorization by refunding the uncaptured charge; twice is not an error", async () => {
    const gw = gateway()
    const ref = await authorized(gw, 900)
    const released = await gw.cancel(ref, key("cancel"))
    expect(released).toMatchObject({ status: "canceled", amountCapturable: 0, amountRefunded: 0, amountCaptured: 0 })
    expect(await gw.cancel(ref, key("cancel"))).toMatchObject({ status: "canceled" })
    expect(chargeCounts(ref).refunds).toBe(1)
    const late = await caught(gw.capture({ paymentRef: ref, amount: 100, currency: "usd", idempotencyKey: key("cap") }))
    expect(late).toMatchObject({ code: "invalid_request", message: expect.stringMatching(/released/) })
  })

  it("after a capture nothing is left to release: no refund is sent", async () => {
    const gw = gateway()
    const ref = await authorized(gw, 900)
    await gw.capture({ paymentRef: ref, amount: 400, currency: "usd", idempotencyKey: key("cap") })
    expect(await gw.cancel(ref, key("cancel"))).toMatchObject({ status: "partially_captured", amountCaptured: 400 })
    expect(chargeCounts(ref).refunds).toBe(0)
  })
})

describe("declines are results", () => {
  it("at authorize", async () => {
    const gw = gateway()
    const snapshot = await gw.authorize({ amount: 500, currency: "usd", idempotencyKey: key("auth"), source: "clv_test_decline_insufficient_funds" })
    expect(snapshot).toMatchObject({ status: "failed", declineCode: "insufficient_funds", amountAuthorized: 0 })
    expect(snapshot.paymentRef).toMatch(/^[A-Z0-9]{13}$/)
    expect(await gw.retrieve(snapshot.paymentRef)).toMatchObject({ status: "failed", declineCode: "insufficient_funds" })
  })

  it("at capture", async () => {
    const gw = gateway()
    const ref = await authorized(gw, 500, "clv_test_capture_decline_do_not_honor")
    const result = await gw.capture({ paymentRef: ref, amount: 500, currency: "usd", idempotencyKey: key("cap") })
    expect(result).toMatchObject({ status: "failed", errorCode: "card_declined", declineCode: "do_not_honor", amount: 500, message: expect.any(String) })
    expect(await gw.retrieveCapture({ paymentRef: ref, idempotencyKey: "k" })).toBeNull()
  })

  it("at refund", async () => {
    const gw = gateway()
    const ref = await authorized(gw, 500, "clv_test_refund_decline_processing_error")
    await gw.capture({ paymentRef: ref, amount: 500, currency: "usd", idempotencyKey: key("cap") })
    const result = await gw.refund({ paymentRef: ref, amount: 100, currency: "usd", idempotencyKey: key("ref") })
    expect(result).toMatchObject({ status: "failed", declineCode: "processing_error" })
  })
})

describe("charge_already_captured (docs/gateways/clover.md#capture)", () => {
  it("is a success when the captured amount covers the request", async () => {
    const gw = gateway()
    const ref = await authorized(gw)
    await gw.capture({ paymentRef: ref, amount: 700, currency: "usd", idempotencyKey: key("cap") })
    // Another key: Clover answers charge_already_captured; the charge shows 700 captured.
    const again = await gw.capture({ paymentRef: ref, amount: 700, currency: "usd", idempotencyKey: key("cap") })
    expect(again).toMatchObject({ status: "succeeded", amount: 700, gatewayCaptureId: `${ref}:capture` })
    expect(again.message).toMatch(/already captured/)
    expect(chargeCounts(ref)).toMatchObject({ captures: 1, capture_requests: 2 })
  })

  it("is an error when less was captured than requested", async () => {
    const gw = gateway()
    const ref = await authorized(gw)
    await gw.capture({ paymentRef: ref, amount: 300, currency: "usd", idempotencyKey: key("cap") })
    const err = await caught(gw.capture({ paymentRef: ref, amount: 700, currency: "usd", idempotencyKey: key("cap") }))
    expect(err).toMatchObject({ type: "invalid_request_error", code: "charge_already_captured", retryable: false, outcomeUnknown: false })
    expect(err.message).toMatch(/300/)
  })
})

describe("idempotency", () => {
  it("the same key replays: one charge, one capture", async () => {
    const gw = gateway()
    const authKey = key("auth")
    const a = await gw.authorize({ amount: 800, currency: "usd", idempotencyKey: authKey, source: "clv_test_visa" })
    const b = await gw.authorize({ amount: 800, currency: "usd", idempotencyKey: authKey, source: "clv_test_visa" })
    expect(b.paymentRef).toBe(a.paymentRef)
    const capKey = key("cap")
    const first = await gw.capture({ paymentRef: a.paymentRef, amount: 800, currency: "usd", idempotencyKey: capKey })
    const second = await gw.capture({ paymentRef: a.paymentRef, amount: 800, currency: "usd", idempotencyKey: capKey })
    expect(second).toEqual(first)
    expect(sandbox.state.counts()).toMatchObject({ charges: 1, captures: 1, replays: 2 })
  })

  it("reusing a key for another request is an idempotency_error, not retried", async () => {
    const gw = gateway()
    const ref = await authorized(gw)
    const capKey = key("cap")
    await gw.capture({ paymentRef: ref, amount: 100, currency: "usd", idempotencyKey: capKey })
    const before = sandbox.state.requests
    const err = await caught(gw.capture({ paymentRef: ref, amount: 200, currency: "usd", idempotencyKey: capKey }))
    expect(err).toMatchObject({ type: "idempotency_error", httpStatus: 409, retryable: false, outcomeUnknown: false })
    expect(sandbox.state.requests - before).toBe(1)
    expect(err.message).not.toContain(capKey)
  })
})

describe("errors", () => {
  it("a wrong key is an authentication_error, never retried, with a clear message", async () => {
    const gw = gateway({ privateKey: "wrong-private-key-123" })
    const err = await caught(gw.retrieve("ANYCHARGE0001"))
    expect(err).toMatchObject({ type: "authentication_error", httpStatus: 401, retryable: false })
    expect(err.message).toMatch(/private key/)
    expect(err.message).not.toContain("wrong-private-key-123")
    expect(sandbox.state.requests).toBe(1)
  })

  it("no client IP: refused before sending (Clover requires x-forwarded-for)", async () => {
    const gw = gateway({ clientIp: undefined })
    const err = await caught(gw.authorize({ amount: 100, currency: "usd", idempotencyKey: key("auth"), source: "clv_test_visa" }))
    expect(err).toMatchObject({ type: "invalid_request_error", param: "x-forwarded-for" })
    expect(sandbox.state.requests).toBe(0)
  })

  it("invalid amounts and level2 are refused before sending", async () => {
    const gw = gateway()
    const ref = await authorized(gw)
    const requests = sandbox.state.requests
    await caught(gw.capture({ paymentRef: ref, amount: 10.5, currency: "usd", idempotencyKey: key("cap") }))
    const l2 = await caught(gw.capture({ paymentRef: ref, amount: 100, currency: "usd", idempotencyKey: key("cap"), level2: { tax_amount: 5 } }))
    expect(l2.param).toBe("level2.pc_order_number")
    expect(sandbox.state.requests).toBe(requests)
  })

  it("a 404 is an invalid_request_error with the resource", async () => {
    const err = await caught(gateway().retrieve("NOSUCHCHARGE1"))
    expect(err).toMatchObject({ type: "invalid_request_error", code: "resource_missing", httpStatus: 404, outcomeUnknown: false })
  })

  it("a connection that cannot be made is retryable and not outcome-unknown", async () => {
    const closed = await startCloverSandbox()
    const url = closed.url
    await closed.close()
    const gw = gateway({ baseUrl: url, maxRetries: 1 })
    const err = await caught(gw.capture({ paymentRef: "ANY", amount: 1, currency: "usd", idempotencyKey: key("cap") }))
    expect(err).toMatchObject({ type: "api_connection_error", code: "connection_failed", outcomeUnknown: false })
  })
})

describe("fault injection on capture", () => {
  it.each<[string, Fault]>([
    ["delay", { kind: "delay", delayMs: 50, match: CAPTURE }],
    ["timeout (retried with the same key)", { kind: "timeout", match: CAPTURE }],
    ["500", { kind: "status_500", match: CAPTURE }],
    ["503", { kind: "status_503", match: CAPTURE }],
    ["429", { kind: "status_429", retryAfterSeconds: 0.05, match: CAPTURE }],
    ["reset before acting", { kind: "reset_before", match: CAPTURE }],
    ["reset after acting", { kind: "reset_after", match: CAPTURE }],
    ["lost response", { kind: "lost_response", match: CAPTURE }],
  ])("%s → retried to one capture", async (_name, fault) => {
    const gw = gateway({ timeoutMs: 300 })
    const ref = await authorized(gw)
    faults(fault)
    const result = await gw.capture({ paymentRef: ref, amount: 500, currency: "usd", idempotencyKey: key("cap") })
    expect(result).toMatchObject({ status: "succeeded", amount: 500 })
    expect(chargeCounts(ref).captures).toBe(1)
  })

  it("429 waits what Retry-After asks", async () => {
    const gw = gateway()
    const ref = await authorized(gw)
    faults({ kind: "status_429", retryAfterSeconds: 0.3, match: CAPTURE })
    const started = Date.now()
    await gw.capture({ paymentRef: ref, amount: 500, currency: "usd", idempotencyKey: key("cap") })
    expect(Date.now() - started).toBeGreaterThanOrEqual(290)
  })

  it("429 with a Retry-After beyond the limit surfaces instead of waiting", async () => {
    const gw = gateway({ maxRetryAfterMs: 100 })
    const ref = await authorized(gw)
    faults({ kind: "status_429", retryAfterSeconds: 5, match: CAPTURE })
    const err = await caught(gw.capture({ paymentRef: ref, amount: 500, currency: "usd", idempotencyKey: key("cap") }))
    expect(err).toMatchObject({ type: "rate_limit_error", retryable: true, retryAfterMs: 5000, outcomeUnknown: false })
  })

  it("5xx on every attempt → outcomeUnknown api_error", async () => {
    const gw = gateway()
    const ref = await authorized(gw)
    faults({ kind: "status_500", match: CAPTURE, times: 3 })
    const err = await caught(gw.capture({ paymentRef: ref, amount: 500, currency: "usd", idempotencyKey: key("cap") }))
    expect(err).toMatchObject({ type: "api_error", httpStatus: 500, outcomeUnknown: true })
  })

  it("malformed body → outcomeUnknown, not retried; the capture happened", async () => {
    const gw = gateway()
    const ref = await authorized(gw)
    faults({ kind: "malformed", match: CAPTURE })
    const err = await caught(gw.capture({ paymentRef: ref, amount: 500, currency: "usd", idempotencyKey: key("cap") }))
    expect(err).toMatchObject({ code: "malformed_response", outcomeUnknown: true, retryable: false })
    expect(chargeCounts(ref)).toMatchObject({ captures: 1, capture_requests: 1 })
  })

  it("a GET that fails is never outcome-unknown and is retried", async () => {
    const gw = gateway()
    const ref = await authorized(gw)
    faults({ kind: "reset_before", match: { method: "GET" } }, { kind: "status_503", match: { method: "GET" } })
    expect((await gw.retrieve(ref)).status).toBe("authorized")
    faults({ kind: "status_503", match: { method: "GET" }, times: 3 })
    expect(await caught(gw.retrieve(ref))).toMatchObject({ httpStatus: 503, outcomeUnknown: false })
  })

  it("lost response on capture → outcomeUnknown; retrieveCapture finds it; exactly one capture", async () => {
    const gw = gateway({ maxRetries: 0 })
    const ref = await authorized(gw, 1100)
    faults({ kind: "lost_response", match: CAPTURE })
    const capKey = key("cap")
    const err = await caught(gw.capture({ paymentRef: ref, amount: 640, currency: "usd", idempotencyKey: capKey }))
    expect(err).toMatchObject({ type: "api_connection_error", code: "connection_reset", outcomeUnknown: true })

    const found = await gw.retrieveCapture({ paymentRef: ref, idempotencyKey: capKey })
    expect(found).toMatchObject({ status: "succeeded", amount: 640, gatewayCaptureId: `${ref}:capture` })
    // The reconciler may also simply retry with the same key: the stored answer is replayed.
    const retried = await gw.capture({ paymentRef: ref, amount: 640, currency: "usd", idempotencyKey: capKey })
    expect(retried).toMatchObject({ status: "succeeded", amount: 640 })
    expect(chargeCounts(ref)).toEqual({ captures: 1, capture_requests: 1, refunds: 0, replays: 1 })
    expect(sandbox.state.counts().captures).toBe(1)
  })

  it("timeout then a refused retry stays outcomeUnknown", async () => {
    const gw = gateway({ timeoutMs: 150, maxRetries: 1 })
    const ref = await authorized(gw)
    // The first attempt hangs past the client timeout; the retry is refused with a 400.
    faults({ kind: "timeout", match: CAPTURE })
    const err = await caught(gw.capture({ paymentRef: ref, amount: 5000, currency: "usd", idempotencyKey: key("cap") }))
    expect(err).toMatchObject({ type: "invalid_request_error", code: "invalid_request", outcomeUnknown: true })
  })

  it("refund faults are retried with the same key: one refund", async () => {
    const gw = gateway()
    const ref = await authorized(gw)
    await gw.capture({ paymentRef: ref, amount: 1100, currency: "usd", idempotencyKey: key("cap") })
    faults({ kind: "reset_after", match: { method: "POST", path: "/v1/refunds" } })
    const result = await gw.refund({ paymentRef: ref, amount: 300, currency: "usd", idempotencyKey: key("ref") })
    expect(result).toMatchObject({ status: "succeeded", amount: 300 })
    expect(chargeCounts(ref).refunds).toBe(1)
  })
})
