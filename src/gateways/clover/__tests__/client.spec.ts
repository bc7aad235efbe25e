/**
 * What the client puts on the wire and how it sequences attempts, with a scripted fetch so exact
 * sequences (timeout, then a 4xx) can be produced.
 */
import { GatewayError, GatewayLookupDiscrepancy } from "../../gateway"
import { CloverClient } from "../client"
import { CloverGateway } from "../clover-gateway"

const KEY = "scripted-private-key-xyz"

type Seen = { url: string; method: string; headers: Record<string, string>; body?: string }

function scripted(...steps: Array<() => Response>) {
  const seen: Seen[] = []
  let i = 0
  const fetchFn = (async (input: URL | string, init?: RequestInit) => {
    seen.push({
      url: String(input),
      method: init?.method ?? "GET",
      headers: { ...(init?.headers as Record<string, string>) },
      body: typeof init?.body === "string" ? init.body : undefined,
    })
    return steps[Math.min(i++, steps.length - 1)]()
  }) as unknown as typeof fetch
  return { fetchFn, seen }
}

const json = (status: number, body: unknown, headers: Record<string, string> = {}) => () =>
  new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json", ...headers } })
const timeout = () => {
  throw Object.assign(new Error("The operation was aborted due to timeout"), { name: "TimeoutError" })
}

const CHARGE = {
  id: "CH0000000001A",
  amount: 1000,
  amount_captured: 400,
  amount_refunded: 0,
  currency: "usd",
  captured: true,
  paid: true,
  status: "succeeded",
  ref_num: "123456789012",
  auth_code: "OK1234",
}

const client = (fetchFn: typeof fetch, maxRetries = 2) =>
  new CloverClient({ privateKey: KEY, baseUrl: "http://clover.test", clientIp: "192.0.2.1", maxRetries, initialBackoffMs: 1, maxBackoffMs: 2, fetch: fetchFn })

describe("CloverClient on the wire", () => {
  it("POST: bearer key, the caller's idempotency-key on every attempt, x-forwarded-for, JSON body", async () => {
    const { fetchFn, seen } = scripted(json(503, { error: { type: "api_error" } }), json(200, CHARGE))
    await client(fetchFn).captureCharge("CH0000000001A", { amount: 400 }, { idempotencyKey: "cap_row_1" })
    expect(seen).toHaveLength(2)
    for (const attempt of seen) {
      expect(attempt.url).toBe("http://clover.test/v1/charges/CH0000000001A/capture")
      expect(attempt.method).toBe("POST")
      expect(attempt.headers).toMatchObject({
        Authorization: `Bearer ${KEY}`,
        "idempotency-key": "cap_row_1",
        "x-forwarded-for": "192.0.2.1",
        "Content-Type": "application/json",
      })
      expect(JSON.parse(attempt.body!)).toEqual({ amount: 400 })
    }
  })

  it("GET: no idempotency key, no body", async () => {
    const { fetchFn, seen } = scripted(json(200, { object: "list", data: [] }))
    await client(fetchFn).listRefunds({ charge: "CH0000000001A" })
    expect(seen[0].url).toBe("http://clover.test/v1/refunds?charge=CH0000000001A")
    expect(seen[0].headers).not.toHaveProperty("idempotency-key")
    expect(seen[0].body).toBeUndefined()
  })

  it("a per-call client IP wins; refunds go without one when none is known", async () => {
    const { fetchFn, seen } = scripted(json(200, { id: "R1", charge: "C", currency: "usd", status: "succeeded", amount: 1 }))
    const noIp = new CloverClient({ privateKey: KEY, baseUrl: "http://clover.test", fetch: fetchFn })
    await noIp.createRefund({ charge: "C" }, { idempotencyKey: "r1" })
    expect(seen[0].headers).not.toHaveProperty("x-forwarded-for")
    await expect(noIp.captureCharge("C", {}, { idempotencyKey: "c1" })).rejects.toMatchObject({ param: "x-forwarded-for" })
    const { fetchFn: f2, seen: s2 } = scripted(json(200, CHARGE))
    await client(f2).captureCharge("C", {}, { idempotencyKey: "c1", clientIp: "203.0.113.9" })
    expect(s2[0].headers["x-forwarded-for"]).toBe("203.0.113.9")
  })

  it("refuses a POST without a usable idempotency key", async () => {
    const { fetchFn, seen } = scripted(json(200, CHARGE))
    await expect(client(fetchFn).captureCharge("C", {}, { idempotencyKey: "" })).rejects.toMatchObject({ param: "idempotency-key" })
    await expect(client(fetchFn).captureCharge("C", {}, { idempotencyKey: "has space" })).rejects.toBeInstanceOf(GatewayError)
    expect(seen).toHaveLength(0)
  })

  it("authentication_error is not retried and hides the key even if echoed", async () => {
    const { fetchFn, seen } = scripted(json(401, { error: { type: "authentication_error", message: `bad key ${KEY}` } }))
    const err = await client(fetchFn).getCharge("C").catch((e) => e)
    expect(seen).toHaveLength(1)
    expect(err).toMatchObject({ type: "authentication_error", retryable: false })
    expect(err.message).not.toContain(KEY)
  })
})

describe("an unclear outcome stays unclear", () => {
  it.each([
    ["a 409 idempotency error", json(409, { error: { type: "idempotency_error", code: "idempotency_key_reused" } })],
    ["a 400 invalid request", json(400, { error: { type: "invalid_request_error", code: "invalid_charge_amount", param: "amount" } })],
    ["a 404", json(404, { error: { type: "invalid_request_error", code: "resource_missing" } })],
  ])("timeout, then %s → outcomeUnknown", async (_name, second) => {
    const { fetchFn } = scripted(timeout, second)
    const err = await client(fetchFn, 1).captureCharge("C", {}, { idempotencyKey: "k" }).catch((e) => e)
    expect(err).toBeInstanceOf(GatewayError)
    expect(err.outcomeUnknown).toBe(true)
  })

  it("timeout, then a replayed decline → the decline is final", async () => {
    const { fetchFn } = scripted(timeout, json(402, { error: { type: "card_error", code: "card_declined", decline_code: "do_not_honor" } }))
    const err = await client(fetchFn, 1).captureCharge("C", {}, { idempotencyKey: "k" }).catch((e) => e)
    expect(err).toMatchObject({ type: "card_error", outcomeUnknown: false })
  })
})

describe("CloverGateway with scripted answers", () => {
  const gw = (fetchFn: typeof fetch) =>
    new CloverGateway({ privateKey: KEY, baseUrl: "http://clover.test", clientIp: "192.0.2.1", maxRetries: 0, fetch: fetchFn })

  it("a card_error answered with HTTP 400 (as Clover's capture page documents) is still a declined result", async () => {
    const { fetchFn } = scripted(json(400, { error: { type: "card_error", code: "card_declined", decline_code: "insufficient_funds", charge: "CH1", message: "Declined" } }))
    const result = await gw(fetchFn).capture({ paymentRef: "CH1", amount: 100, currency: "usd", idempotencyKey: "k" })
    expect(result).toMatchObject({ status: "failed", declineCode: "insufficient_funds", errorCode: "card_declined" })
  })

  it("a 200 to our capture is the capture of the amount we sent, even when its body says captured: false (Clover's own sample)", async () => {
    const asInTheSample = { ...CHARGE, captured: false, amount_captured: undefined }
    const { fetchFn, seen } = scripted(json(200, asInTheSample))
    const result = await gw(fetchFn).capture({ paymentRef: "CH0000000001A", amount: 400, currency: "usd", idempotencyKey: "k" })
    expect(seen.map((s) => s.method)).toEqual(["POST"])
    expect(result).toMatchObject({ status: "succeeded", amount: 400, gatewayCaptureId: "CH0000000001A:capture" })
  })

  it.each([
    ["another amount_captured", { ...CHARGE, captured: true, amount_captured: 399 }, /amount_captured 399/],
    ["a failed charge", { ...CHARGE, status: "failed" }, /status failed/],
  ])("a 200 whose body shows %s leaves the outcome unknown", async (_what, body, message) => {
    const { fetchFn } = scripted(json(200, body))
    const err = await gw(fetchFn).capture({ paymentRef: "CH0000000001A", amount: 400, currency: "usd", idempotencyKey: "k" }).catch((e) => e)
    expect(err).toMatchObject({ code: "capture_answer_inconsistent", outcomeUnknown: true, message: expect.stringMatching(message) })
  })

  it("charge_already_captured, then the GET fails → outcomeUnknown", async () => {
    const already = json(400, { error: { type: "invalid_request_error", code: "charge_already_captured" } })
    const { fetchFn } = scripted(already, json(401, { error: { type: "authentication_error" } }))
    const err = await gw(fetchFn).capture({ paymentRef: "CH1", amount: 100, currency: "usd", idempotencyKey: "k" }).catch((e) => e)
    expect(err).toMatchObject({ type: "authentication_error", outcomeUnknown: true })
  })

  it("charge_already_refunded on a refund is a success only when our refund is found", async () => {
    const already = json(400, { error: { type: "invalid_request_error", code: "charge_already_refunded" } })
    const mine = { id: "R9", charge: "CH1", currency: "usd", status: "succeeded", amount: 100, metadata: { idempotency_key: "ref_1" } }
    const { fetchFn } = scripted(already, json(200, { object: "list", data: [mine] }))
    expect(await gw(fetchFn).refund({ paymentRef: "CH1", amount: 100, currency: "usd", idempotencyKey: "ref_1" })).toMatchObject({
      status: "succeeded",
      gatewayRefundId: "R9",
    })
    const { fetchFn: other } = scripted(already, json(200, { object: "list", data: [] }))
    await expect(gw(other).refund({ paymentRef: "CH1", amount: 100, currency: "usd", idempotencyKey: "ref_1" })).rejects.toMatchObject({
      code: "charge_already_refunded",
    })
  })

  it("reads the refund list page by page (limit=100, starting_after) and, at the page cap, answers 'cannot tell', never 'not found'", async () => {
    let n = 0
    // Clover always has more: 100 refunds a page, none of them ours.
    const endless = () => {
      const data = Array.from({ length: 100 }, () => ({ id: `R${String(++n).padStart(12, "0")}`, charge: "CH1", currency: "usd", status: "succeeded", amount: 1 }))
      return new Response(JSON.stringify({ object: "list", has_more: true, data }), { status: 200, headers: { "content-type": "application/json" } })
    }
    const { fetchFn, seen } = scripted(endless)
    const err = await gw(fetchFn).retrieveRefund({ paymentRef: "CH1", idempotencyKey: "ref_1", amount: 100, requestedAt: new Date() }).catch((e) => e)
    expect(err).toBeInstanceOf(GatewayLookupDiscrepancy)
    expect(err).toMatchObject({ reason: "incomplete", outcomeUnknown: true })
    expect(seen).toHaveLength(20)
    expect(seen[0].url).toBe("http://clover.test/v1/refunds?charge=CH1&limit=100")
    expect(seen[1].url).toBe(`http://clover.test/v1/refunds?charge=CH1&limit=100&starting_after=R${String(100).padStart(12, "0")}`)
  })

  it("a list in another shape (the platform API's `elements`) is a malformed answer, not an empty list", async () => {
    const { fetchFn } = scripted(json(200, { elements: [{ id: "R1", charge: "CH1", currency: "usd", status: "succeeded", amount: 100 }] }))
    const err = await gw(fetchFn).retrieveRefund({ paymentRef: "CH1", idempotencyKey: "ref_1", amount: 100 }).catch((e) => e)
    expect(err).toBeInstanceOf(GatewayError)
    expect(err).not.toBeInstanceOf(GatewayLookupDiscrepancy)
    expect(err.code).toBe("malformed_response")
  })
})

/**
 * Clover documents its idempotency key for creating charges only: a refund whose answer was lost
 * is looked up before anything else, and never sent a second time by the client.
 */
describe("a refund with an unclear answer is looked up, never re-sent blindly", () => {
  const gw = (fetchFn: typeof fetch) =>
    new CloverGateway({ privateKey: KEY, baseUrl: "http://clover.test", clientIp: "192.0.2.1", maxRetries: 2, initialBackoffMs: 1, maxBackoffMs: 2, fetch: fetchFn })
  const req = { paymentRef: "CH1", amount: 700, currency: "usd", idempotencyKey: "ref_1" }
  // As Clover documents a refund: no currency, no metadata.
  const documented = (id: string, amount: number, created = Date.now()) => ({ id, object: "refund", amount, charge: "CH1", created, status: "succeeded" })
  const list = (...data: unknown[]) => json(200, { object: "list", has_more: false, data })
  const reset = () => {
    throw Object.assign(new TypeError("fetch failed"), { cause: { code: "ECONNRESET" } })
  }

  it.each([
    ["a timeout", timeout],
    ["a lost connection", reset],
    ["a 503", json(503, { error: { type: "api_error" } })],
    ["a 200 that cannot be read", () => new Response("{\"id\":", { status: 200 })],
  ])("after %s: one POST, then the list; ours found on Clover's documented fields settles it", async (_what, unclear) => {
    const { fetchFn, seen } = scripted(unclear, list(documented("R2", 50), documented("R1", 700)))
    const result = await gw(fetchFn).refund(req)
    expect(seen.map((s) => `${s.method} ${new URL(s.url).pathname}`)).toEqual(["POST /v1/refunds", "GET /v1/refunds"])
    expect(result).toMatchObject({ status: "succeeded", gatewayRefundId: "R1", amount: 700, currency: undefined })
  })

  it("not in the list: the outcome stays unknown and nothing is sent again", async () => {
    const { fetchFn, seen } = scripted(timeout, list(documented("R2", 50)))
    const err = await gw(fetchFn).refund(req).catch((e) => e)
    expect(err).toMatchObject({ code: "timeout", outcomeUnknown: true })
    expect(seen.filter((s) => s.method === "POST")).toHaveLength(1)
  })

  it("two that fit: unknown, nothing sent again", async () => {
    const { fetchFn, seen } = scripted(timeout, list(documented("R2", 700), documented("R1", 700)))
    await expect(gw(fetchFn).refund(req)).rejects.toMatchObject({ outcomeUnknown: true })
    expect(seen.filter((s) => s.method === "POST")).toHaveLength(1)
  })

  it("the lookup fails too: the refund's own unclear error, not the lookup's", async () => {
    const { fetchFn, seen } = scripted(timeout, json(500, { error: { type: "api_error" } }))
    await expect(gw(fetchFn).refund(req)).rejects.toMatchObject({ code: "timeout", outcomeUnknown: true })
    expect(seen.filter((s) => s.method === "POST")).toHaveLength(1)
  })

  it("what proves nothing happened is still retried: a 429, then the refund", async () => {
    const { fetchFn, seen } = scripted(json(429, { error: { type: "rate_limit_error", code: "rate_limit" } }, { "retry-after": "0" }), json(200, documented("R1", 700)))
    expect(await gw(fetchFn).refund(req)).toMatchObject({ status: "succeeded", gatewayRefundId: "R1", currency: "usd" })
    expect(seen.map((s) => s.method)).toEqual(["POST", "POST"])
  })

  it("a refund answered without currency takes the payment's", async () => {
    const { fetchFn } = scripted(json(200, documented("R1", 700)))
    expect(await gw(fetchFn).refund(req)).toMatchObject({ status: "succeeded", currency: "usd" })
  })
})

describe("a 429 without Retry-After", () => {
  it("waits Clover's one second before the next attempt (was 0–250 ms)", async () => {
    const { fetchFn, seen } = scripted(json(429, { error: { type: "rate_limit_error", code: "rate_limit" } }), json(200, CHARGE))
    const started = Date.now()
    await client(fetchFn).getCharge("CH0000000001A")
    expect(seen).toHaveLength(2)
    expect(Date.now() - started).toBeGreaterThanOrEqual(990)
  })
})
