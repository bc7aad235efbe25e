/**
 * The adapter against the real sandbox server, over HTTP: no mocks between the client and
 * the simulator.
 */
import { inspect } from "node:util"
import { startSandboxGateway, type SandboxGatewayHandle } from "../../../sandbox/sandbox-gateway/server"
import type { Fault } from "../../../sandbox/sandbox-gateway/faults"
import { GatewayError } from "../../gateway"
import { SandboxGateway, type SandboxGatewayOptions } from "../index"

const KEY = "sk_test_adapter_spec_secret"

let sandbox: SandboxGatewayHandle
let seq = 0
const key = (label: string) => `${label}-${++seq}`

beforeAll(async () => {
  sandbox = await startSandboxGateway()
})
afterAll(() => sandbox.close())
beforeEach(() => sandbox.state.reset())

function gateway(over: Partial<SandboxGatewayOptions> = {}): SandboxGateway {
  return new SandboxGateway({
    baseUrl: sandbox.url,
    apiKey: KEY,
    timeoutMs: 1000,
    maxRetries: 2,
    initialBackoffMs: 5,
    maxBackoffMs: 20,
    ...over,
  })
}

const faults = (...list: Fault[]) => sandbox.state.faults.add(list)
const POST_CAPTURES = { method: "POST", path: "/captures" }

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

async function authorized(gw: SandboxGateway, amount = 1000, source = "tok_visa"): Promise<string> {
  const snapshot = await gw.authorize({ amount, currency: "EUR", idempotencyKey: key("auth"), source })
  expect(snapshot.status).toBe("authorized")
  return snapshot.paymentRef
}

describe("SandboxGateway happy path", () => {
  it("authorize → partial capture → second capture → over-capture rejected → refund", async () => {
    const gw = gateway()
    expect(gw.name).toBe("sandbox")

    const auth = await gw.authorize({ amount: 1000, currency: "EUR", idempotencyKey: key("auth"), metadata: { order: "o1" } })
    expect(auth).toMatchObject({
      paymentRef: expect.stringMatching(/^sbx_pay_/),
      status: "authorized",
      currency: "eur",
      amountAuthorized: 1000,
      amountCaptured: 0,
      amountCapturable: 1000,
    })
    const paymentRef = auth.paymentRef

    const first = await gw.capture({ paymentRef, amount: 300, currency: "EUR", idempotencyKey: "cap-1", description: "box 1" })
    expect(first).toMatchObject({
      status: "succeeded",
      gatewayCaptureId: expect.stringMatching(/^sbx_cap_/),
      gatewayTransactionId: expect.stringMatching(/^txn_/),
      amount: 300,
      currency: "eur",
    })
    const second = await gw.capture({ paymentRef, amount: 500, currency: "EUR", idempotencyKey: "cap-2" })
    expect(second).toMatchObject({ status: "succeeded", amount: 500 })

    const over = await caught(gw.capture({ paymentRef, amount: 201, currency: "EUR", idempotencyKey: "cap-3" }))
    expect(over).toMatchObject({
      type: "invalid_request_error",
      code: "amount_too_large",
      param: "amount",
      httpStatus: 400,
      retryable: false,
      outcomeUnknown: false,
    })

    expect(await gw.retrieve(paymentRef)).toMatchObject({
      status: "partially_captured",
      amountCaptured: 800,
      amountCapturable: 200,
    })

    const refund = await gw.refund({
      paymentRef,
      gatewayCaptureId: first.gatewayCaptureId,
      amount: 100,
      currency: "EUR",
      idempotencyKey: "ref-1",
      reason: "damaged",
    })
    expect(refund).toMatchObject({ status: "succeeded", gatewayRefundId: expect.stringMatching(/^sbx_re_/), amount: 100, currency: "eur" })

    const overRefund = await caught(
      gw.refund({ paymentRef, gatewayCaptureId: first.gatewayCaptureId, amount: 201, currency: "EUR", idempotencyKey: "ref-2" })
    )
    expect(overRefund).toMatchObject({ code: "amount_too_large", retryable: false })

    expect(await gw.retrieve(paymentRef)).toMatchObject({ amountCaptured: 800, amountRefunded: 100, status: "partially_captured" })

    expect(await gw.retrieveCapture({ paymentRef, idempotencyKey: "cap-2" })).toMatchObject({ gatewayCaptureId: second.gatewayCaptureId })
    expect(await gw.retrieveCapture({ paymentRef, gatewayId: first.gatewayCaptureId, idempotencyKey: "cap-1" })).toMatchObject({
      amount: 300,
    })
    expect(await gw.retrieveCapture({ paymentRef, idempotencyKey: "cap-3" })).toBeNull()
    expect(await gw.retrieveCapture({ paymentRef, gatewayId: "sbx_cap_nope", idempotencyKey: "x" })).toBeNull()
    expect(await gw.retrieveCapture({ paymentRef: "sbx_pay_nope", idempotencyKey: "x" })).toBeNull()
    expect(await gw.retrieveRefund({ paymentRef, idempotencyKey: "ref-1" })).toMatchObject({ gatewayRefundId: refund.gatewayRefundId })
    expect(await gw.retrieveRefund({ paymentRef, gatewayId: refund.gatewayRefundId, idempotencyKey: "ref-1" })).toMatchObject({ amount: 100 })
    expect(await gw.retrieveRefund({ paymentRef, idempotencyKey: "ref-2" })).toBeNull()

    const released = await gw.cancel(paymentRef, key("cancel"))
    expect(released).toMatchObject({ status: "partially_captured", amountCapturable: 0 })
  })

  it("cancels an untouched authorization", async () => {
    const gw = gateway()
    const paymentRef = await authorized(gw)
    const cancelKey = key("cancel")
    expect(await gw.cancel(paymentRef, cancelKey)).toMatchObject({ status: "canceled", amountCapturable: 0 })
    expect(await gw.cancel(paymentRef, cancelKey)).toMatchObject({ status: "canceled" })
  })

  it("rejects amounts that are not positive integers before calling the gateway", async () => {
    const gw = gateway()
    const err = await caught(gw.capture({ paymentRef: "sbx_pay_x", amount: 10.5, currency: "EUR", idempotencyKey: "k" }))
    expect(err).toMatchObject({ type: "invalid_request_error", param: "amount" })
    expect(sandbox.state.requests).toBe(0)
  })
})

describe("declines are results", () => {
  it("a declined authorization", async () => {
    const snapshot = await gateway().authorize({
      amount: 1000,
      currency: "EUR",
      idempotencyKey: key("auth"),
      source: "tok_decline_insufficient_funds",
    })
    expect(snapshot).toMatchObject({ status: "failed", declineCode: "insufficient_funds", amountAuthorized: 0 })
  })

  it("a declined capture", async () => {
    const gw = gateway()
    const paymentRef = await authorized(gw, 1000, "tok_capture_decline_do_not_honor")
    const result = await gw.capture({ paymentRef, amount: 400, currency: "EUR", idempotencyKey: key("cap") })
    expect(result).toMatchObject({
      status: "failed",
      amount: 400,
      currency: "eur",
      errorCode: "card_declined",
      declineCode: "do_not_honor",
      message: expect.any(String),
    })
    expect(sandbox.state.counts().captures).toBe(0)
  })
})

describe("idempotency", () => {
  it("the same key twice captures once and replays the response", async () => {
    const gw = gateway()
    const paymentRef = await authorized(gw)
    const req = { paymentRef, amount: 250, currency: "EUR", idempotencyKey: "same" }
    const first = await gw.capture(req)
    const replay = await gw.client.createCapture(paymentRef, { amount: 250 }, "same")
    expect(replay.replayed).toBe(true)
    expect(replay.data.id).toBe(first.gatewayCaptureId)
    expect((await gw.capture(req)).gatewayCaptureId).toBe(first.gatewayCaptureId)
    expect(sandbox.state.counts().captures).toBe(1)
  })

  it("the same key with another body is an idempotency_error", async () => {
    const gw = gateway()
    const paymentRef = await authorized(gw)
    await gw.capture({ paymentRef, amount: 250, currency: "EUR", idempotencyKey: "reused" })
    const err = await caught(gw.capture({ paymentRef, amount: 300, currency: "EUR", idempotencyKey: "reused" }))
    expect(err).toMatchObject({ type: "idempotency_error", code: "idempotency_key_reused", retryable: false, outcomeUnknown: false })
    expect(sandbox.state.counts().captures).toBe(1)
  })
})

describe("authentication", () => {
  it("a rejected key is an authentication_error that does not name the key", async () => {
    const secret = "pk_test_not_a_secret_key_but_still_private"
    const err = await caught(gateway({ apiKey: secret }).retrieve("sbx_pay_x"))
    expect(err).toMatchObject({ type: "authentication_error", code: "invalid_api_key", httpStatus: 401, retryable: false })
    expect(err.message).not.toContain(secret)
    expect(sandbox.state.requests).toBe(1)
  })

  it("the key is not visible on the gateway or client objects", () => {
    const gw = gateway()
    expect(inspect(gw, { depth: 5 })).not.toContain(KEY)
    expect(JSON.stringify(gw)).not.toContain(KEY)
  })
})

describe("faults", () => {
  it("5xx then success is retried and captures once", async () => {
    const gw = gateway()
    const paymentRef = await authorized(gw)
    faults({ kind: "status_500", match: POST_CAPTURES }, { kind: "status_503", match: POST_CAPTURES })
    const result = await gw.capture({ paymentRef, amount: 100, currency: "EUR", idempotencyKey: key("cap") })
    expect(result.status).toBe("succeeded")
    expect(sandbox.state.counts()).toMatchObject({ captures: 1, requests: 4 })
  })

  it("5xx on every attempt: thrown, retryable, outcome unknown; nothing was captured", async () => {
    const gw = gateway()
    const paymentRef = await authorized(gw)
    faults({ kind: "status_503", match: POST_CAPTURES, times: 3 })
    const idempotencyKey = key("cap")
    const err = await caught(gw.capture({ paymentRef, amount: 100, currency: "EUR", idempotencyKey }))
    expect(err).toMatchObject({ type: "api_error", httpStatus: 503, retryable: true, outcomeUnknown: true })
    expect(await gw.retrieveCapture({ paymentRef, idempotencyKey })).toBeNull()
  })

  it("a GET 5xx is retryable but its outcome is not unknown", async () => {
    const gw = gateway({ maxRetries: 0 })
    faults({ kind: "status_500" })
    const err = await caught(gw.retrieve("sbx_pay_x"))
    expect(err).toMatchObject({ retryable: true, outcomeUnknown: false })
  })

  it.each(["reset_after", "lost_response"] as const)(
    "%s on every attempt: outcome unknown, then retrieveCapture by idempotency key finds the capture",
    async (kind) => {
      const gw = gateway()
      const paymentRef = await authorized(gw)
      faults({ kind, match: POST_CAPTURES, times: 3 })
      const idempotencyKey = key("cap")
      const err = await caught(gw.capture({ paymentRef, amount: 400, currency: "EUR", idempotencyKey }))
      expect(err).toMatchObject({ type: "api_connection_error", code: "connection_reset", retryable: true, outcomeUnknown: true })
      expect(sandbox.state.counts().captures).toBe(1)

      const found = await gw.retrieveCapture({ paymentRef, idempotencyKey })
      expect(found).toMatchObject({ status: "succeeded", amount: 400, gatewayCaptureId: expect.stringMatching(/^sbx_cap_/) })
    }
  )

  it("reset_after once: the retry is replayed and captures once", async () => {
    const gw = gateway()
    const paymentRef = await authorized(gw)
    faults({ kind: "reset_after", match: POST_CAPTURES })
    const result = await gw.capture({ paymentRef, amount: 400, currency: "EUR", idempotencyKey: key("cap") })
    expect(result).toMatchObject({ status: "succeeded", amount: 400 })
    expect(sandbox.state.counts().captures).toBe(1)
  })

  it("reset_before: retried, captures once", async () => {
    const gw = gateway()
    const paymentRef = await authorized(gw)
    faults({ kind: "reset_before", match: POST_CAPTURES, times: 2 })
    const result = await gw.capture({ paymentRef, amount: 400, currency: "EUR", idempotencyKey: key("cap") })
    expect(result.status).toBe("succeeded")
    expect(sandbox.state.counts().captures).toBe(1)
  })

  it("a response slower than the timeout is an outcome-unknown timeout", async () => {
    const gw = gateway({ timeoutMs: 80, maxRetries: 0 })
    const paymentRef = await authorized(gw)
    faults({ kind: "lost_response", match: POST_CAPTURES, delayMs: 250 })
    const idempotencyKey = key("cap")
    const err = await caught(gw.capture({ paymentRef, amount: 100, currency: "EUR", idempotencyKey }))
    expect(err).toMatchObject({ type: "api_connection_error", code: "timeout", retryable: true, outcomeUnknown: true })
    expect(await gw.retrieveCapture({ paymentRef, idempotencyKey })).toMatchObject({ status: "succeeded", amount: 100 })
  })

  it("a delay shorter than the timeout is harmless", async () => {
    const gw = gateway({ timeoutMs: 500 })
    const paymentRef = await authorized(gw)
    faults({ kind: "delay", match: POST_CAPTURES, delayMs: 30 })
    expect((await gw.capture({ paymentRef, amount: 100, currency: "EUR", idempotencyKey: key("cap") })).status).toBe("succeeded")
  })

  it("429 with Retry-After is retried after the delay the gateway asked for", async () => {
    const gw = gateway()
    const paymentRef = await authorized(gw)
    faults({ kind: "status_429", match: POST_CAPTURES, retryAfterSeconds: 0.3 })
    const started = Date.now()
    const result = await gw.capture({ paymentRef, amount: 100, currency: "EUR", idempotencyKey: key("cap") })
    expect(Date.now() - started).toBeGreaterThanOrEqual(290)
    expect(result.status).toBe("succeeded")
    expect(sandbox.state.counts().captures).toBe(1)
  })

  it("a Retry-After beyond maxRetryAfterMs is not waited for", async () => {
    const gw = gateway({ maxRetryAfterMs: 1000 })
    faults({ kind: "status_429", retryAfterSeconds: 60 })
    const err = await caught(gw.retrieve("sbx_pay_x"))
    expect(err).toMatchObject({ type: "rate_limit_error", retryable: true, retryAfterMs: 60_000 })
    expect(sandbox.state.requests).toBe(1)
  })

  it("an earlier unknown outcome survives a later transient failure", async () => {
    const gw = gateway()
    const paymentRef = await authorized(gw)
    faults(
      { kind: "reset_after", match: POST_CAPTURES },
      { kind: "status_429", match: POST_CAPTURES, retryAfterSeconds: 0, times: 2 }
    )
    const idempotencyKey = key("cap")
    const err = await caught(gw.capture({ paymentRef, amount: 100, currency: "EUR", idempotencyKey }))
    expect(err).toMatchObject({ type: "rate_limit_error", outcomeUnknown: true })
    expect(await gw.retrieveCapture({ paymentRef, idempotencyKey })).toMatchObject({ amount: 100 })
  })

  it("malformed body after a POST: not retried, outcome unknown", async () => {
    const gw = gateway()
    const paymentRef = await authorized(gw)
    faults({ kind: "malformed", match: POST_CAPTURES })
    const before = sandbox.state.requests
    const idempotencyKey = key("cap")
    const err = await caught(gw.capture({ paymentRef, amount: 100, currency: "EUR", idempotencyKey }))
    expect(err).toMatchObject({ type: "api_error", code: "malformed_response", retryable: false, outcomeUnknown: true })
    expect(sandbox.state.requests - before).toBe(1)
    expect(await gw.retrieveCapture({ paymentRef, idempotencyKey })).toMatchObject({ status: "succeeded" })
  })

  it("connection refused: retried, then thrown without an unknown outcome", async () => {
    const dead = await startSandboxGateway()
    await dead.close()
    const gw = new SandboxGateway({ baseUrl: dead.url, apiKey: KEY, maxRetries: 1, initialBackoffMs: 5 })
    const err = await caught(gw.capture({ paymentRef: "sbx_pay_x", amount: 1, currency: "EUR", idempotencyKey: "k" }))
    expect(err).toMatchObject({ type: "api_connection_error", code: "connection_failed", retryable: true, outcomeUnknown: false })
  })
})
