import { startMollieSandbox, type MollieSandboxHandle } from "../server"
import { parseForm } from "../validate"
import { call as rawCall, eventually, sleep, startWebhookReceiver, type CallOptions, type WebhookReceiver } from "./helpers"

let sandbox: MollieSandboxHandle
let hooks: WebhookReceiver
let seq = 0

beforeAll(async () => {
  sandbox = await startMollieSandbox({ captureDelayMs: 20, refundDelayMs: 20, webhookRetryDelayMs: 10 })
  hooks = await startWebhookReceiver()
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

const call = (method: string, path: string, opts: CallOptions = {}) => rawCall(sandbox.url, method, path, opts)
const control = (method: string, path: string, body?: unknown) => rawCall(sandbox.url, method, `/__control${path}`, { body, apiKey: null })

const paymentBody = (over: Record<string, unknown> = {}) => ({
  amount: { currency: "EUR", value: "10.00" },
  description: "Order #1",
  redirectUrl: "https://shop.example/return",
  webhookUrl: hooks.url,
  captureMode: "manual",
  ...over,
})

async function createPayment(over: Record<string, unknown> = {}, apiKey?: string): Promise<any> {
  const res = await call("POST", "/v2/payments", { body: paymentBody(over), apiKey, key: `create-${++seq}` })
  expect(res.status).toBe(201)
  return res.body
}

async function checkout(id: string, action: string) {
  return rawCall(sandbox.url, "POST", `/checkout/${id}`, { body: { action }, apiKey: null })
}

async function authorized(over: Record<string, unknown> = {}): Promise<string> {
  const payment = await createPayment(over)
  expect((await checkout(payment.id, "authorize")).body.status).toBe("authorized")
  return payment.id
}

describe("startMollieSandbox", () => {
  it("listens on 127.0.0.1 and an ephemeral port", () => {
    expect(sandbox.url).toBe(`http://127.0.0.1:${sandbox.port}`)
  })

  it("refuses a bad configuration", async () => {
    await expect(startMollieSandbox({ captureDelayMs: -1 })).rejects.toThrow(/captureDelayMs/)
  })
})

describe("authentication (docs/gateways/mollie.md#authentication)", () => {
  it.each([
    ["no header", null],
    ["an organization token", "access_abcdefghij"],
    ["a bare prefix", "test_"],
    ["a Stripe key", "sk_test_abc"],
  ])("401 for %s", async (_, apiKey) => {
    const res = await call("GET", "/v2/payments/tr_x", { apiKey })
    expect(res.status).toBe(401)
    expect(res.headers.get("content-type")).toContain("application/hal+json")
    expect(res.body).toMatchObject({ status: 401, title: "Unauthorized Request", detail: "Missing authentication, or failed to authenticate" })
    // The error-response schema's "generic Mollie API error handling guide", as the reference's 429 example links it.
    expect(res.body._links.documentation).toEqual({ href: "https://docs.mollie.com/overview/handling-errors", type: "text/html" })
  })

  it("with apiKeys, only those keys authenticate", async () => {
    const strict = await startMollieSandbox({ apiKeys: ["test_theonlyvalidkey00"] })
    try {
      expect((await rawCall(strict.url, "GET", "/v2/payments/tr_x", { apiKey: "test_anotherkey0000" })).status).toBe(401)
      expect((await rawCall(strict.url, "GET", "/v2/payments/tr_x", { apiKey: "test_theonlyvalidkey00" })).status).toBe(404)
      const state = await rawCall(strict.url, "GET", "/__control/state", { apiKey: null })
      expect(state.text).not.toContain("theonlyvalidkey")
    } finally {
      await strict.close()
    }
  })

  it("takes the mode from the key prefix and hides the other mode's payments", async () => {
    const live = await createPayment({}, "live_livekey1234567")
    expect(live.mode).toBe("live")
    const test = await createPayment()
    expect(test.mode).toBe("test")
    expect((await call("GET", `/v2/payments/${live.id}`)).status).toBe(404)
    expect((await call("GET", `/v2/payments/${live.id}`, { apiKey: "live_otherlivekey99" })).status).toBe(200)
  })
})

describe("create payment (docs/gateways/mollie.md#payments)", () => {
  it("returns an open payment with a checkout link on this simulator", async () => {
    const payment = await createPayment({ metadata: { cart_id: "cart_1" } })
    expect(payment).toMatchObject({
      resource: "payment",
      mode: "test",
      status: "open",
      amount: { currency: "EUR", value: "10.00" },
      amountCaptured: { currency: "EUR", value: "0.00" },
      description: "Order #1",
      captureMode: "manual",
      isCancelable: true,
      metadata: { cart_id: "cart_1" },
    })
    expect(payment.id).toMatch(/^tr_[A-Za-z0-9]{10}$/)
    expect(payment._links.checkout.href).toBe(`${sandbox.url}/checkout/${payment.id}`)
    expect(payment._links.self.href).toBe(`${sandbox.url}/v2/payments/${payment.id}`)
    expect(payment.captureBefore).toBeUndefined()
  })

  it.each([
    [{ amount: undefined }, "amount"],
    [{ amount: { currency: "eur", value: "10.00" } }, "amount.currency"],
    [{ amount: { currency: "EURO", value: "10.00" } }, "amount.currency"],
    [{ amount: { currency: "EUR", value: "10" } }, "amount.value"],
    [{ amount: { currency: "EUR", value: "10.0" } }, "amount.value"],
    [{ amount: { currency: "EUR", value: 10 } }, "amount.value"],
    [{ amount: { currency: "EUR", value: "0.00" } }, "amount.value"],
    [{ amount: { currency: "JPY", value: "100.00" } }, "amount.value"],
    [{ amount: { currency: "KWD", value: "1.50" } }, "amount.value"],
    [{ description: undefined }, "description"],
    [{ description: "  " }, "description"],
    [{ redirectUrl: undefined }, "redirectUrl"],
    [{ redirectUrl: "ftp://x" }, "redirectUrl"],
    [{ webhookUrl: "not a url" }, "webhookUrl"],
    [{ captureMode: "later" }, "captureMode"],
    [{ method: "ideal" }, "method"],
    [{ metadata: { blob: "x".repeat(1100) } }, "metadata"],
    [{ testmode: true }, "testmode"],
  ])("422 with the right field, case %#", async (over, field) => {
    const res = await call("POST", "/v2/payments", { body: paymentBody(over) })
    expect(res.status).toBe(422)
    expect(res.body).toMatchObject({ status: 422, title: "Unprocessable Entity", field })
  })

  it.each([
    ["JPY", "1000"],
    ["KWD", "1.500"],
    ["EUR", "0.01"],
  ])("accepts %s %s", async (currency, value) => {
    const payment = await createPayment({ amount: { currency, value } })
    expect(payment.amount).toEqual({ currency, value })
  })

  it("truncates a description longer than 255 characters instead of refusing it", async () => {
    const payment = await createPayment({ description: "d".repeat(300) })
    expect(payment.description).toHaveLength(255)
  })

  it("counts and truncates the description in characters, never splitting one", async () => {
    const payment = await createPayment({ description: "\u{1F600}".repeat(300) })
    expect(payment.description).toBe("\u{1F600}".repeat(255))
  })

  it("reports a missing description the way the reference's example shows it", async () => {
    const res = await call("POST", "/v2/payments", { body: paymentBody({ description: undefined }) })
    expect(res.body).toMatchObject({ status: 422, detail: "The 'description' field is missing", field: "description" })
  })

  it("accepts form-encoded bodies with bracket keys (curl style)", async () => {
    const form = new URLSearchParams({
      "amount[currency]": "EUR",
      "amount[value]": "12.50",
      description: "Form order",
      redirectUrl: "https://shop.example/r",
      captureMode: "manual",
      "metadata[order_id]": "42",
    }).toString()
    const res = await call("POST", "/v2/payments", { form })
    expect(res.status).toBe(201)
    expect(res.body).toMatchObject({ amount: { value: "12.50" }, metadata: { order_id: "42" } })
  })

  it("parses nested and array form keys", () => {
    expect(parseForm("a[b][c]=1&l[]=x&l[]=y&z=2")).toEqual({ a: { b: { c: "1" } }, l: ["x", "y"], z: "2" })
  })

  it("keeps __proto__ and other Object.prototype names in form keys as data, as JSON.parse does", () => {
    const parsed = parseForm("metadata[__proto__][polluted]=yes&__proto__[polluted]=yes&metadata[toString][x]=1&constructor[prototype][polluted]=yes&l[__proto__][]=1")
    expect(({} as { polluted?: unknown }).polluted).toBeUndefined()
    expect(Object.getPrototypeOf(parsed)).toBe(Object.prototype)
    expect(JSON.stringify(parsed)).toBe(
      '{"metadata":{"__proto__":{"polluted":"yes"},"toString":{"x":"1"}},"__proto__":{"polluted":"yes"},"constructor":{"prototype":{"polluted":"yes"}},"l":{"__proto__":["1"]}}'
    )
  })

  it("keeps a __proto__ metadata key of a form-encoded payment, and Object.prototype clean", async () => {
    const form = new URLSearchParams({
      "amount[currency]": "EUR",
      "amount[value]": "12.50",
      description: "Form order",
      redirectUrl: "https://shop.example/r",
      "metadata[__proto__][polluted]": "yes",
    }).toString()
    const res = await call("POST", "/v2/payments", { form })
    expect(res.status).toBe(201)
    expect(({} as { polluted?: unknown }).polluted).toBeUndefined()
    expect(Object.entries(res.body.metadata)).toEqual([["__proto__", { polluted: "yes" }]])
  })
})

describe("hosted checkout", () => {
  it("serves a page with the shopper's choices", async () => {
    const payment = await createPayment({ description: "<b>Shoes</b>" })
    const res = await fetch(`${sandbox.url}/checkout/${payment.id}`)
    const text = await res.text()
    expect(res.headers.get("content-type")).toContain("text/html")
    expect(text).toContain("&lt;b&gt;Shoes&lt;/b&gt;")
    for (const action of ["authorize", "fail", "cancel", "expire"]) expect(text).toContain(`value="${action}"`)
  })

  it("authorize → authorized with captureBefore, and calls the webhook with id=tr_…", async () => {
    const payment = await createPayment()
    const res = await checkout(payment.id, "authorize")
    expect(res.body).toEqual({ id: payment.id, status: "authorized", redirectUrl: "https://shop.example/return" })
    const [hook] = await hooks.waitFor(1)
    expect(hook.body).toBe(`id=${payment.id}`)
    expect(hook.contentType).toBe("application/x-www-form-urlencoded")
    expect(hook.userAgent).toBe("Mollie HTTP client/1.0")
    const fresh = (await call("GET", `/v2/payments/${payment.id}`)).body
    expect(fresh).toMatchObject({ status: "authorized", isCancelable: true, method: "creditcard" })
    expect(Date.parse(fresh.captureBefore) - Date.parse(fresh.authorizedAt)).toBe(7 * 24 * 3600 * 1000)
    expect(fresh._links.checkout).toBeUndefined()
  })

  it("a form post redirects like a browser would (cancel → cancelUrl)", async () => {
    const payment = await createPayment({ cancelUrl: "https://shop.example/cancel" })
    const res = await rawCall(sandbox.url, "POST", `/checkout/${payment.id}`, { form: "action=cancel", apiKey: null })
    expect(res.status).toBe(303)
    expect(res.headers.get("location")).toBe("https://shop.example/cancel")
  })

  it.each([
    ["fail", "failed", "failedAt"],
    ["cancel", "canceled", "canceledAt"],
    ["expire", "expired", "expiredAt"],
  ])("%s → %s (final: isCancelable omitted)", async (action, status, at) => {
    const payment = await createPayment()
    await checkout(payment.id, action)
    const fresh = (await call("GET", `/v2/payments/${payment.id}`)).body
    expect(fresh.status).toBe(status)
    expect(fresh[at]).toEqual(expect.any(String))
    expect(fresh.isCancelable).toBeUndefined()
    await hooks.waitFor(1)
  })

  it("pending calls no webhook and is not cancelable; a closed checkout answers 409", async () => {
    const payment = await createPayment()
    await checkout(payment.id, "pending")
    expect((await call("GET", `/v2/payments/${payment.id}`)).body).toMatchObject({ status: "pending", isCancelable: false })
    await checkout(payment.id, "authorize")
    expect((await checkout(payment.id, "authorize")).status).toBe(409)
    expect((await checkout(payment.id, "explode")).status).toBe(422)
    await hooks.waitFor(1)
    await sleep(30)
    expect(hooks.received).toHaveLength(1)
  })

  it("automatic capture: authorize → paid, nothing capturable", async () => {
    const payment = await createPayment({ captureMode: undefined })
    expect((await checkout(payment.id, "authorize")).body.status).toBe("paid")
    const fresh = (await call("GET", `/v2/payments/${payment.id}`)).body
    expect(fresh).toMatchObject({ amountCaptured: { value: "10.00" }, amountRemaining: { value: "10.00" } })
    const capture = await call("POST", `/v2/payments/${payment.id}/captures`, { body: {} })
    expect(capture.status).toBe(422)
  })
})

describe("captures (docs/gateways/mollie.md#captures)", () => {
  it("is pending, then succeeded, then the webhook; one capture per payment releases the rest", async () => {
    const id = await authorized()
    await hooks.waitFor(1)
    const res = await call("POST", `/v2/payments/${id}/captures`, {
      body: { amount: { currency: "EUR", value: "8.00" }, description: "Capture for cart #12345", metadata: { k: 1 } },
    })
    expect(res.status).toBe(201)
    expect(res.body).toMatchObject({
      resource: "capture",
      mode: "test",
      amount: { currency: "EUR", value: "8.00" },
      status: "pending",
      description: "Capture for cart #12345",
      metadata: { k: 1 },
      paymentId: id,
    })
    expect(res.body.id).toMatch(/^cpt_/)
    expect(Object.keys(res.body._links)).toEqual(["self", "payment", "documentation"])

    const second = await call("POST", `/v2/payments/${id}/captures`, { body: { amount: { currency: "EUR", value: "1.00" } } })
    expect(second.status).toBe(422)

    await hooks.waitFor(2)
    expect((await call("GET", `/v2/payments/${id}/captures/${res.body.id}`)).body.status).toBe("succeeded")
    // The spec's "partially captured card payment" example: paid, amountRemaining = refundable.
    expect((await call("GET", `/v2/payments/${id}`)).body).toMatchObject({
      status: "paid",
      amountCaptured: { value: "8.00" },
      amountRemaining: { value: "8.00" },
      amountRefunded: { value: "0.00" },
    })
  })

  it("takes a description of 255 characters even when they are 510 UTF-16 code units", async () => {
    const id = await authorized()
    const description = "\u{1F600}".repeat(255)
    const res = await call("POST", `/v2/payments/${id}/captures`, { body: { description } })
    expect(res.status).toBe(201)
    expect(res.body.description).toBe(description)
  })

  it("captures everything when no amount is given", async () => {
    const id = await authorized({ amount: { currency: "JPY", value: "1500" } })
    const res = await call("POST", `/v2/payments/${id}/captures`, { body: {} })
    expect(res.body.amount).toEqual({ currency: "JPY", value: "1500" })
  })

  it.each([
    [{ amount: { currency: "USD", value: "1.00" } }, "amount.currency"],
    [{ amount: { currency: "EUR", value: "1.0" } }, "amount.value"],
    [{ amount: { currency: "EUR", value: "10.01" } }, "amount"],
    [{ description: "x".repeat(256) }, "description"],
    [{ description: "\u{1F600}".repeat(256) }, "description"],
  ])("422 with the right field, case %#", async (body, field) => {
    const id = await authorized()
    const res = await call("POST", `/v2/payments/${id}/captures`, { body })
    expect(res.status).toBe(422)
    expect(res.body.field).toBe(field)
  })

  it("422 on an open payment, 404 on an unknown one", async () => {
    const payment = await createPayment()
    expect((await call("POST", `/v2/payments/${payment.id}/captures`, { body: {} })).status).toBe(422)
    const missing = await call("POST", "/v2/payments/tr_nope/captures", { body: {} })
    expect(missing.status).toBe(404)
    expect(missing.body.detail).toBe("No payment exists with token tr_nope.")
  })

  it("multiCapture: several partial captures, pending ones count, payment paid when full", async () => {
    await control("POST", "/config", { multiCapture: true, captureDelayMs: 40 })
    const id = await authorized()
    const a = await call("POST", `/v2/payments/${id}/captures`, { body: { amount: { currency: "EUR", value: "6.00" } } })
    const over = await call("POST", `/v2/payments/${id}/captures`, { body: { amount: { currency: "EUR", value: "4.01" } } })
    expect(over).toMatchObject({ status: 422, body: { field: "amount" } })
    expect(over.body.detail).toContain("4.00 EUR")
    const b = await call("POST", `/v2/payments/${id}/captures`, { body: { amount: { currency: "EUR", value: "4.00" } } })
    expect([a.status, b.status]).toEqual([201, 201])
    await eventually(async () => ((await call("GET", `/v2/payments/${id}`)).body.status === "paid" ? true : undefined))
    const list = await call("GET", `/v2/payments/${id}/captures`)
    expect(list.body.count).toBe(2)
    expect(list.body._embedded.captures.map((c: any) => c.amount.value)).toEqual(["6.00", "4.00"])
  })

  it("fails captures when configured: next N, or for a payment; the payment stays authorized", async () => {
    const id = await authorized()
    await control("POST", "/config", { failNextCaptures: 1 })
    const failed = await call("POST", `/v2/payments/${id}/captures`, { body: { amount: { currency: "EUR", value: "5.00" } } })
    expect(failed.body.status).toBe("pending")
    await eventually(async () =>
      (await call("GET", `/v2/payments/${id}/captures/${failed.body.id}`)).body.status === "failed" ? true : undefined
    )
    expect((await call("GET", `/v2/payments/${id}`)).body).toMatchObject({ status: "authorized", amountCaptured: { value: "0.00" } })
    await control("POST", "/config", { failCapturesFor: [id] })
    const again = await call("POST", `/v2/payments/${id}/captures`, { body: {} })
    await eventually(async () =>
      (await call("GET", `/v2/payments/${id}/captures/${again.body.id}`)).body.status === "failed" ? true : undefined
    )
  })

  it("pages lists with from/limit and _links.next", async () => {
    await control("POST", "/config", { multiCapture: true })
    const id = await authorized()
    for (let i = 0; i < 3; i++) await call("POST", `/v2/payments/${id}/captures`, { body: { amount: { currency: "EUR", value: "1.00" } } })
    const first = await call("GET", `/v2/payments/${id}/captures?limit=2`)
    expect(first.body.count).toBe(2)
    expect(first.body._links.previous).toBeNull()
    const next = new URL(first.body._links.next.href)
    const second = await call("GET", next.pathname + next.search)
    expect(second.body.count).toBe(1)
    expect(second.body._links.next).toBeNull()
    expect(second.body._links.previous).not.toBeNull()
    expect((await call("GET", `/v2/payments/${id}/captures?limit=0`)).body.field).toBe("limit")
    expect((await call("GET", `/v2/payments/${id}/captures?from=cpt_nope`)).body.field).toBe("from")
  })

  it("embeds captures and refunds on request", async () => {
    const id = await authorized()
    await call("POST", `/v2/payments/${id}/captures`, { body: {} })
    const res = await call("GET", `/v2/payments/${id}?embed=captures,refunds`)
    expect(res.body._embedded.captures).toHaveLength(1)
    expect(res.body._embedded.refunds).toEqual([])
  })
})

describe("release and cancel (docs/gateways/mollie.md#placing-a-hold)", () => {
  it("release-authorization: 202 without body, payment canceled, webhook; twice → 422", async () => {
    const id = await authorized()
    const res = await call("POST", `/v2/payments/${id}/release-authorization`)
    expect(res.status).toBe(202)
    expect(res.text).toBe("")
    expect((await call("GET", `/v2/payments/${id}`)).body.status).toBe("canceled")
    await hooks.waitFor(2)
    const again = await call("POST", `/v2/payments/${id}/release-authorization`)
    expect(again.status).toBe(422)
    expect(again.body.detail).toBe("Authorization cannot be released because the payment is not in the authorized state.")
  })

  it("release with a capture pending: nothing capturable, then paid when it settles", async () => {
    await control("POST", "/config", { multiCapture: true, captureDelayMs: 60 })
    const id = await authorized()
    await call("POST", `/v2/payments/${id}/captures`, { body: { amount: { currency: "EUR", value: "3.00" } } })
    expect((await call("POST", `/v2/payments/${id}/release-authorization`)).status).toBe(202)
    expect((await call("GET", `/v2/payments/${id}`)).body).toMatchObject({ status: "authorized", isCancelable: false })
    expect((await call("POST", `/v2/payments/${id}/captures`, { body: {} })).status).toBe(422)
    await eventually(async () => ((await call("GET", `/v2/payments/${id}`)).body.status === "paid" ? true : undefined))
  })

  it("DELETE cancels an open or authorized payment; 422 once it is not cancelable", async () => {
    const open = await createPayment()
    const res = await call("DELETE", `/v2/payments/${open.id}`)
    expect(res.status).toBe(200)
    expect(res.body).toMatchObject({ status: "canceled", canceledAt: expect.any(String) })
    const again = await call("DELETE", `/v2/payments/${open.id}`)
    // The cancel-payment reference's 422 example, word for word.
    expect(again).toMatchObject({ status: 422, body: { detail: "The payment cannot be cancelled" } })
    const id = await authorized()
    expect((await call("DELETE", `/v2/payments/${id}`)).body.status).toBe("canceled")
  })
})

describe("refunds (docs/gateways/mollie.md#refunds)", () => {
  async function paid(value = "10.00"): Promise<string> {
    const id = await authorized()
    await call("POST", `/v2/payments/${id}/captures`, { body: { amount: { currency: "EUR", value } } })
    await eventually(async () => ((await call("GET", `/v2/payments/${id}`)).body.status === "paid" ? true : undefined))
    return id
  }

  /** A create-refund body with everything Mollie's reference marks required. */
  const refundBody = (value: string, over: Record<string, unknown> = {}) => ({
    amount: { currency: "EUR", value },
    description: `Refund of ${value}`,
    metadata: null,
    ...over,
  })

  it("queued, then refunded, then the webhook; bounded by amountRemaining", async () => {
    const id = await paid("8.00")
    const refund = await call("POST", `/v2/payments/${id}/refunds`, {
      body: { amount: { currency: "EUR", value: "3.00" }, description: "Broken", metadata: { medusa_key: "r1" } },
    })
    expect(refund.status).toBe(201)
    expect(refund.body).toMatchObject({ resource: "refund", status: "queued", amount: { value: "3.00" }, description: "Broken", paymentId: id })
    expect(refund.body.id).toMatch(/^re_/)
    expect((await call("GET", `/v2/payments/${id}`)).body).toMatchObject({ amountRefunded: { value: "3.00" }, amountRemaining: { value: "5.00" } })
    const over = await call("POST", `/v2/payments/${id}/refunds`, { body: refundBody("5.01") })
    expect(over).toMatchObject({ status: 422, body: { field: "amount" } })
    await eventually(async () =>
      (await call("GET", `/v2/payments/${id}/refunds/${refund.body.id}`)).body.status === "refunded" ? true : undefined
    )
    const webhooks = (await control("GET", `/webhooks?paymentId=${id}`)).body.webhooks.map((w: any) => w.event)
    expect(webhooks).toEqual(["payment.authorized", "capture.succeeded", "refund.refunded"])
  })

  it("answers every field create-refund's reference marks required (description, metadata), as sent", async () => {
    const id = await paid()
    const res = await call("POST", `/v2/payments/${id}/refunds`, { body: refundBody("1.00", { description: "Refund 1 of order #7" }) })
    expect(res.status).toBe(201)
    for (const field of ["resource", "id", "mode", "amount", "status", "createdAt", "description", "metadata", "paymentId", "_links"]) {
      expect(res.body).toHaveProperty(field)
    }
    expect(res.body).toMatchObject({ description: "Refund 1 of order #7", metadata: null })
    expect(Object.keys(res.body._links)).toEqual(["self", "payment", "documentation"])
  })

  it.each([
    ["no description", { description: undefined }, "description"],
    ["a null description", { description: null }, "description"],
    ["a blank description", { description: "  " }, "description"],
    ["a description that is not a string", { description: 12 }, "description"],
    ["a description of 256 characters", { description: "x".repeat(256) }, "description"],
    ["no metadata", { metadata: undefined }, "metadata"],
  ])("422 for %s, and nothing is refunded", async (_, over, field) => {
    const id = await paid()
    const res = await call("POST", `/v2/payments/${id}/refunds`, { body: refundBody("1.00", over) })
    expect(res.status).toBe(422)
    expect(res.body).toMatchObject({ status: 422, title: "Unprocessable Entity", field })
    expect(sandbox.state.counts().refunds).toBe(0)
  })

  it("a missing required field is reported the way the reference's example shows it", async () => {
    const id = await paid()
    const res = await call("POST", `/v2/payments/${id}/refunds`, { body: refundBody("1.00", { description: undefined }) })
    expect(res.body.detail).toBe("The 'description' field is missing")
    expect((await call("POST", `/v2/payments/${id}/refunds`, { body: {} })).body).toMatchObject({
      field: "amount",
      detail: "The 'amount' field is missing",
    })
  })

  it("counts the 255-character limit in characters, not UTF-16 code units", async () => {
    const id = await paid()
    const emoji = "\u{1F600}".repeat(255) // 255 characters, 510 UTF-16 code units
    const ok = await call("POST", `/v2/payments/${id}/refunds`, { body: refundBody("1.00", { description: emoji }) })
    expect(ok.status).toBe(201)
    expect(ok.body.description).toBe(emoji)
    const over = await call("POST", `/v2/payments/${id}/refunds`, { body: refundBody("1.00", { description: emoji + "x" }) })
    expect(over).toMatchObject({ status: 422, body: { field: "description" } })
  })

  it("accepts a form-encoded refund (curl style)", async () => {
    const id = await paid()
    const form = new URLSearchParams({ "amount[currency]": "EUR", "amount[value]": "1.00", description: "Form refund", "metadata[k]": "v" })
    const res = await call("POST", `/v2/payments/${id}/refunds`, { form: form.toString() })
    expect(res.status).toBe(201)
    expect(res.body).toMatchObject({ description: "Form refund", metadata: { k: "v" } })
  })

  it("409 for an identical refund in short succession, not for a different one", async () => {
    const id = await paid()
    const body = refundBody("1.00", { description: "same" })
    expect((await call("POST", `/v2/payments/${id}/refunds`, { body })).status).toBe(201)
    const dup = await call("POST", `/v2/payments/${id}/refunds`, { body })
    expect(dup).toMatchObject({ status: 409, body: { title: "Conflict", detail: "A duplicate refund has been detected" } })
    expect((await call("POST", `/v2/payments/${id}/refunds`, { body: { ...body, metadata: { medusa_key: "other" } } })).status).toBe(201)
  })

  it("validates amount (required, currency) and refuses a payment with nothing captured", async () => {
    const id = await paid()
    expect((await call("POST", `/v2/payments/${id}/refunds`, { body: refundBody("1.00", { amount: undefined }) })).body.field).toBe("amount")
    expect((await call("POST", `/v2/payments/${id}/refunds`, { body: refundBody("1.00", { amount: { currency: "USD", value: "1.00" } }) })).body.field).toBe(
      "amount.currency"
    )
    const open = await authorized()
    expect((await call("POST", `/v2/payments/${open}/refunds`, { body: refundBody("1.00") })).status).toBe(422)
  })

  it("cancels a queued refund (204, then 404 and gone from the list); not a refunded one", async () => {
    const id = await paid()
    await control("POST", "/config", { refundDelayMs: 5000 })
    const refund = await call("POST", `/v2/payments/${id}/refunds`, { body: refundBody("2.00") })
    const res = await call("DELETE", `/v2/payments/${id}/refunds/${refund.body.id}`)
    expect(res.status).toBe(204)
    expect((await call("GET", `/v2/payments/${id}/refunds/${refund.body.id}`)).status).toBe(404)
    expect((await call("GET", `/v2/payments/${id}/refunds`)).body.count).toBe(0)
    expect((await call("GET", `/v2/payments/${id}`)).body.amountRefunded.value).toBe("0.00")

    await control("POST", "/config", { refundDelayMs: 10, failNextRefunds: 0 })
    const done = await call("POST", `/v2/payments/${id}/refunds`, { body: refundBody("2.00") })
    await eventually(async () => ((await call("GET", `/v2/payments/${id}/refunds/${done.body.id}`)).body.status === "refunded" ? true : undefined))
    expect((await call("DELETE", `/v2/payments/${id}/refunds/${done.body.id}`)).status).toBe(422)
  })

  it("fails the next refund when configured", async () => {
    const id = await paid()
    await control("POST", "/config", { failNextRefunds: 1 })
    const refund = await call("POST", `/v2/payments/${id}/refunds`, { body: refundBody("2.00") })
    await eventually(async () => ((await call("GET", `/v2/payments/${id}/refunds/${refund.body.id}`)).body.status === "failed" ? true : undefined))
  })
})

describe("idempotency (docs/gateways/mollie.md#idempotency)", () => {
  it("replays the stored response with Idempotent-Replayed: true and does nothing again", async () => {
    const body = paymentBody()
    const first = await call("POST", "/v2/payments", { body, key: "idem-1" })
    const replay = await call("POST", "/v2/payments", { body: { ...body }, key: "idem-1" })
    expect(replay.status).toBe(201)
    expect(replay.headers.get("idempotent-replayed")).toBe("true")
    expect(replay.body.id).toBe(first.body.id)
    expect(sandbox.state.counts().payments).toBe(1)
  })

  it("400 for the same key with other parameters or another endpoint", async () => {
    await call("POST", "/v2/payments", { body: paymentBody(), key: "idem-2" })
    const other = await call("POST", "/v2/payments", { body: paymentBody({ description: "other" }), key: "idem-2" })
    expect(other.status).toBe(400)
    expect(other.body.detail).toMatch(/idempotency key/)
    const id = await authorized()
    expect((await call("POST", `/v2/payments/${id}/captures`, { body: {}, key: "idem-2" })).status).toBe(400)
  })

  it("409 while the first request with the key is still processing", async () => {
    sandbox.state.faults.add([{ kind: "delay", delayMs: 300, match: { method: "POST" } }])
    const body = paymentBody()
    const first = call("POST", "/v2/payments", { body, key: "idem-3" })
    await sleep(30)
    const second = await call("POST", "/v2/payments", { body, key: "idem-3" })
    expect(second.status).toBe(409)
    expect(second.body.detail).toMatch(/still being processed/)
    expect((await first).status).toBe(201)
    expect((await call("POST", "/v2/payments", { body, key: "idem-3" })).headers.get("idempotent-replayed")).toBe("true")
  })

  it("keys are scoped per API key and ignored on GET/DELETE; refused requests are not stored", async () => {
    await call("POST", "/v2/payments", { body: paymentBody(), key: "idem-4" })
    const otherKey = await call("POST", "/v2/payments", { body: paymentBody(), key: "idem-4", apiKey: "test_anotherkey1234" })
    expect(otherKey.headers.get("idempotent-replayed")).toBeNull()
    const bad = await call("POST", "/v2/payments", { body: paymentBody({ description: undefined }), key: "idem-5" })
    expect(bad.status).toBe(422)
    expect((await call("POST", "/v2/payments", { body: paymentBody({ description: undefined }), key: "idem-5" })).headers.get("idempotent-replayed")).toBeNull()
  })
})

describe("faults (HTTP level)", () => {
  const queue = (faults: unknown[]) => control("POST", "/faults", { faults })

  it.each([
    ["status_500", 500],
    ["status_503", 503],
    ["status_429", 429],
  ])("%s answers %i in Mollie's error shape without acting", async (kind, status) => {
    await queue([{ kind, retryAfterSeconds: 2 }])
    const res = await call("POST", "/v2/payments", { body: paymentBody() })
    expect(res.status).toBe(status)
    expect(res.headers.get("content-type")).toContain("application/hal+json")
    expect(res.body).toMatchObject({ status, title: expect.any(String), detail: expect.any(String) })
    expect(res.headers.get("retry-after")).toBe(status === 429 ? "2" : null)
    expect(sandbox.state.counts().payments).toBe(0)
  })

  it("reset_before destroys the socket without acting", async () => {
    await queue([{ kind: "reset_before" }])
    await expect(call("POST", "/v2/payments", { body: paymentBody() })).rejects.toThrow()
    expect(sandbox.state.counts()).toMatchObject({ payments: 0, requests: 1 })
  })

  it.each(["reset_after", "lost_response"])("%s acts, stores the idempotency record, destroys the socket", async (kind) => {
    await queue([{ kind }])
    await expect(call("POST", "/v2/payments", { body: paymentBody(), key: `lost-${kind}` })).rejects.toThrow()
    expect(sandbox.state.counts().payments).toBe(1)
    const replay = await call("POST", "/v2/payments", { body: paymentBody(), key: `lost-${kind}` })
    expect(replay.headers.get("idempotent-replayed")).toBe("true")
    expect(sandbox.state.counts().payments).toBe(1)
  })

  it("malformed acts and answers 200 with a body that is not JSON", async () => {
    await queue([{ kind: "malformed" }])
    const res = await call("POST", "/v2/payments", { body: paymentBody() })
    expect(res.status).toBe(200)
    expect(res.body).toBeUndefined()
    expect(sandbox.state.counts().payments).toBe(1)
  })

  it("delay and timeout wait, then handle normally; only matching requests", async () => {
    await queue([{ kind: "delay", delayMs: 60, match: { method: "GET" } }, { kind: "timeout", delayMs: 80, match: { path: "/v2/payments/tr_t" } }])
    const started = Date.now()
    expect((await call("POST", "/v2/payments", { body: paymentBody() })).status).toBe(201)
    expect((await call("GET", "/v2/payments/tr_t")).status).toBe(404)
    expect(Date.now() - started).toBeGreaterThanOrEqual(60)
    expect((await control("GET", "/faults")).body.faults).toHaveLength(1)
    await call("GET", "/v2/payments/tr_t")
    expect(Date.now() - started).toBeGreaterThanOrEqual(140)
  })

  it("rejects unknown fault kinds", async () => {
    expect((await queue([{ kind: "explode" }])).status).toBe(400)
  })
})

describe("webhooks", () => {
  it("retries a webhook answered with non-2xx and logs every attempt", async () => {
    hooks.failNext(500, 503)
    const payment = await createPayment()
    await checkout(payment.id, "authorize")
    await hooks.waitFor(3)
    await sandbox.webhooks.idle()
    const [delivery] = (await control("GET", "/webhooks")).body.webhooks
    expect(delivery).toMatchObject({ paymentId: payment.id, event: "payment.authorized", state: "delivered" })
    expect(delivery.attempts.map((a: any) => a.status)).toEqual([500, 503, 200])
  })

  it("gives up after webhookAttempts", async () => {
    await control("POST", "/config", { webhookAttempts: 2 })
    hooks.failNext(500, 500, 500)
    const payment = await createPayment()
    await checkout(payment.id, "fail")
    await hooks.waitFor(2)
    await sandbox.webhooks.idle()
    expect(sandbox.webhooks.log[0].state).toBe("failed")
  })

  it("replays the last webhook of a payment (duplicate delivery)", async () => {
    const payment = await createPayment()
    await checkout(payment.id, "authorize")
    await hooks.waitFor(1)
    const res = await control("POST", "/webhooks/replay", { paymentId: payment.id })
    expect(res.body).toMatchObject({ paymentId: payment.id, event: "payment.authorized", state: "delivered", replayOf: expect.any(String) })
    expect(hooks.received.map((h) => h.body)).toEqual([`id=${payment.id}`, `id=${payment.id}`])
    expect((await control("POST", "/webhooks/replay", { paymentId: "tr_none" })).status).toBe(404)
  })

  it("holds webhooks and delivers them out of order", async () => {
    await control("POST", "/config", { holdWebhooks: true })
    const a = await createPayment()
    const b = await createPayment()
    await checkout(a.id, "authorize")
    await checkout(b.id, "authorize")
    await sleep(20)
    expect(hooks.received).toHaveLength(0)
    expect((await control("GET", "/state")).body.counts.heldWebhooks).toBe(2)
    const flushed = await control("POST", "/webhooks/flush", { order: "reverse" })
    expect(flushed.body.delivered.map((d: any) => d.paymentId)).toEqual([b.id, a.id])
    expect(hooks.received.map((h) => h.body)).toEqual([`id=${b.id}`, `id=${a.id}`])
  })
})

describe("control API", () => {
  it("reports counts per payment, validates config, resets to the start options", async () => {
    const id = await authorized()
    await call("POST", `/v2/payments/${id}/captures`, { body: {} })
    const state = (await control("GET", "/state")).body
    expect(state.perPayment[id]).toMatchObject({ captures: 1, refunds: 0, status: "authorized" })
    expect(state.counts).toMatchObject({ payments: 1, captures: 1, refunds: 0 })
    expect(state.payments[0]._embedded.captures).toHaveLength(1)
    expect(JSON.stringify(state)).not.toContain("test_helperkey")

    expect((await control("POST", "/config", { captureDelayMs: "soon" })).body.field).toBe("captureDelayMs")
    expect((await control("POST", "/config", { nope: 1 })).status).toBe(400)
    expect((await control("POST", "/config", { multiCapture: true })).body.multiCapture).toBe(true)
    await control("POST", "/reset")
    expect((await control("GET", "/config")).body).toMatchObject({ multiCapture: false, captureDelayMs: 20 })
    expect(sandbox.state.counts()).toEqual({ payments: 0, captures: 0, refunds: 0, requests: 0 })
  })

  it("404 for unknown control and API paths, 405 for a wrong method", async () => {
    expect((await control("GET", "/nope")).status).toBe(404)
    expect((await call("GET", "/v2/orders")).status).toBe(404)
    expect((await call("PATCH", "/v2/payments/tr_x")).status).toBe(405)
    expect((await call("GET", "/elsewhere")).status).toBe(404)
  })
})
