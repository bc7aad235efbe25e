/**
 * What the simulator promises beyond Clover's documents, by contract (state.ts `CloverContract`),
 * and the rules Clover does document that it used to miss: single-use tokens, pre-authorizations
 * that expire, lower-case currencies, 429 without Retry-After. Plain fetch over HTTP.
 */
import { startCloverSandbox, type CloverSandboxHandle } from "../index"

const KEY = "contract-spec-private-key"
let sandbox: CloverSandboxHandle
let seq = 0

beforeAll(async () => {
  sandbox = await startCloverSandbox()
})
afterAll(() => sandbox.close())
beforeEach(() => sandbox.state.reset())

type Answer = { status: number; body: any; headers: Headers } // eslint-disable-line @typescript-eslint/no-explicit-any

async function call(method: "GET" | "POST", path: string, body?: unknown, key: string = `k-${++seq}`): Promise<Answer> {
  const headers: Record<string, string> = { authorization: `Bearer ${KEY}`, "content-type": "application/json" }
  if (method === "POST" && !path.startsWith("/__control")) Object.assign(headers, { "idempotency-key": key, "x-forwarded-for": "203.0.113.7" })
  const res = await fetch(sandbox.url + path, { method, headers, body: method === "POST" ? JSON.stringify(body ?? {}) : undefined })
  const text = await res.text()
  return { status: res.status, body: text ? JSON.parse(text) : undefined, headers: res.headers }
}
const contract = (c: string) => call("POST", "/__control/config", { contract: c })
const token = (card = "clv_test_visa") => `${card}-${++seq}`
const authorize = async (amount = 1000, source = token()) => {
  const res = await call("POST", "/v1/charges", { amount, currency: "usd", source, capture: false })
  expect(res.status).toBe(200)
  return res.body
}

describe("contract: documented (the default) and strictest", () => {
  it("documented: amount_captured on charges, captured: true in a capture's 200, refunds keep reason and metadata, no currency", async () => {
    expect((await call("GET", "/__control/config")).body).toEqual({ contract: "documented", partialCaptureRest: "released" })
    const charge = await authorize()
    const captured = await call("POST", `/v1/charges/${charge.id}/capture`, { amount: 600 })
    expect(captured.body).toMatchObject({ captured: true, amount_captured: 600 })
    const refund = await call("POST", "/v1/refunds", { charge: charge.id, amount: 100, reason: "requested_by_customer", metadata: { k: "v" } })
    expect(refund.body).toEqual({ id: expect.any(String), object: "refund", amount: 100, charge: charge.id, created: expect.any(Number), status: "succeeded", reason: "requested_by_customer", metadata: { k: "v" } })
  })

  it("strictest: no amount_captured anywhere, captured: false in a capture's 200 (Clover's sample), refunds as Clover's sample shows them", async () => {
    expect((await contract("strictest")).body).toEqual({ contract: "strictest", partialCaptureRest: "released" })
    const charge = await authorize()
    expect(charge).not.toHaveProperty("amount_captured")
    const captured = await call("POST", `/v1/charges/${charge.id}/capture`, { amount: 600 })
    expect(captured.status).toBe(200)
    expect(captured.body).toMatchObject({ captured: false })
    expect(captured.body).not.toHaveProperty("amount_captured")
    const read = (await call("GET", `/v1/charges/${charge.id}`)).body
    expect(read).toMatchObject({ captured: true })
    expect(read).not.toHaveProperty("amount_captured")
    const refund = await call("POST", "/v1/refunds", { charge: charge.id, amount: 100, metadata: { k: "v" } })
    expect(Object.keys(refund.body).sort()).toEqual(["amount", "charge", "created", "id", "object", "status"])
    const list = await call("GET", `/v1/refunds?charge=${charge.id}`)
    expect(Object.keys(list.body.data[0]).sort()).toEqual(["amount", "charge", "created", "id", "object", "status"])
    // The control API still shows everything.
    const state = (await call("GET", "/__control/state")).body
    expect(state.charges[0]).toMatchObject({ amount_captured: 600 })
  })

  it("strictest: idempotency keys are honoured on creating charges only; a repeated refund refunds twice", async () => {
    await contract("strictest")
    const body = { amount: 500, currency: "usd", source: token(), capture: false }
    const first = await call("POST", "/v1/charges", body, "charge-key")
    const again = await call("POST", "/v1/charges", body, "charge-key")
    expect(again.headers.get("idempotent-replayed")).toBe("true")
    expect(again.body.id).toBe(first.body.id)
    await call("POST", `/v1/charges/${first.body.id}/capture`, { amount: 500 })
    const r1 = await call("POST", "/v1/refunds", { charge: first.body.id, amount: 100 }, "refund-key")
    const r2 = await call("POST", "/v1/refunds", { charge: first.body.id, amount: 100 }, "refund-key")
    expect(r2.headers.get("idempotent-replayed")).toBeNull()
    expect(r2.body.id).not.toBe(r1.body.id)
    expect((await call("GET", "/__control/state")).body.charges[0].amount_refunded).toBe(200)
  })

  it("documented: the same refund key replays the first answer", async () => {
    const charge = await authorize(500)
    await call("POST", `/v1/charges/${charge.id}/capture`, { amount: 500 })
    const r1 = await call("POST", "/v1/refunds", { charge: charge.id, amount: 100 }, "refund-key")
    const r2 = await call("POST", "/v1/refunds", { charge: charge.id, amount: 100 }, "refund-key")
    expect(r2.headers.get("idempotent-replayed")).toBe("true")
    expect(r2.body.id).toBe(r1.body.id)
  })

  it("a decline is 402 (documented) or 400 (strictest): Clover lists both, pairs neither", async () => {
    expect((await call("POST", "/v1/charges", { amount: 5, currency: "usd", source: token("clv_test_decline_do_not_honor"), capture: false })).status).toBe(402)
    await contract("strictest")
    const strict = await call("POST", "/v1/charges", { amount: 5, currency: "usd", source: token("clv_test_decline_do_not_honor"), capture: false })
    expect(strict.status).toBe(400)
    expect(strict.body.error).toMatchObject({ type: "card_error", code: "card_declined", decline_code: "do_not_honor" })
  })

  it("refuses an unknown contract and resets to the start option's", async () => {
    expect((await contract("lenient")).status).toBe(400)
    await contract("strictest")
    sandbox.state.reset()
    expect((await call("GET", "/__control/config")).body).toEqual({ contract: "documented", partialCaptureRest: "released" })
  })
})

describe("rules Clover documents", () => {
  it("a card token is single-use: token_already_used", async () => {
    const source = token()
    await authorize(100, source)
    const again = await call("POST", "/v1/charges", { amount: 100, currency: "usd", source, capture: false })
    expect(again.status).toBe(400)
    expect(again.body.error).toMatchObject({ code: "token_already_used", param: "source" })
  })

  it("a pre-authorization expires: Visa after 7 days, Mastercard after 30 (the clock moved, not waited for)", async () => {
    const visa = await authorize(100, token("clv_test_visa"))
    const mc = await authorize(100, token("clv_test_mastercard"))
    expect((await call("POST", "/__control/clock", { advanceSeconds: 7 * 86_400 + 60 })).status).toBe(200)
    const late = await call("POST", `/v1/charges/${visa.id}/capture`, {})
    expect(late.status).toBe(400)
    expect(late.body.error.message).toMatch(/expired/)
    expect((await call("POST", `/v1/charges/${mc.id}/capture`, { amount: 50 })).status).toBe(200)
    const mc2 = await authorize(100, token("clv_test_mastercard"))
    await call("POST", "/__control/clock", { advanceSeconds: 30 * 86_400 + 60 })
    expect((await call("POST", `/v1/charges/${mc2.id}/capture`, {})).status).toBe(400)
  })

  it("currency in lower case only, as the reference gives it", async () => {
    const upper = await call("POST", "/v1/charges", { amount: 100, currency: "USD", source: token(), capture: false })
    expect(upper.status).toBe(400)
    expect(upper.body.error.param).toBe("currency")
  })

  it("a 429 carries no Retry-After unless the fault names one (only concurrent-limit 429s do)", async () => {
    await call("POST", "/__control/faults", { faults: [{ kind: "status_429", match: { path: "/v1/charges/" } }, { kind: "status_429", retryAfterSeconds: 3, match: { path: "/v1/charges/" } }] })
    const plain = await call("GET", "/v1/charges/NOSUCHCHARGE1")
    expect(plain.status).toBe(429)
    expect(plain.headers.get("retry-after")).toBeNull()
    expect(plain.body.error).toMatchObject({ type: "rate_limit_error", code: "rate_limit" })
    const concurrent = await call("GET", "/v1/charges/NOSUCHCHARGE1")
    expect(concurrent.headers.get("retry-after")).toBe("3")
  })
})

describe("the clock control", () => {
  it("advances, is set back with offsetSeconds: 0, refuses negative values", async () => {
    expect((await call("POST", "/__control/clock", { advanceSeconds: 60 })).body.offsetMs).toBe(60_000)
    expect((await call("POST", "/__control/clock", { advanceSeconds: 60 })).body.offsetMs).toBe(120_000)
    expect((await call("POST", "/__control/clock", { offsetSeconds: 0 })).body.offsetMs).toBe(0)
    expect((await call("POST", "/__control/clock", { advanceSeconds: -1 })).status).toBe(400)
  })
})

describe("split shipments", () => {
  it("split_shipment (top level, Clover's multi-capture) is refused: the simulator's merchant has no multi-capture; in level2 it is no field", async () => {
    const charge = await authorize(1000)
    const top = await call("POST", `/v1/charges/${charge.id}/capture`, { amount: 400, split_shipment: "1/2" })
    expect(top.status).toBe(400)
    expect(top.body.error).toMatchObject({ code: "invalid_request", param: "split_shipment" })
    const nested = await call("POST", `/v1/charges/${charge.id}/capture`, { amount: 400, level2: { split_shipment: "1/2" } })
    expect(nested.status).toBe(400)
    expect(nested.body.error.param).toBe("level2.split_shipment")
    expect((await call("GET", `/v1/charges/${charge.id}`)).body.captured).toBe(false)
  })
})

describe("the rest of a partly captured charge (undocumented by Clover: a setting)", () => {
  it("released (default): nothing held; held: the card keeps the rest until the pre-authorization lapses; never capturable again", async () => {
    const state = async (id: string) => (await call("GET", "/__control/state")).body.charges.find((c: { id: string }) => c.id === id)
    const released = await authorize(1000)
    await call("POST", `/v1/charges/${released.id}/capture`, { amount: 400 })
    expect(await state(released.id)).toMatchObject({ held_amount: 0, held_until: null })

    expect((await call("POST", "/__control/config", { partialCaptureRest: "held" })).body).toEqual({ contract: "documented", partialCaptureRest: "held" })
    const held = await authorize(1000)
    await call("POST", `/v1/charges/${held.id}/capture`, { amount: 400 })
    const shown = await state(held.id)
    expect(shown).toMatchObject({ held_amount: 600, held_until: held.created + 7 * 86_400_000 })
    expect((await call("POST", `/v1/charges/${held.id}/capture`, { amount: 100 })).body.error.code).toBe("charge_already_captured")
    await call("POST", "/__control/clock", { advanceSeconds: 7 * 86_400 + 1 })
    expect(await state(held.id)).toMatchObject({ held_amount: 0, held_until: null })
    expect((await call("POST", "/__control/config", { partialCaptureRest: "kept" })).status).toBe(400)
  })
})
