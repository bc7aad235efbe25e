/**
 * Pins the sandbox mapper's decisions with whole expected objects and boundaries, so that
 * mutation testing (docs/mutation-testing.md) finds no changed operator or literal that every
 * test lets through.
 */
import { GatewayError } from "../../gateway"
import {
  declinedAuthorization,
  declinedCapture,
  declinedRefund,
  errorFromResponse,
  errorTypeForStatus,
  isCaptureWire,
  isDecline,
  isListOf,
  isMutating,
  isPaymentWire,
  isRefundWire,
  mapOperationStatus,
  mapPaymentStatus,
  redactSecrets,
  toCaptureResult,
  toPaymentSnapshot,
  toRefundResult,
} from "../mapper"
import type { SandboxCaptureWire, SandboxPaymentWire, SandboxRefundWire } from "../types"

const payment = (over: Partial<SandboxPaymentWire> = {}): SandboxPaymentWire => ({
  id: "sbx_pay_1",
  object: "payment",
  status: "authorized",
  amount: 1000,
  currency: "EUR",
  amount_captured: 0,
  amount_refunded: 0,
  amount_capturable: 1000,
  captures: [],
  refunds: [],
  created: 1,
  metadata: {},
  ...over,
})
const capture = (over: Partial<SandboxCaptureWire> = {}): SandboxCaptureWire => ({
  id: "sbx_cap_1",
  object: "capture",
  payment: "sbx_pay_1",
  amount: 400,
  currency: "EUR",
  status: "succeeded",
  transaction_id: "txn_1",
  idempotency_key: "k",
  created: 1,
  ...over,
})
const refund = (over: Partial<SandboxRefundWire> = {}): SandboxRefundWire => ({
  id: "sbx_ref_1",
  object: "refund",
  payment: "sbx_pay_1",
  capture: "sbx_cap_1",
  amount: 200,
  currency: "EUR",
  status: "pending",
  created: 1,
  ...over,
})

describe("isMutating", () => {
  it.each([
    ["POST", true],
    ["post", true],
    ["DELETE", true],
    ["PUT", true],
    ["GET", false],
    ["get", false],
    ["HEAD", false],
    ["head", false],
  ])("%s -> %s", (method, expected) => {
    expect(isMutating(method)).toBe(expected)
  })
})

describe("mapPaymentStatus", () => {
  it.each<[string, number, number, string]>([
    ["authorized", 1000, 0, "authorized"],
    ["partially_captured", 1000, 400, "partially_captured"],
    ["captured", 1000, 1000, "captured"],
    ["canceled", 1000, 0, "canceled"],
    ["refunded", 1000, 1000, "refunded"],
    ["partially_refunded", 1000, 1000, "captured"],
    ["partially_refunded", 1000, 1001, "captured"],
    ["partially_refunded", 1000, 999, "partially_captured"],
    ["requires_more", 1000, 0, "requires_more"],
    ["failed", 1000, 0, "requires_more"],
    ["", 1000, 0, "requires_more"],
  ])("%s (amount %i, captured %i) -> %s", (status, amount, amount_captured, expected) => {
    expect(mapPaymentStatus({ status: status as SandboxPaymentWire["status"], amount, amount_captured })).toBe(expected)
  })
})

describe("mapOperationStatus", () => {
  it.each<[unknown, string]>([
    ["succeeded", "succeeded"],
    ["failed", "failed"],
    ["pending", "pending"],
    ["canceled", "pending"],
    [undefined, "pending"],
  ])("%j -> %s", (status, expected) => {
    expect(mapOperationStatus(status)).toBe(expected)
  })
})

describe("wire → port, whole objects", () => {
  it("a payment", () => {
    const wire = payment({ status: "partially_captured", amount_captured: 400, amount_refunded: 100, amount_capturable: 0 })
    expect(toPaymentSnapshot(wire)).toStrictEqual({
      paymentRef: "sbx_pay_1",
      status: "partially_captured",
      currency: "eur",
      amountAuthorized: 1000,
      amountCaptured: 400,
      amountRefunded: 100,
      amountCapturable: 0,
      raw: wire,
    })
  })

  it("a capture, with and without a transaction id", () => {
    const wire = capture()
    expect(toCaptureResult(wire)).toStrictEqual({
      status: "succeeded",
      gatewayCaptureId: "sbx_cap_1",
      gatewayTransactionId: "txn_1",
      amount: 400,
      currency: "eur",
      raw: wire,
    })
    expect(toCaptureResult(capture({ transaction_id: null, status: "failed" }))).toMatchObject({ status: "failed", gatewayTransactionId: undefined })
  })

  it("a refund", () => {
    const wire = refund()
    expect(toRefundResult(wire)).toStrictEqual({ status: "pending", gatewayRefundId: "sbx_ref_1", amount: 200, currency: "eur", raw: wire })
  })
})

describe("declines", () => {
  const decline = new GatewayError({
    type: "card_error",
    code: "card_declined",
    declineCode: "insufficient_funds",
    message: "Declined.",
    param: "source",
    httpStatus: 402,
  })
  const raw = {
    error: { type: "card_error", code: "card_declined", message: "Declined.", param: "source", decline_code: "insufficient_funds" },
    http_status: 402,
  }

  it("isDecline: only a GatewayError of type card_error", () => {
    expect(isDecline(decline)).toBe(true)
    expect(isDecline(new GatewayError({ type: "api_error", message: "x" }))).toBe(false)
    expect(isDecline({ type: "card_error" })).toBe(false)
    expect(isDecline(Object.assign(new Error("x"), { type: "card_error" }))).toBe(false)
  })

  it("a declined capture / refund", () => {
    const expected = {
      status: "failed",
      amount: 500,
      currency: "eur",
      errorCode: "card_declined",
      declineCode: "insufficient_funds",
      message: "Declined.",
      raw,
    }
    expect(declinedCapture(decline, { amount: 500, currency: "EUR" })).toStrictEqual(expected)
    expect(declinedRefund(decline, { amount: 500, currency: "EUR" })).toStrictEqual(expected)
  })

  it("a declined authorization", () => {
    expect(declinedAuthorization(decline, { amount: 500, currency: "EUR" })).toStrictEqual({
      paymentRef: "",
      status: "failed",
      currency: "eur",
      amountAuthorized: 0,
      amountCaptured: 0,
      amountRefunded: 0,
      amountCapturable: 0,
      declineCode: "insufficient_funds",
      message: "Declined.",
      raw,
    })
  })
})

describe("errorTypeForStatus", () => {
  it.each([
    [399, "api_error"],
    [400, "invalid_request_error"],
    [401, "authentication_error"],
    [402, "card_error"],
    [403, "authentication_error"],
    [404, "invalid_request_error"],
    [429, "rate_limit_error"],
    [499, "invalid_request_error"],
    [500, "api_error"],
  ])("%i -> %s", (status, expected) => {
    expect(errorTypeForStatus(status)).toBe(expected)
  })
})

describe("errorFromResponse", () => {
  const ctx = (method: string, retryAfter?: string) => ({ method, path: "/v1/payments/p", retryAfter, nowMs: 0 })

  it("reads every field of the error body", () => {
    const err = errorFromResponse(
      402,
      { error: { type: "card_error", code: "card_declined", decline_code: "do_not_honor", message: "No.", param: "source" } },
      ctx("POST")
    )
    expect(err).toBeInstanceOf(GatewayError)
    expect(err).toMatchObject({
      type: "card_error",
      message: "No.",
      code: "card_declined",
      declineCode: "do_not_honor",
      param: "source",
      httpStatus: 402,
      retryable: false,
      outcomeUnknown: false,
      retryAfterMs: undefined,
    })
  })

  it("an unknown type falls back to the status; empty strings count as absent", () => {
    const err = errorFromResponse(404, { error: { type: "weird", code: "", message: "", decline_code: "", param: "" } }, ctx("GET"))
    expect(err).toMatchObject({
      type: "invalid_request_error",
      message: "The sandbox gateway answered HTTP 404 to GET /v1/payments/p.",
      code: undefined,
      declineCode: undefined,
      param: undefined,
    })
  })

  it("non-string fields count as absent", () => {
    expect(errorFromResponse(400, { error: { type: 5, code: 5, message: 5 } }, ctx("GET"))).toMatchObject({
      type: "invalid_request_error",
      code: undefined,
      message: "The sandbox gateway answered HTTP 400 to GET /v1/payments/p.",
    })
  })

  it("a body without an error object gets an http_<status> code", () => {
    expect(errorFromResponse(418, "teapot", ctx("GET"))).toMatchObject({ type: "invalid_request_error", code: "http_418" })
    expect(errorFromResponse(418, { error: "x" }, ctx("GET"))).toMatchObject({ code: "http_418" })
    expect(errorFromResponse(418, ["x"], ctx("GET"))).toMatchObject({ code: "http_418" })
  })

  it.each<[number, string, boolean, boolean, number | undefined]>([
    [429, "POST", true, false, 2000],
    [500, "POST", true, true, 2000],
    [500, "GET", true, false, 2000],
    [503, "HEAD", true, false, 2000],
    [499, "POST", false, false, undefined],
    [428, "POST", false, false, undefined],
  ])("HTTP %i after %s: retryable %s, outcomeUnknown %s, waits %p", (status, method, retryable, outcomeUnknown, retryAfterMs) => {
    expect(errorFromResponse(status, undefined, ctx(method, "2"))).toMatchObject({ retryable, outcomeUnknown, retryAfterMs, httpStatus: status })
  })

  it("uses the current time for an HTTP-date Retry-After when none is given", () => {
    const at = new Date(Date.now() + 60_000).toUTCString()
    const err = errorFromResponse(503, undefined, { method: "GET", path: "/x", retryAfter: at })
    expect(err.retryAfterMs).toBeGreaterThan(50_000)
    expect(err.retryAfterMs).toBeLessThanOrEqual(60_000)
  })

  it("redacts keys in the message", () => {
    expect(errorFromResponse(401, { error: { message: "bad key sk_test_abc123" } }, ctx("GET")).message).toBe("bad key sk_test_[redacted]")
  })
})

describe("redactSecrets", () => {
  it.each([
    ["sk_live_abc-DEF.ghi~j+k/l=", "sk_live_[redacted]"],
    ["rk_test_x and pk_live_y", "rk_test_[redacted] and pk_live_[redacted]"],
    ["xsk_test_abc", "xsk_test_abc"],
    ["sk_prod_abc", "sk_prod_abc"],
    ["Bearer abc.def", "Bearer [redacted]"],
  ])("%s -> %s", (input, expected) => {
    expect(redactSecrets(input)).toBe(expected)
  })
})

describe("shape checks", () => {
  it.each<[string, unknown, boolean]>([
    ["a capture", capture(), true],
    ["a refund as a capture", refund(), false],
    ["fractional amount", { ...capture(), amount: 1.5 }, false],
    ["string amount", { ...capture(), amount: "1" }, false],
    ["no id", { ...capture(), id: 1 }, false],
    ["no currency", { ...capture(), currency: undefined }, false],
    ["null", null, false],
    ["array", [capture()], false],
  ])("isCaptureWire: %s", (_, value, expected) => {
    expect(isCaptureWire(value)).toBe(expected)
  })

  it("isRefundWire takes refunds only", () => {
    expect(isRefundWire(refund())).toBe(true)
    expect(isRefundWire(capture())).toBe(false)
  })

  it.each<[string, unknown, boolean]>([
    ["a payment", payment(), true],
    ["a capture", capture(), false],
    ["no id", { ...payment(), id: undefined }, false],
    ["no currency", { ...payment(), currency: 5 }, false],
    ["bad amount", { ...payment(), amount: 1.5 }, false],
    ["bad amount_captured", { ...payment(), amount_captured: "0" }, false],
    ["bad amount_refunded", { ...payment(), amount_refunded: null }, false],
    ["bad amount_capturable", { ...payment(), amount_capturable: NaN }, false],
    ["null", null, false],
  ])("isPaymentWire: %s", (_, value, expected) => {
    expect(isPaymentWire(value)).toBe(expected)
  })

  it("isListOf", () => {
    expect(isListOf({ data: [capture()] }, isCaptureWire)).toBe(true)
    expect(isListOf({ data: [] }, isCaptureWire)).toBe(true)
    expect(isListOf({ data: [capture(), refund()] }, isCaptureWire)).toBe(false)
    expect(isListOf({ data: capture() }, isCaptureWire)).toBe(false)
    expect(isListOf([capture()], isCaptureWire)).toBe(false)
    expect(isListOf(undefined, isCaptureWire)).toBe(false)
  })
})
