import { GatewayError } from "../../gateway"
import {
  declinedAuthorization,
  declinedCapture,
  declinedRefund,
  errorFromResponse,
  errorTypeForStatus,
  isCaptureWire,
  isListOf,
  isPaymentWire,
  malformedResponseError,
  mapOperationStatus,
  mapPaymentStatus,
  parseRetryAfter,
  redactSecrets,
  toCaptureResult,
  toPaymentSnapshot,
  toRefundResult,
  transportError,
} from "../mapper"
import type { SandboxCaptureWire, SandboxPaymentWire, SandboxRefundWire } from "../types"

const POST = { method: "POST", path: "/v1/payments/p/captures" }
const GET = { method: "GET", path: "/v1/payments/p" }

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

const capture: SandboxCaptureWire = {
  id: "sbx_cap_1",
  object: "capture",
  payment: "sbx_pay_1",
  amount: 300,
  currency: "eur",
  status: "succeeded",
  transaction_id: "txn_1",
  idempotency_key: "k",
  created: 1,
}

const refund: SandboxRefundWire = {
  id: "sbx_re_1",
  object: "refund",
  payment: "sbx_pay_1",
  capture: "sbx_cap_1",
  amount: 100,
  currency: "eur",
  status: "succeeded",
  created: 1,
}

describe("mapPaymentStatus", () => {
  it.each([
    ["authorized", 0, "authorized"],
    ["partially_captured", 300, "partially_captured"],
    ["captured", 1000, "captured"],
    ["canceled", 0, "canceled"],
    ["refunded", 1000, "refunded"],
    ["partially_refunded", 1000, "captured"],
    ["partially_refunded", 300, "partially_captured"],
    ["pending_review", 0, "requires_more"],
    ["", 0, "requires_more"],
  ])("%s (captured %i) → %s", (status, captured, expected) => {
    expect(mapPaymentStatus({ status: status as SandboxPaymentWire["status"], amount: 1000, amount_captured: captured })).toBe(expected)
  })
})

describe("mapOperationStatus", () => {
  it.each([
    ["succeeded", "succeeded"],
    ["failed", "failed"],
    ["pending", "pending"],
    ["processing", "pending"],
    [undefined, "pending"],
    [null, "pending"],
  ])("%j → %s (unknown is never succeeded)", (status, expected) => {
    expect(mapOperationStatus(status)).toBe(expected)
  })
})

describe("wire → port", () => {
  it("maps a payment", () => {
    const wire = payment({ status: "partially_captured", amount_captured: 300, amount_capturable: 700, amount_refunded: 100 })
    expect(toPaymentSnapshot(wire)).toEqual({
      paymentRef: "sbx_pay_1",
      status: "partially_captured",
      currency: "eur",
      amountAuthorized: 1000,
      amountCaptured: 300,
      amountRefunded: 100,
      amountCapturable: 700,
      raw: wire,
    })
  })

  it("maps a capture", () => {
    expect(toCaptureResult(capture)).toEqual({
      status: "succeeded",
      gatewayCaptureId: "sbx_cap_1",
      gatewayTransactionId: "txn_1",
      amount: 300,
      currency: "eur",
      raw: capture,
    })
  })

  it("maps a refund", () => {
    expect(toRefundResult(refund)).toEqual({
      status: "succeeded",
      gatewayRefundId: "sbx_re_1",
      amount: 100,
      currency: "eur",
      raw: refund,
    })
  })
})

describe("declines are results", () => {
  const decline = new GatewayError({
    type: "card_error",
    code: "card_declined",
    declineCode: "insufficient_funds",
    message: "Your card has insufficient funds.",
    httpStatus: 402,
  })

  it.each([
    ["capture", declinedCapture],
    ["refund", declinedRefund],
  ] as const)("%s", (_label, fn) => {
    expect(fn(decline, { amount: 500, currency: "EUR" })).toMatchObject({
      status: "failed",
      amount: 500,
      currency: "eur",
      errorCode: "card_declined",
      declineCode: "insufficient_funds",
      message: "Your card has insufficient funds.",
      raw: { error: { type: "card_error", decline_code: "insufficient_funds" }, http_status: 402 },
    })
  })

  it("authorization", () => {
    expect(declinedAuthorization(decline, { amount: 500, currency: "EUR" })).toMatchObject({
      paymentRef: "",
      status: "failed",
      amountAuthorized: 0,
      amountCapturable: 0,
      declineCode: "insufficient_funds",
    })
  })
})

describe("errorFromResponse", () => {
  const body = (type: string, code: string, extra: Record<string, string> = {}) => ({
    error: { type, code, message: "m", ...extra },
  })

  it.each([
    // status, body, ctx, expected
    [400, body("invalid_request_error", "amount_too_large", { param: "amount" }), POST,
      { type: "invalid_request_error", code: "amount_too_large", param: "amount", retryable: false, outcomeUnknown: false }],
    [400, body("idempotency_error", "idempotency_key_reused"), POST,
      { type: "idempotency_error", code: "idempotency_key_reused", retryable: false, outcomeUnknown: false }],
    [401, body("authentication_error", "invalid_api_key"), GET,
      { type: "authentication_error", retryable: false, outcomeUnknown: false }],
    [402, body("card_error", "card_declined", { decline_code: "do_not_honor" }), POST,
      { type: "card_error", declineCode: "do_not_honor", retryable: false, outcomeUnknown: false }],
    [404, body("invalid_request_error", "resource_missing", { param: "id" }), GET,
      { type: "invalid_request_error", code: "resource_missing", param: "id", retryable: false }],
    [429, body("rate_limit_error", "rate_limited"), POST,
      { type: "rate_limit_error", retryable: true, outcomeUnknown: false }],
    [500, body("api_error", "internal_error"), POST, { type: "api_error", retryable: true, outcomeUnknown: true }],
    [500, body("api_error", "internal_error"), GET, { type: "api_error", retryable: true, outcomeUnknown: false }],
    [503, undefined, POST, { type: "api_error", code: "http_503", retryable: true, outcomeUnknown: true }],
    [502, "<html>bad gateway</html>", POST, { type: "api_error", retryable: true, outcomeUnknown: true }],
    // Body type outside the taxonomy: derived from the status.
    [403, body("forbidden", "x"), GET, { type: "authentication_error" }],
    [409, { error: { type: "conflict" } }, POST, { type: "invalid_request_error" }],
    [418, undefined, GET, { type: "invalid_request_error", retryable: false }],
  ])("HTTP %i %j (%j) → %j", (status, wire, ctx, expected) => {
    const err = errorFromResponse(status, wire, ctx)
    expect(err).toBeInstanceOf(GatewayError)
    expect(err).toMatchObject({ ...expected, httpStatus: status })
  })

  it("reads Retry-After on 429", () => {
    const err = errorFromResponse(429, undefined, { ...POST, retryAfter: "3" })
    expect(err.retryAfterMs).toBe(3000)
  })

  it("redacts keys the gateway might echo", () => {
    const err = errorFromResponse(401, body("authentication_error", "invalid_api_key", { message: "bad key sk_test_abc123 given" }), GET)
    expect(err.message).toBe("bad key sk_test_[redacted] given")
  })
})

describe("errorTypeForStatus", () => {
  it.each([
    [400, "invalid_request_error"],
    [401, "authentication_error"],
    [402, "card_error"],
    [404, "invalid_request_error"],
    [429, "rate_limit_error"],
    [500, "api_error"],
    [503, "api_error"],
  ])("%i → %s", (status, type) => {
    expect(errorTypeForStatus(status)).toBe(type)
  })
})

describe("parseRetryAfter", () => {
  const now = Date.parse("2024-01-01T00:00:00Z")
  it.each([
    [null, undefined],
    [undefined, undefined],
    ["", undefined],
    ["0", 0],
    ["2", 2000],
    ["0.25", 250],
    ["Mon, 01 Jan 2024 00:00:05 GMT", 5000],
    ["Sun, 31 Dec 2023 23:59:00 GMT", 0],
    ["soon", undefined],
    ["-1", undefined],
  ])("%j → %j", (value, expected) => {
    expect(parseRetryAfter(value, now)).toBe(expected)
  })
})

describe("transportError", () => {
  const fetchFailed = (code: string) => Object.assign(new TypeError("fetch failed"), { cause: { code } })
  const named = (name: string) => Object.assign(new Error(name), { name })

  it.each([
    [named("TimeoutError"), POST, { code: "timeout", retryable: true, outcomeUnknown: true }],
    [named("TimeoutError"), GET, { code: "timeout", retryable: true, outcomeUnknown: false }],
    [named("AbortError"), POST, { code: "aborted", retryable: true, outcomeUnknown: true }],
    [fetchFailed("ECONNREFUSED"), POST, { code: "connection_failed", retryable: true, outcomeUnknown: false }],
    [fetchFailed("ENOTFOUND"), POST, { code: "connection_failed", retryable: true, outcomeUnknown: false }],
    [fetchFailed("UND_ERR_SOCKET"), POST, { code: "connection_reset", retryable: true, outcomeUnknown: true }],
    [fetchFailed("ECONNRESET"), POST, { code: "connection_reset", retryable: true, outcomeUnknown: true }],
    [fetchFailed("ECONNRESET"), GET, { code: "connection_reset", retryable: true, outcomeUnknown: false }],
    [new Error("weird"), POST, { code: "connection_reset", retryable: true, outcomeUnknown: true }],
    ["not even an error", POST, { code: "connection_reset", outcomeUnknown: true }],
  ])("%p on %j → %j", (err, ctx, expected) => {
    const mapped = transportError(err, { ...ctx, timeoutMs: 50 })
    expect(mapped).toBeInstanceOf(GatewayError)
    expect(mapped).toMatchObject({ type: "api_connection_error", ...expected })
  })
})

describe("malformedResponseError", () => {
  it.each([
    [POST, true],
    [GET, false],
  ])("%j → outcomeUnknown %s, not retried", (ctx, unknown) => {
    expect(malformedResponseError(200, ctx)).toMatchObject({
      type: "api_error",
      code: "malformed_response",
      retryable: false,
      outcomeUnknown: unknown,
      httpStatus: 200,
    })
  })
})

describe("shape checks", () => {
  it.each([
    [payment(), true],
    [{ ...payment(), amount: "1000" }, false],
    [{ ...payment(), object: "capture" }, false],
    [null, false],
  ])("isPaymentWire(%j) → %s", (value, expected) => {
    expect(isPaymentWire(value)).toBe(expected)
  })

  it.each([
    [{ data: [capture] }, true],
    [{ data: [] }, true],
    [{ data: [refund] }, false],
    [{}, false],
  ])("isListOf(%j, isCaptureWire) → %s", (value, expected) => {
    expect(isListOf(value, isCaptureWire)).toBe(expected)
  })
})

describe("redactSecrets", () => {
  it.each([
    ["key sk_test_abcDEF123 here", "key sk_test_[redacted] here"],
    ["sk_live_x", "sk_live_[redacted]"],
    ["Authorization: Bearer abc.def", "Authorization: Bearer [redacted]"],
    ["nothing secret", "nothing secret"],
  ])("%j → %j", (input, expected) => {
    expect(redactSecrets(input)).toBe(expected)
  })
})
