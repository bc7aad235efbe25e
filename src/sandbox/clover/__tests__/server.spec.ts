/**
 * The simulator's contract (see the doc comment of `server.ts`), exercised over HTTP with plain
 * fetch: no client of ours in between, so these tests pin the wire format itself.
 */
import { startCloverSandbox, type CloverSandboxHandle } from "../index"

const KEY = "ab86a5e8-48f3-b3bd-8c45-d415e9867833"

let sandbox: CloverSandboxHandle
let seq = 0
const newKey = (label: string) => `${label}-${++seq}`

beforeAll(async () => {
  sandbox = await startCloverSandbox()
})
afterAll(() => sandbox.close())
beforeEach(() => sandbox.state.reset())

type CallOptions = { body?: unknown; key?: string | null; ip?: string | null; auth?: string | null; raw?: string }
type Answer = { status: number; body: any; headers: Headers }

async function call(method: "GET" | "POST" | "DELETE", path: string, opts: CallOptions = {}): Promise<Answer> {
  const headers: Record<string, string> = { Accept: "application/json" }
  if (opts.auth !== null) headers.Authorization = opts.auth ?? `Bearer ${KEY}`
  if (method === "POST") {
    headers["Content-Type"] = "application/json"
    if (opts.key !== null) headers["idempotency-key"] = opts.key ?? newKey("k")
    if (opts.ip !== null) headers["x-forwarded-for"] = opts.ip ?? "203.0.113.7"
  }
  const res = await fetch(sandbox.url + path, {
    method,
    headers,
    body: method === "POST" ? opts.raw ?? JSON.stringify(opts.body ?? {}) : undefined,
  })
  const text = await res.text()
  let body: unknown = text
  try {
    body = JSON.parse(text)
  } catch {
    // left as text
  }
  return { status: res.status, body, headers: res.headers }
}

/** A new token of a test card each time: Clover's tokens are single-use. */
const token = (card = "clv_test_visa") => `${card}-${++seq}`
const authorize = async (amount = 1100, source = "clv_test_visa") => {
  const res = await call("POST", "/v1/charges", { body: { amount, currency: "usd", source: token(source), capture: false } })
  expect(res.status).toBe(200)
  return res.body as { id: string; [k: string]: unknown }
}
const capture = (id: string, body: unknown = {}, key?: string) => call("POST", `/v1/charges/${id}/capture`, { body, key })
const refund = (body: unknown, key?: string) => call("POST", "/v1/refunds", { body, key })

describe("headers (docs/gateways/clover.md#required-headers)", () => {
  it.each<[string, CallOptions]>([
    ["no Authorization", { auth: null }],
    ["not a bearer token", { auth: `Basic ${KEY}` }],
    ["a too short token", { auth: "Bearer abc" }],
  ])("401 authentication_error: %s", async (_name, opts) => {
    const res = await call("GET", "/v1/charges/ANY", opts)
    expect(res.status).toBe(401)
    expect(res.body.error).toMatchObject({ type: "authentication_error" })
    // Clover documents no code for a 401.
    expect(res.body.error.code).toBeUndefined()
    expect(JSON.stringify(res.body)).not.toContain(KEY)
  })

  it("restricts keys when privateKeys is given", async () => {
    const strict = await startCloverSandbox({ privateKeys: ["only-this-key-1"] })
    try {
      const res = await fetch(`${strict.url}/v1/refunds`, { headers: { Authorization: `Bearer ${KEY}` } })
      expect(res.status).toBe(401)
      const ok = await fetch(`${strict.url}/v1/refunds`, { headers: { Authorization: "Bearer only-this-key-1" } })
      expect(ok.status).toBe(200)
    } finally {
      await strict.close()
    }
  })

  it.each([
    ["POST /v1/charges", "/v1/charges"],
    ["POST capture", "/v1/charges/X/capture"],
  ])("x-forwarded-for is required on %s", async (_name, path) => {
    const res = await call("POST", path, { ip: null, body: { amount: 100, currency: "usd", source: "clv_test_visa" } })
    expect(res.status).toBe(400)
    expect(res.body.error).toMatchObject({ type: "invalid_request_error", code: "invalid_request", param: "x-forwarded-for" })
  })

  it("x-forwarded-for is not required on refunds", async () => {
    const charge = await authorize()
    const res = await call("POST", "/v1/refunds", { ip: null, body: { charge: charge.id } })
    expect(res.status).toBe(200)
  })

  it("idempotency-key is required to create a charge", async () => {
    const res = await call("POST", "/v1/charges", { key: null, body: { amount: 100, currency: "usd", source: "clv_test_visa" } })
    expect(res.status).toBe(400)
    expect(res.body.error).toMatchObject({ code: "invalid_request", param: "idempotency-key" })
  })
})

describe("charges (docs/gateways/clover.md#endpoints)", () => {
  it("an auth-only charge has every documented field", async () => {
    const charge = await authorize(1100)
    expect(charge).toMatchObject({
      object: "charge",
      amount: 1100,
      amount_captured: 0,
      amount_refunded: 0,
      currency: "usd",
      captured: false,
      paid: true,
      refunded: false,
      status: "succeeded",
      outcome: { network_status: "approved_by_network", type: "authorized" },
      source: { id: expect.stringMatching(/^clv_test_visa-\d+$/), brand: "VISA", first6: "424242", last4: "4242" },
      livemode: false,
    })
    expect(charge.id).toMatch(/^[A-Z0-9]{13}$/)
    expect(charge.ref_num).toMatch(/^\d{12}$/)
    expect(charge.auth_code).toMatch(/^OK\d{4}$/)
    expect(typeof charge.created).toBe("number")
    expect((await call("GET", `/v1/charges/${charge.id}`)).body).toEqual(charge)
  })

  it('accepts capture: "false" as in Clover\'s pre-auth example, and captures by default', async () => {
    const auth = await call("POST", "/v1/charges", { body: { amount: 500, currency: "usd", source: "clv_test_mastercard", capture: "false" } })
    expect(auth.body).toMatchObject({ captured: false, source: { brand: "MC" } })
    const sale = await call("POST", "/v1/charges", { body: { amount: 500, currency: "usd", source: "clv_test_visa" } })
    expect(sale.body).toMatchObject({ captured: true, amount_captured: 500 })
  })

  it("declines with the decline code and keeps the failed charge", async () => {
    const res = await call("POST", "/v1/charges", {
      body: { amount: 500, currency: "usd", source: "clv_test_decline_insufficient_funds", capture: false },
    })
    expect(res.status).toBe(402)
    expect(res.body.error).toMatchObject({
      type: "card_error",
      code: "card_declined",
      decline_code: "insufficient_funds",
      doc_url: expect.stringContaining("clover.com"),
    })
    const failed = await call("GET", `/v1/charges/${res.body.error.charge}`)
    expect(failed.body).toMatchObject({ status: "failed", paid: false, captured: false, failure_code: "insufficient_funds" })
  })

  it.each<[string, Record<string, unknown>, string, string]>([
    ["missing amount", { currency: "usd", source: "clv_test_visa" }, "amount", "missing"],
    ["fractional amount", { amount: 10.5, currency: "usd", source: "clv_test_visa" }, "amount", "invalid_charge_amount"],
    ["too large", { amount: 100_000_000, currency: "usd", source: "clv_test_visa" }, "amount", "amount_too_large"],
    ["bad currency", { amount: 1, currency: "dollars", source: "clv_test_visa" }, "currency", "invalid_request"],
    ["unknown token", { amount: 1, currency: "usd", source: "clv_real" }, "source", "invalid_request"],
    ["bad email", { amount: 1, currency: "usd", source: "clv_test_visa", receipt_email: "nope" }, "receipt_email", "email_invalid"],
  ])("400 for %s", async (_name, body, param, code) => {
    const res = await call("POST", "/v1/charges", { body })
    expect(res.status).toBe(400)
    expect(res.body.error).toMatchObject({ type: "invalid_request_error", param, code })
  })

  it("404 for an unknown charge, 404/405 for unknown routes", async () => {
    expect((await call("GET", "/v1/charges/NOPE")).body.error).toMatchObject({ code: "resource_missing", param: "chargeId" })
    expect((await call("GET", "/v1/nothing")).status).toBe(404)
    expect((await call("DELETE", "/v1/charges/X")).status).toBe(405)
  })
})

describe("capture (docs/gateways/clover.md#capture)", () => {
  it("partial capture stores receipt_email and level2 and releases the rest", async () => {
    const charge = await authorize(1100)
    const level2 = { tax_amount: 50, pc_order_number: "PO-7", freight_amount: 100, tax_indicator: 1 }
    const res = await capture(charge.id, { amount: 600, receipt_email: "buyer@example.com", level2 })
    expect(res.status).toBe(200)
    expect(res.body).toMatchObject({ captured: true, amount: 1100, amount_captured: 600, amount_refunded: 0, receipt_email: "buyer@example.com", level2 })
    // One capture per charge: the rest is gone.
    const again = await capture(charge.id, { amount: 100 })
    expect(again.status).toBe(400)
    expect(again.body.error).toMatchObject({ type: "invalid_request_error", code: "charge_already_captured" })
  })

  it("captures the whole charge without an amount", async () => {
    const charge = await authorize(800)
    expect((await capture(charge.id)).body).toMatchObject({ captured: true, amount_captured: 800 })
  })

  it.each<[string, Record<string, unknown>, string, string]>([
    // invalid_charge_amount is Clover's code for creating a charge; nothing is documented for capture.
    ["amount above the charge", { amount: 1101 }, "amount", "invalid_request"],
    ["unknown level2 field", { level2: { tax_rate: 0.1 } }, "level2.tax_rate", "invalid_request"],
    ["tax without order number", { level2: { tax_amount: 10 } }, "level2.pc_order_number", "missing"],
    ["tax above the amount", { amount: 100, level2: { tax_amount: 101, pc_order_number: "P" } }, "level2.tax_amount", "invalid_tax_amount"],
    ["fractional level2 money", { level2: { freight_amount: 1.5 } }, "level2.freight_amount", "invalid_request"],
    ["bad split shipment", { level2: { split_shipment: "2 of 3" } }, "level2.split_shipment", "invalid_request"],
    ["bad receipt email", { receipt_email: "x@" }, "receipt_email", "email_invalid"],
  ])("400 for %s", async (_name, body, param, code) => {
    const charge = await authorize(1100)
    const res = await capture(charge.id, body)
    expect(res.status).toBe(400)
    expect(res.body.error).toMatchObject({ param, code })
    expect((await call("GET", `/v1/charges/${charge.id}`)).body.captured).toBe(false)
  })

  it("capture decline tokens decline every capture, the charge stays releasable", async () => {
    const charge = await authorize(500, "clv_test_capture_decline_expired_card")
    const res = await capture(charge.id, { amount: 500 })
    expect(res.status).toBe(402)
    expect(res.body.error).toMatchObject({ type: "card_error", decline_code: "expired_card", charge: charge.id })
    expect((await refund({ charge: charge.id })).status).toBe(200)
  })

  it("cannot capture a released or failed charge", async () => {
    const charge = await authorize()
    await refund({ charge: charge.id })
    // charge_already_refunded is Clover's code for refunds, not captures.
    expect((await capture(charge.id)).body.error.code).toBe("invalid_request")
    const declined = await call("POST", "/v1/charges", { body: { amount: 5, currency: "usd", source: "clv_test_decline_do_not_honor", capture: false } })
    expect((await capture(declined.body.error.charge)).body.error.code).toBe("invalid_request")
  })
})

describe("refunds (docs/gateways/clover.md#refunds-and-releasing-a-hold)", () => {
  it("refunds up to what was captured", async () => {
    const charge = await authorize(1100)
    await capture(charge.id, { amount: 600 })
    const first = await refund({ charge: charge.id, amount: 200, reason: "requested_by_customer", metadata: { idempotency_key: "r1" } })
    expect(first.status).toBe(200)
    expect(first.body).toMatchObject({ object: "refund", amount: 200, charge: charge.id, status: "succeeded", reason: "requested_by_customer" })
    // Clover's refund object has no currency.
    expect(first.body.currency).toBeUndefined()
    const over = await refund({ charge: charge.id, amount: 401 })
    expect(over.status).toBe(400)
    expect(over.body.error).toMatchObject({ code: "amount_too_large", param: "amount" })
    const rest = await refund({ charge: charge.id })
    expect(rest.body.amount).toBe(400)
    expect((await refund({ charge: charge.id, amount: 1 })).body.error.code).toBe("charge_already_refunded")
    expect((await call("GET", `/v1/charges/${charge.id}`)).body).toMatchObject({ amount_refunded: 600, refunded: true })
    const list = await call("GET", `/v1/refunds?charge=${charge.id}`)
    expect(list.body).toMatchObject({ object: "list", url: "/v1/refunds", has_more: false })
    // Newest first (Clover's "List refunds": "The newest refund is first in the list").
    expect(list.body.data.map((r: { id: string }) => r.id)).toEqual([rest.body.id, first.body.id])
    expect((await call("GET", `/v1/refunds/${first.body.id}`)).body).toEqual(first.body)
  })

  it("pages a charge's refunds as Clover documents: 10 by default, limit ≤ 100, starting_after, has_more", async () => {
    const charge = await authorize(5000)
    await capture(charge.id)
    const made: string[] = []
    for (let i = 0; i < 23; i++) made.push((await refund({ charge: charge.id, amount: 1 + i })).body.id)
    const other = await authorize(900)
    await capture(other.id)
    await refund({ charge: other.id, amount: 7 })
    const newestFirst = [...made].reverse()
    const ids = (list: Answer) => list.body.data.map((r: { id: string }) => r.id)

    const first = await call("GET", `/v1/refunds?charge=${charge.id}`)
    expect(first.body).toMatchObject({ object: "list", has_more: true })
    expect(ids(first)).toEqual(newestFirst.slice(0, 10))

    // Clover's example of starting_after answers the named object and those following it.
    const second = await call("GET", `/v1/refunds?charge=${charge.id}&limit=5&starting_after=${newestFirst[9]}`)
    expect(ids(second)).toEqual(newestFirst.slice(9, 14))
    expect(second.body.has_more).toBe(true)
    const last = await call("GET", `/v1/refunds?charge=${charge.id}&limit=100&starting_after=${newestFirst[20]}`)
    expect(ids(last)).toEqual(newestFirst.slice(20))
    expect(last.body.has_more).toBe(false)
    expect(ids(await call("GET", `/v1/refunds?charge=${charge.id}&limit=100`))).toEqual(newestFirst)

    for (const limit of ["0", "101", "ten", "1.5"]) {
      const bad = await call("GET", `/v1/refunds?charge=${charge.id}&limit=${limit}`)
      expect(bad.status).toBe(400)
      expect(bad.body.error).toMatchObject({ type: "invalid_request_error", param: "limit" })
    }
    const unknown = await call("GET", `/v1/refunds?charge=${charge.id}&starting_after=NOSUCHREFUND1`)
    expect(unknown.status).toBe(404)
    expect(unknown.body.error).toMatchObject({ code: "resource_missing", param: "starting_after" })
  })

  it("releases an uncaptured charge in full only, once", async () => {
    const charge = await authorize(900)
    const partial = await refund({ charge: charge.id, amount: 100 })
    expect(partial.body.error).toMatchObject({ code: "invalid_request", param: "amount" })
    const release = await refund({ charge: charge.id })
    expect(release.body).toMatchObject({ amount: 900, status: "succeeded" })
    expect((await call("GET", `/v1/charges/${charge.id}`)).body).toMatchObject({ captured: false, refunded: true, amount_refunded: 900 })
    expect((await refund({ charge: charge.id })).body.error.code).toBe("charge_already_refunded")
  })

  it("refund decline tokens", async () => {
    const charge = await authorize(500, "clv_test_refund_decline_processing_error")
    await capture(charge.id)
    const res = await refund({ charge: charge.id, amount: 100 })
    expect(res.status).toBe(402)
    expect(res.body.error).toMatchObject({ type: "card_error", decline_code: "processing_error" })
  })

  it("400/404 for bad refund requests", async () => {
    expect((await refund({})).body.error).toMatchObject({ code: "missing", param: "charge" })
    expect((await refund({ charge: "NOPE" })).status).toBe(404)
    const charge = await authorize()
    expect((await refund({ charge: charge.id, reason: "because" })).body.error.param).toBe("reason")
    expect((await call("GET", "/v1/refunds/NOPE")).status).toBe(404)
  })
})

describe("idempotency", () => {
  it("same key and body → the stored response, replayed", async () => {
    const body = { amount: 700, currency: "usd", source: "clv_test_visa", capture: false }
    const first = await call("POST", "/v1/charges", { body, key: "same" })
    const second = await call("POST", "/v1/charges", { body: { capture: false, source: "clv_test_visa", currency: "usd", amount: 700 }, key: "same" })
    expect(second.body).toEqual(first.body)
    expect(second.headers.get("idempotent-replayed")).toBe("true")
    expect(first.headers.get("idempotent-replayed")).toBeNull()
    const state = (await call("GET", "/__control/state")).body
    expect(state.counts).toMatchObject({ charges: 1, replays: 1 })
  })

  it("same key, other body or endpoint → 409 idempotency_error", async () => {
    const charge = await authorize()
    await capture(charge.id, { amount: 100 }, "cap-key")
    const other = await capture(charge.id, { amount: 200 }, "cap-key")
    expect(other.status).toBe(409)
    expect(other.body.error).toMatchObject({ type: "idempotency_error", param: "idempotency-key" })
    expect(other.body.error.code).toBeUndefined()
    const elsewhere = await refund({ charge: charge.id }, "cap-key")
    expect(elsewhere.status).toBe(409)
  })

  it("a decline is replayed, a validation error is not stored", async () => {
    const body = { amount: 5, currency: "usd", source: "clv_test_decline_lost_card", capture: false }
    const first = await call("POST", "/v1/charges", { body, key: "d" })
    const again = await call("POST", "/v1/charges", { body, key: "d" })
    expect(again.status).toBe(402)
    expect(again.body).toEqual(first.body)
    const bad = await call("POST", "/v1/charges", { body: { currency: "usd" }, key: "v" })
    expect(bad.status).toBe(400)
    const fixed = await call("POST", "/v1/charges", { body: { amount: 5, currency: "usd", source: "clv_test_visa" }, key: "v" })
    expect(fixed.status).toBe(200)
  })

  it("keys are scoped per private key", async () => {
    const body = { amount: 5, currency: "usd", capture: false }
    const a = await call("POST", "/v1/charges", { body: { ...body, source: token() }, key: "shared" })
    const b = await call("POST", "/v1/charges", { body: { ...body, source: token() }, key: "shared", auth: "Bearer another-private-key" })
    expect(b.body.id).not.toBe(a.body.id)
  })
})

describe("faults and control API", () => {
  const queue = (faults: unknown[]) => call("POST", "/__control/faults", { body: { faults }, key: null, ip: null })

  it("answers 5xx and 429 with Clover error bodies without acting", async () => {
    const charge = await authorize()
    await queue([
      { kind: "status_500", match: { path: "/capture" } },
      { kind: "status_503", match: { path: "/capture" } },
      { kind: "status_429", match: { path: "/capture" }, retryAfterSeconds: 2 },
    ])
    const r500 = await capture(charge.id)
    expect(r500.status).toBe(500)
    expect(r500.body.error).toMatchObject({ type: "api_error" })
    expect((await capture(charge.id)).status).toBe(503)
    const r429 = await capture(charge.id)
    expect(r429.status).toBe(429)
    expect(r429.headers.get("retry-after")).toBe("2")
    expect(r429.body.error).toMatchObject({ type: "rate_limit_error", code: "rate_limit" })
    expect((await call("GET", `/v1/charges/${charge.id}`)).body.captured).toBe(false)
  })

  it("lost_response acts and stores the idempotency record", async () => {
    const charge = await authorize()
    await queue([{ kind: "lost_response", match: { method: "POST", path: "/capture" } }])
    await expect(capture(charge.id, { amount: 300 }, "lost")).rejects.toThrow()
    const replay = await capture(charge.id, { amount: 300 }, "lost")
    expect(replay.status).toBe(200)
    expect(replay.headers.get("idempotent-replayed")).toBe("true")
    const state = (await call("GET", "/__control/state")).body
    expect(state.charges[0].counts).toEqual({ captures: 1, capture_requests: 1, refunds: 0, replays: 1 })
  })

  it("malformed answers 200 with a truncated body after acting", async () => {
    const charge = await authorize()
    await queue([{ kind: "malformed", match: { path: "/capture" } }])
    const res = await capture(charge.id)
    expect(res.status).toBe(200)
    expect(typeof res.body).toBe("string")
    expect(sandbox.state.charges.get(charge.id)!.captured).toBe(true)
  })

  it("validates, lists, clears faults and resets", async () => {
    const bad = await queue([{ kind: "explode" }])
    expect(bad.status).toBe(400)
    expect(bad.body.error.param).toBe("faults[0].kind")
    await queue([{ kind: "timeout" }, { kind: "delay", delayMs: 5, times: 2 }])
    expect((await call("GET", "/__control/faults")).body.faults).toHaveLength(2)
    expect((await call("DELETE", "/__control/faults")).body).toEqual({ cleared: 2 })
    await authorize()
    expect((await call("POST", "/__control/reset", { key: null, ip: null })).body).toEqual({ reset: true })
    expect((await call("GET", "/__control/state")).body.counts).toEqual({ charges: 0, captures: 0, refunds: 0, requests: 0, replays: 0 })
  })
})
