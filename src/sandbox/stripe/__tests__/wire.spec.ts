import Stripe from "stripe"
import { startStripeSandbox } from "../server"
import { authorize, call, LIVE_KEY, sdk, TEST_KEY, useSandbox } from "./helpers"

const { sandbox, stripe } = useSandbox()

describe("authentication (docs/gateways/stripe.md#authentication)", () => {
  it.each([
    ["no header", null, /did not provide an API key/],
    ["a malformed key", "test_abcdefgh", /Invalid API Key provided/],
    ["a publishable key", "pk_test_abcdefgh", /publishable API key/],
    ["another provider's key", "live_abcdefghijk", /Invalid API Key provided/],
  ])("401 invalid_request_error for %s", async (_, apiKey, message) => {
    const res = await call(sandbox(), "GET", "/v1/payment_intents/pi_x", { apiKey })
    expect(res.status).toBe(401)
    expect(res.body.error).toMatchObject({ type: "invalid_request_error", message: expect.stringMatching(message) })
    expect(res.text).not.toContain("abcdefgh")
  })

  it("the SDK throws StripeAuthenticationError for a wrong key", async () => {
    const err = await sdk(sandbox(), "sk_nope").paymentIntents.retrieve("pi_x").catch((e: unknown) => e)
    expect(err).toBeInstanceOf(Stripe.errors.StripeAuthenticationError)
    expect(err).toMatchObject({ statusCode: 401 })
  })

  it("accepts Basic auth with the key as user name, and restricted keys", async () => {
    const basic = Buffer.from(`${TEST_KEY}:`).toString("base64")
    const res = await call(sandbox(), "POST", "/v1/payment_intents", { apiKey: null, headers: { Authorization: `Basic ${basic}` }, form: "amount=1000&currency=eur" })
    expect(res.status).toBe(200)
    expect((await sdk(sandbox(), "rk_test_restricted0001").paymentIntents.retrieve(res.body.id)).id).toBe(res.body.id)
  })

  it("with apiKeys, only those keys authenticate", async () => {
    const strict = await startStripeSandbox({ apiKeys: [TEST_KEY] })
    try {
      await expect(sdk(strict, "sk_test_anotherkey0001").paymentIntents.retrieve("pi_x")).rejects.toMatchObject({ statusCode: 401 })
      await expect(sdk(strict).paymentIntents.retrieve("pi_x")).rejects.toMatchObject({ statusCode: 404 })
    } finally {
      await strict.close()
    }
  })

  it("the key's mode is the objects' livemode; the other mode's objects are missing", async () => {
    const live = await sdk(sandbox(), LIVE_KEY).paymentIntents.create({ amount: 1_000, currency: "eur" })
    expect(live.livemode).toBe(true)
    const err = await stripe().paymentIntents.retrieve(live.id).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError)
    expect(err).toMatchObject({ statusCode: 404, code: "resource_missing", param: "intent", message: expect.stringMatching(/exists in live mode/) })
    // Test cards are test-mode objects.
    await expect(authorize(sdk(sandbox(), LIVE_KEY))).rejects.toMatchObject({ statusCode: 404, param: "payment_method" })
  })
})

describe("requests and answers (docs/gateways/stripe.md#requests)", () => {
  it("answers Request-Id and the version: the request's, else the pinned default", async () => {
    const plain = await call(sandbox(), "GET", "/v1/events?limit=1")
    expect(plain.headers.get("request-id")).toMatch(/^req_/)
    expect(plain.headers.get("stripe-version")).toBe("2026-10-28.endive")
    const pinned = await call(sandbox(), "GET", "/v1/events", { headers: { "Stripe-Version": "2025-04-30.basil; multicapture_beta=v1" } })
    expect(pinned.headers.get("stripe-version")).toBe("2025-04-30.basil")
    const bad = await call(sandbox(), "GET", "/v1/events", { headers: { "Stripe-Version": "yesterday" } })
    expect([bad.status, bad.body.error.type]).toEqual([400, "invalid_request_error"])
    const created = await stripe().paymentIntents.create({ amount: 1_000, currency: "eur" })
    expect(created.lastResponse.apiVersion).toBe("2026-10-28.endive")
    expect(created.lastResponse.requestId).toMatch(/^req_/)
  })

  it("reads bracket keys and both list encodings; refuses unknown parameters and JSON bodies", async () => {
    const form = "amount=1500&currency=eur&metadata[order]=o_1&allowed_payment_method_types[0]=card&allowed_payment_method_types[1]=klarna&payment_method_options[card][request_multicapture]=never"
    const ok = await call(sandbox(), "POST", "/v1/payment_intents", { form })
    expect(ok.body).toMatchObject({
      metadata: { order: "o_1" },
      allowed_payment_method_types: ["card", "klarna"],
      payment_method_types: ["card"],
      automatic_payment_methods: null,
      payment_method_options: { card: { request_multicapture: "never" } },
    })
    const expanded = await call(sandbox(), "GET", `/v1/payment_intents/${ok.body.id}?expand[]=latest_charge`)
    expect(expanded.status).toBe(200)
    const unknown = await call(sandbox(), "POST", "/v1/payment_intents", { form: "amount=1500&currency=eur&colour=blue" })
    expect(unknown.body.error).toMatchObject({ code: "parameter_unknown", param: "colour" })
    const nested = await call(sandbox(), "POST", "/v1/payment_intents", { form: "amount=1500&currency=eur&payment_method_options[card][tip]=1" })
    expect(nested.body.error).toMatchObject({ code: "parameter_unknown", param: "payment_method_options[card][tip]" })
    const json = await call(sandbox(), "POST", "/v1/payment_intents", { form: '{"amount":1500}', headers: { "Content-Type": "application/json" } })
    expect(json.status).toBe(400)
    const badExpand = await call(sandbox(), "GET", `/v1/payment_intents/${ok.body.id}?expand[]=customer`)
    expect(badExpand.body.error).toMatchObject({ param: "expand" })
  })

  it("payment_method_types is refused from 2026-09-30.endive on, accepted by older versions", async () => {
    const form = "amount=1500&currency=eur&payment_method_types[]=card"
    const endive = await call(sandbox(), "POST", "/v1/payment_intents", { form })
    expect(endive.body.error).toMatchObject({ code: "payment_method_types_no_longer_supported", param: "payment_method_types" })
    const basil = await call(sandbox(), "POST", "/v1/payment_intents", { form, headers: { "Stripe-Version": "2025-03-31.basil" } })
    expect(basil.body).toMatchObject({ payment_method_types: ["card"], allowed_payment_method_types: null, automatic_payment_methods: null })
    const both = await call(sandbox(), "POST", "/v1/payment_intents", { form: "amount=1500&currency=eur&allowed_payment_method_types[]=card&automatic_payment_methods[enabled]=true" })
    expect(both.body.error).toMatchObject({ code: "parameters_exclusive" })
  })

  it("keeps __proto__ metadata keys as data", async () => {
    const res = await call(sandbox(), "POST", "/v1/payment_intents", { form: "amount=1500&currency=eur&metadata[__proto__]=x&metadata[constructor]=y" })
    expect(res.status).toBe(200)
    expect(JSON.parse(res.text).metadata).toEqual(JSON.parse('{"__proto__":"x","constructor":"y"}'))
    expect(({} as Record<string, unknown>).x).toBeUndefined()
  })

  it("404 'Unrecognized request URL' for unknown paths and methods; 404 for unknown ids", async () => {
    for (const [method, path] of [["GET", "/v1/customers"], ["DELETE", "/v1/payment_intents/pi_x"], ["GET", "/v2/core/events"]]) {
      const res = await call(sandbox(), method, path)
      expect(res.status).toBe(404)
      expect(res.body.error.message).toMatch(/Unrecognized request URL/)
    }
    await expect(stripe().charges.retrieve("ch_missing")).rejects.toMatchObject({ statusCode: 404, code: "resource_missing", doc_url: "https://stripe.com/docs/error-codes/resource-missing" })
    await expect(stripe().refunds.retrieve("re_missing")).rejects.toMatchObject({ statusCode: 404 })
    await expect(stripe().events.retrieve("evt_missing")).rejects.toMatchObject({ statusCode: 404 })
  })
})
