import { faultMatches, parseFaults } from "../faults"
import { startSandboxGateway, type SandboxGatewayHandle } from "../server"

const KEY = "sk_test_server_spec"

let sandbox: SandboxGatewayHandle
let seq = 0

beforeAll(async () => {
  sandbox = await startSandboxGateway()
})
afterAll(() => sandbox.close())
beforeEach(() => sandbox.state.reset())

type Call = { status: number; body: any; text: string; headers: Headers }

async function call(
  method: string,
  path: string,
  opts: { body?: unknown; key?: string | null; apiKey?: string | null; rawBody?: string } = {}
): Promise<Call> {
  const headers: Record<string, string> = { "Content-Type": "application/json" }
  const apiKey = opts.apiKey === undefined ? KEY : opts.apiKey
  if (apiKey !== null) headers.Authorization = `Bearer ${apiKey}`
  const key = opts.key === undefined ? (method === "POST" ? `key-${++seq}` : null) : opts.key
  if (key !== null) headers["Idempotency-Key"] = key
  const res = await fetch(sandbox.url + path, {
    method,
    headers,
    body: opts.rawBody ?? (opts.body === undefined ? undefined : JSON.stringify(opts.body)),
  })
  const text = await res.text()
  let body: unknown
  try {
    body = JSON.parse(text)
  } catch {
    body = undefined
  }
  return { status: res.status, body, text, headers: res.headers }
}

async function authorize(amount = 1000, source = "tok_visa"): Promise<string> {
  const res = await call("POST", "/v1/payments", { body: { amount, currency: "EUR", source } })
  expect(res.status).toBe(201)
  return res.body.id
}

describe("startSandboxGateway", () => {
  it("listens on 127.0.0.1 and an ephemeral port", () => {
    expect(sandbox.url).toBe(`http://127.0.0.1:${sandbox.port}`)
    expect(sandbox.port).toBeGreaterThan(0)
  })
})

describe("authentication", () => {
  it.each([
    ["no header", null],
    ["a publishable key", "pk_test_abc"],
    ["a bare prefix", "sk_test_"],
    ["garbage", "hunter2"],
  ])("rejects %s with 401 and never echoes the key", async (_label, apiKey) => {
    const res = await call("GET", "/v1/payments/sbx_pay_x", { apiKey })
    expect(res.status).toBe(401)
    expect(res.body).toEqual({ error: { type: "authentication_error", code: "invalid_api_key", message: expect.any(String) } })
    if (apiKey) expect(res.text).not.toContain(apiKey)
  })

  it("accepts sk_live_ keys", async () => {
    const res = await call("POST", "/v1/payments", { apiKey: "sk_live_abc", body: { amount: 5, currency: "usd", source: "tok_visa" } })
    expect(res.status).toBe(201)
  })
})

describe("payments", () => {
  it("creates an authorized payment with lower-case currency", async () => {
    const res = await call("POST", "/v1/payments", {
      body: { amount: 1250, currency: "EUR", source: "tok_visa", description: "order 1", metadata: { order: "o_1" } },
    })
    expect(res.status).toBe(201)
    expect(res.body).toMatchObject({
      id: expect.stringMatching(/^sbx_pay_/),
      object: "payment",
      status: "authorized",
      amount: 1250,
      currency: "eur",
      amount_captured: 0,
      amount_refunded: 0,
      amount_capturable: 1250,
      captures: [],
      refunds: [],
      metadata: { order: "o_1" },
      created: expect.any(Number),
    })
    const fetched = await call("GET", `/v1/payments/${res.body.id}`)
    expect(fetched.body).toEqual(res.body)
  })

  it.each([
    [{ currency: "eur", source: "tok_visa" }, "amount", "parameter_missing"],
    [{ amount: 10.5, currency: "eur", source: "tok_visa" }, "amount", "parameter_invalid"],
    [{ amount: 0, currency: "eur", source: "tok_visa" }, "amount", "parameter_invalid"],
    [{ amount: "10", currency: "eur", source: "tok_visa" }, "amount", "parameter_invalid"],
    [{ amount: 10, currency: "euro", source: "tok_visa" }, "currency", "parameter_invalid"],
    [{ amount: 10, currency: "eur" }, "source", "parameter_missing"],
    [{ amount: 10, currency: "eur", source: "tok_mastercard" }, "source", "resource_missing"],
    [{ amount: 10, currency: "eur", source: "tok_visa", metadata: [1] }, "metadata", "parameter_invalid"],
    [{ amount: 10, currency: "eur", source: "tok_visa", description: "x".repeat(256) }, "description", "parameter_invalid"],
  ])("rejects %j (param %s)", async (body, param, code) => {
    const res = await call("POST", "/v1/payments", { body })
    expect(res.status).toBe(400)
    expect(res.body.error).toMatchObject({ type: "invalid_request_error", param, code })
  })

  it("declines tok_decline_<code> with 402 and stores no payment", async () => {
    const res = await call("POST", "/v1/payments", { body: { amount: 10, currency: "eur", source: "tok_decline_insufficient_funds" } })
    expect(res.status).toBe(402)
    expect(res.body.error).toMatchObject({ type: "card_error", code: "card_declined", decline_code: "insufficient_funds" })
    expect(sandbox.state.counts().payments).toBe(0)
  })

  it("404s an unknown payment with param id", async () => {
    const res = await call("GET", "/v1/payments/sbx_pay_nope")
    expect(res.status).toBe(404)
    expect(res.body.error).toMatchObject({ type: "invalid_request_error", code: "resource_missing", param: "id" })
  })

  it("404s unknown routes and 405s wrong methods", async () => {
    expect((await call("GET", "/v1/nothing")).status).toBe(404)
    expect((await call("DELETE", "/v1/payments")).status).toBe(405)
    expect((await call("GET", "/elsewhere")).status).toBe(404)
  })
})

describe("captures", () => {
  it("captures partially, then the rest by default, then refuses more", async () => {
    const id = await authorize(1000)
    const first = await call("POST", `/v1/payments/${id}/captures`, { body: { amount: 300, description: "box 1" } })
    expect(first.status).toBe(201)
    expect(first.body).toMatchObject({
      id: expect.stringMatching(/^sbx_cap_/),
      object: "capture",
      payment: id,
      amount: 300,
      currency: "eur",
      status: "succeeded",
      transaction_id: expect.stringMatching(/^txn_/),
      idempotency_key: expect.any(String),
    })
    expect((await call("GET", `/v1/payments/${id}`)).body).toMatchObject({
      status: "partially_captured",
      amount_captured: 300,
      amount_capturable: 700,
    })

    const tooLarge = await call("POST", `/v1/payments/${id}/captures`, { body: { amount: 701 } })
    expect(tooLarge.status).toBe(400)
    expect(tooLarge.body.error).toMatchObject({ type: "invalid_request_error", code: "amount_too_large", param: "amount" })

    const rest = await call("POST", `/v1/payments/${id}/captures`, { body: {} })
    expect(rest.body.amount).toBe(700)
    const payment = (await call("GET", `/v1/payments/${id}`)).body
    expect(payment).toMatchObject({ status: "captured", amount_captured: 1000, amount_capturable: 0 })
    expect(payment.captures).toHaveLength(2)

    const more = await call("POST", `/v1/payments/${id}/captures`, { body: { amount: 1 } })
    expect(more.status).toBe(400)
    expect(more.body.error.code).toBe("payment_not_capturable")
  })

  it.each([[0], [-5], [1.5], ["100"]])("rejects amount %j with param amount", async (amount) => {
    const id = await authorize()
    const res = await call("POST", `/v1/payments/${id}/captures`, { body: { amount } })
    expect(res.status).toBe(400)
    expect(res.body.error).toMatchObject({ type: "invalid_request_error", param: "amount" })
  })

  it("rejects a description over 255 characters", async () => {
    const id = await authorize()
    const res = await call("POST", `/v1/payments/${id}/captures`, { body: { amount: 1, description: "d".repeat(256) } })
    expect(res.body.error).toMatchObject({ param: "description" })
  })

  it("declines every capture on tok_capture_decline_<code>", async () => {
    const id = await authorize(500, "tok_capture_decline_do_not_honor")
    const res = await call("POST", `/v1/payments/${id}/captures`, { body: { amount: 100 } })
    expect(res.status).toBe(402)
    expect(res.body.error).toMatchObject({ type: "card_error", code: "card_declined", decline_code: "do_not_honor" })
    expect(sandbox.state.counts().captures).toBe(0)
  })

  it("404s captures of an unknown payment", async () => {
    const res = await call("POST", "/v1/payments/sbx_pay_nope/captures", { body: { amount: 1 } })
    expect(res.status).toBe(404)
  })

  it("lists captures, filters by idempotency_key and retrieves one", async () => {
    const id = await authorize(1000)
    await call("POST", `/v1/payments/${id}/captures`, { body: { amount: 100 }, key: "cap-a" })
    const b = await call("POST", `/v1/payments/${id}/captures`, { body: { amount: 200 }, key: "cap-b" })
    expect((await call("GET", `/v1/payments/${id}/captures`)).body.data).toHaveLength(2)
    const filtered = await call("GET", `/v1/payments/${id}/captures?idempotency_key=cap-b`)
    expect(filtered.body).toEqual({ data: [b.body] })
    expect((await call("GET", `/v1/payments/${id}/captures?idempotency_key=none`)).body).toEqual({ data: [] })
    expect((await call("GET", `/v1/payments/${id}/captures/${b.body.id}`)).body).toEqual(b.body)
    expect((await call("GET", `/v1/payments/${id}/captures/sbx_cap_nope`)).status).toBe(404)
  })
})

describe("refunds", () => {
  it("refunds per capture and overall, never more than captured", async () => {
    const id = await authorize(1000)
    const cap1 = (await call("POST", `/v1/payments/${id}/captures`, { body: { amount: 400 } })).body
    await call("POST", `/v1/payments/${id}/captures`, { body: { amount: 100 } })

    const overCapture = await call("POST", `/v1/payments/${id}/refunds`, { body: { amount: 401, capture: cap1.id } })
    expect(overCapture.status).toBe(400)
    expect(overCapture.body.error).toMatchObject({ code: "amount_too_large", param: "amount" })

    const r1 = await call("POST", `/v1/payments/${id}/refunds`, { body: { amount: 150, capture: cap1.id }, key: "ref-1" })
    expect(r1.status).toBe(201)
    expect(r1.body).toMatchObject({
      id: expect.stringMatching(/^sbx_re_/),
      object: "refund",
      payment: id,
      capture: cap1.id,
      amount: 150,
      currency: "eur",
      status: "succeeded",
      idempotency_key: "ref-1",
    })
    expect((await call("GET", `/v1/payments/${id}`)).body).toMatchObject({ status: "partially_refunded", amount_refunded: 150 })

    const overall = await call("POST", `/v1/payments/${id}/refunds`, { body: { amount: 351 } })
    expect(overall.body.error).toMatchObject({ code: "amount_too_large" })
    expect((await call("POST", `/v1/payments/${id}/refunds`, { body: { amount: 350 } })).status).toBe(201)
    expect((await call("GET", `/v1/payments/${id}`)).body).toMatchObject({ status: "refunded", amount_refunded: 500 })

    expect((await call("GET", `/v1/payments/${id}/refunds?idempotency_key=ref-1`)).body.data).toEqual([r1.body])
    expect((await call("GET", `/v1/payments/${id}/refunds/${r1.body.id}`)).body).toEqual(r1.body)
    expect((await call("GET", `/v1/payments/${id}/refunds/sbx_re_nope`)).status).toBe(404)
  })

  it("404s a capture of another payment with param capture", async () => {
    const a = await authorize(100)
    const b = await authorize(100)
    const capA = (await call("POST", `/v1/payments/${a}/captures`, { body: {} })).body
    const res = await call("POST", `/v1/payments/${b}/refunds`, { body: { amount: 1, capture: capA.id } })
    expect(res.status).toBe(404)
    expect(res.body.error).toMatchObject({ code: "resource_missing", param: "capture" })
  })
})

describe("cancel", () => {
  it("cancels an authorization, idempotently", async () => {
    const id = await authorize(1000)
    const res = await call("POST", `/v1/payments/${id}/cancel`)
    expect(res.status).toBe(200)
    expect(res.body).toMatchObject({ status: "canceled", amount_capturable: 0 })
    expect((await call("POST", `/v1/payments/${id}/cancel`)).status).toBe(200)
    const capture = await call("POST", `/v1/payments/${id}/captures`, { body: { amount: 1 } })
    expect(capture.body.error.code).toBe("payment_not_capturable")
  })

  it("releases the rest of a partially captured payment", async () => {
    const id = await authorize(1000)
    await call("POST", `/v1/payments/${id}/captures`, { body: { amount: 250 } })
    const res = await call("POST", `/v1/payments/${id}/cancel`)
    expect(res.body).toMatchObject({ status: "partially_captured", amount_captured: 250, amount_capturable: 0 })
  })
})

describe("idempotency", () => {
  it("requires an Idempotency-Key on every POST", async () => {
    const res = await call("POST", "/v1/payments", { key: null, body: { amount: 1, currency: "eur", source: "tok_visa" } })
    expect(res.status).toBe(400)
    expect(res.body.error).toMatchObject({ type: "invalid_request_error", param: "Idempotency-Key" })
  })

  it("replays the stored response for the same key and body, without acting", async () => {
    const id = await authorize(1000)
    const first = await call("POST", `/v1/payments/${id}/captures`, { body: { amount: 100, metadata: { a: 1, b: 2 } }, key: "k1" })
    const again = await call("POST", `/v1/payments/${id}/captures`, { body: { metadata: { b: 2, a: 1 }, amount: 100 }, key: "k1" })
    expect(again.status).toBe(201)
    expect(again.headers.get("idempotent-replayed")).toBe("true")
    expect(first.headers.get("idempotent-replayed")).toBeNull()
    expect(again.body).toEqual(first.body)
    expect(sandbox.state.counts().captures).toBe(1)
  })

  it("replays a decline too", async () => {
    const body = { amount: 10, currency: "eur", source: "tok_decline_expired_card" }
    await call("POST", "/v1/payments", { body, key: "dec" })
    const again = await call("POST", "/v1/payments", { body, key: "dec" })
    expect(again.status).toBe(402)
    expect(again.headers.get("idempotent-replayed")).toBe("true")
  })

  it("rejects the same key with another body or path", async () => {
    const id = await authorize(1000)
    await call("POST", `/v1/payments/${id}/captures`, { body: { amount: 100 }, key: "k2" })
    const other = await call("POST", `/v1/payments/${id}/captures`, { body: { amount: 200 }, key: "k2" })
    expect(other.status).toBe(400)
    expect(other.body.error).toMatchObject({ type: "idempotency_error", code: "idempotency_key_reused" })
    const otherPath = await call("POST", `/v1/payments/${id}/refunds`, { body: { amount: 100 }, key: "k2" })
    expect(otherPath.body.error.code).toBe("idempotency_key_reused")
    expect(sandbox.state.counts().captures).toBe(1)
  })

  it("scopes keys per API key", async () => {
    const body = { amount: 10, currency: "eur", source: "tok_visa" }
    const a = await call("POST", "/v1/payments", { body, key: "shared" })
    const b = await call("POST", "/v1/payments", { body, key: "shared", apiKey: "sk_test_other" })
    expect(b.headers.get("idempotent-replayed")).toBeNull()
    expect(b.body.id).not.toBe(a.body.id)
  })

  it("does not store validation errors, so a corrected request may reuse the key", async () => {
    const bad = await call("POST", "/v1/payments", { body: { amount: -1, currency: "eur", source: "tok_visa" }, key: "fix" })
    expect(bad.status).toBe(400)
    const good = await call("POST", "/v1/payments", { body: { amount: 1, currency: "eur", source: "tok_visa" }, key: "fix" })
    expect(good.status).toBe(201)
  })

  it("applies concurrent captures one at a time", async () => {
    const id = await authorize(1000)
    const results = await Promise.all(
      Array.from({ length: 6 }, () => call("POST", `/v1/payments/${id}/captures`, { body: { amount: 300 } }))
    )
    expect(results.filter((r) => r.status === 201)).toHaveLength(3)
    expect(results.filter((r) => r.body?.error?.code === "amount_too_large")).toHaveLength(3)
    expect((await call("GET", `/v1/payments/${id}`)).body.amount_captured).toBe(900)
  })
})

describe("faults (HTTP level)", () => {
  const queue = (faults: unknown[]) =>
    fetch(`${sandbox.url}/__control/faults`, { method: "POST", body: JSON.stringify({ faults }) })

  it("reset_before destroys the socket without acting", async () => {
    await queue([{ kind: "reset_before", match: { method: "POST", path: "/v1/payments" } }])
    await expect(call("POST", "/v1/payments", { body: { amount: 1, currency: "eur", source: "tok_visa" } })).rejects.toThrow()
    expect(sandbox.state.counts()).toMatchObject({ payments: 0, requests: 1 })
  })

  it("reset_after acts, stores the idempotency record, then destroys the socket", async () => {
    await queue([{ kind: "reset_after" }])
    const body = { amount: 1, currency: "eur", source: "tok_visa" }
    await expect(call("POST", "/v1/payments", { body, key: "ra" })).rejects.toThrow()
    expect(sandbox.state.counts().payments).toBe(1)
    const replay = await call("POST", "/v1/payments", { body, key: "ra" })
    expect(replay.headers.get("idempotent-replayed")).toBe("true")
    expect(sandbox.state.counts().payments).toBe(1)
  })

  it("malformed acts and answers 200 with a non-JSON body", async () => {
    await queue([{ kind: "malformed" }])
    const res = await call("POST", "/v1/payments", { body: { amount: 1, currency: "eur", source: "tok_visa" } })
    expect(res.status).toBe(200)
    expect(res.body).toBeUndefined()
    expect(sandbox.state.counts().payments).toBe(1)
  })

  it.each([
    ["status_500", 500, "api_error"],
    ["status_503", 503, "api_error"],
    ["status_429", 429, "rate_limit_error"],
  ])("%s answers %i without acting", async (kind, status, type) => {
    sandbox.state.faults.add([{ kind: kind as "status_500", retryAfterSeconds: 2 }])
    const res = await call("POST", "/v1/payments", { body: { amount: 1, currency: "eur", source: "tok_visa" } })
    expect(res.status).toBe(status)
    expect(res.body.error.type).toBe(type)
    expect(res.headers.get("retry-after")).toBe(status === 429 ? "2" : null)
    expect(sandbox.state.counts().payments).toBe(0)
  })

  it("delay waits, then handles the request normally", async () => {
    sandbox.state.faults.add([{ kind: "delay", delayMs: 60 }])
    const started = Date.now()
    const res = await call("GET", "/v1/payments/sbx_pay_nope")
    expect(Date.now() - started).toBeGreaterThanOrEqual(50)
    expect(res.status).toBe(404)
  })

  it("consumes faults in order, `times` times, only for matching requests", async () => {
    sandbox.state.faults.add([{ kind: "status_503", match: { method: "GET" }, times: 2 }])
    expect((await call("POST", "/v1/payments", { body: { amount: 1, currency: "eur", source: "tok_visa" } })).status).toBe(201)
    expect((await call("GET", "/v1/payments/x")).status).toBe(503)
    expect((await call("GET", "/v1/payments/x")).status).toBe(503)
    expect((await call("GET", "/v1/payments/x")).status).toBe(404)
  })
})

describe("control API", () => {
  it("queues, lists and clears faults; reports state; resets", async () => {
    const bad = await fetch(`${sandbox.url}/__control/faults`, { method: "POST", body: JSON.stringify({ faults: [{ kind: "explode" }] }) })
    expect(bad.status).toBe(400)

    const ok = await fetch(`${sandbox.url}/__control/faults`, {
      method: "POST",
      body: JSON.stringify({ faults: [{ kind: "delay", delayMs: 1 }, { kind: "status_500" }] }),
    })
    expect(await ok.json()).toEqual({ queued: 2 })
    const cleared = await fetch(`${sandbox.url}/__control/faults`, { method: "DELETE" })
    expect(await cleared.json()).toEqual({ cleared: 2 })

    const id = await authorize(100)
    await call("POST", `/v1/payments/${id}/captures`, { body: {} })
    const state = await (await fetch(`${sandbox.url}/__control/state`)).json()
    expect(state.counts).toEqual({ payments: 1, captures: 1, refunds: 0, requests: 2 })
    expect(state.payments[0]).toMatchObject({ id, status: "captured" })
    expect(state.captures).toHaveLength(1)
    expect(JSON.stringify(state)).not.toContain(KEY)

    await fetch(`${sandbox.url}/__control/reset`, { method: "POST" })
    expect(sandbox.state.counts()).toEqual({ payments: 0, captures: 0, refunds: 0, requests: 0 })
  })
})

describe("faults (unit)", () => {
  it.each([
    [{ kind: "delay" as const }, "POST", "/v1/payments", true],
    [{ kind: "delay" as const, match: { method: "post" } }, "POST", "/v1/payments", true],
    [{ kind: "delay" as const, match: { method: "GET" } }, "POST", "/v1/payments", false],
    [{ kind: "delay" as const, match: { path: "/captures" } }, "POST", "/v1/payments/p/captures", true],
    [{ kind: "delay" as const, match: { path: "/captures" } }, "POST", "/v1/payments/p/refunds", false],
    [{ kind: "delay" as const, match: { path: "^/v1/payments/[^/]+$" } }, "GET", "/v1/payments/p", true],
    [{ kind: "delay" as const, match: { path: "^/v1/payments/[^/]+$" } }, "GET", "/v1/payments/p/captures", false],
    [{ kind: "delay" as const, match: { path: "idempotency_key=" } }, "GET", "/v1/payments/p/captures?idempotency_key=k", true],
    [{ kind: "delay" as const, match: { path: "([" } }, "GET", "/v1/payments", false],
  ])("%j matches %s %s: %s", (fault, method, target, expected) => {
    expect(faultMatches(fault, method, target)).toBe(expected)
  })

  it.each([
    [{ kind: "nope" }],
    [{ kind: "delay", delayMs: -1 }],
    [{ kind: "delay", times: 0 }],
    [{ kind: "delay", match: { path: 1 } }],
    ["delay"],
  ])("rejects %j", (fault) => {
    expect(() => parseFaults([fault])).toThrow()
  })
})
