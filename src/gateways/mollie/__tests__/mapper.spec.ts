import { GatewayError } from "../../gateway"
import {
  capturableAmount,
  errorFromResponse,
  fromMollieAmount,
  isListOf,
  isPaymentWire,
  isCaptureWire,
  malformedResponseError,
  mapCaptureStatus,
  mapPaymentStatus,
  mapRefundStatus,
  medusaKeyOf,
  parseRetryAfter,
  redactSecrets,
  refundDescription,
  toCaptureResult,
  toMollieAmount,
  toPaymentSnapshot,
  toRefundResult,
  transportError,
  truncateCharacters,
} from "../mapper"
import type { MollieCapture, MollieCaptureStatus, MolliePayment, MolliePaymentStatus, MollieRefund, MollieRefundStatus } from "../types"

const eur = (value: string) => ({ currency: "EUR", value })
const link = (href: string) => ({ href, type: "application/hal+json" })

function payment(over: Partial<MolliePayment> = {}): MolliePayment {
  return {
    resource: "payment",
    id: "tr_abc",
    mode: "test",
    status: "authorized",
    amount: eur("10.00"),
    amountCaptured: eur("0.00"),
    description: "Order",
    createdAt: "2026-01-01T00:00:00+00:00",
    captureMode: "manual",
    _links: { self: link("https://api.mollie.com/v2/payments/tr_abc") },
    ...over,
  }
}

function capture(over: Partial<MollieCapture> = {}): MollieCapture {
  return {
    resource: "capture",
    id: "cpt_1",
    mode: "test",
    amount: eur("4.00"),
    status: "pending",
    paymentId: "tr_abc",
    metadata: { medusa_key: "cap_key" },
    createdAt: "2026-01-01T00:00:00+00:00",
    _links: { self: link("s"), payment: link("p") },
    ...over,
  }
}

function refund(over: Partial<MollieRefund> = {}): MollieRefund {
  return {
    resource: "refund",
    id: "re_1",
    mode: "test",
    amount: eur("2.50"),
    status: "queued",
    description: "",
    metadata: { medusa_key: "ref_key" },
    paymentId: "tr_abc",
    createdAt: "2026-01-01T00:00:00+00:00",
    _links: { self: link("s"), payment: link("p") },
    ...over,
  }
}

describe("amounts: exactly the currency's decimals, both ways", () => {
  it.each([
    [1000, "JPY", "1000"],
    [1, "jpy", "1"],
    [1050, "EUR", "10.50"],
    [1, "eur", "0.01"],
    [100000, "EUR", "1000.00"],
    [1500, "KWD", "1.500"],
    [1, "kwd", "0.001"],
    [123456789, "KWD", "123456.789"],
  ])("%i %s ↔ %s", (minor, currency, value) => {
    expect(toMollieAmount(minor, currency)).toEqual({ currency: currency.toUpperCase(), value })
    expect(fromMollieAmount({ currency: currency.toUpperCase(), value })).toEqual({ amount: minor, currency: currency.toLowerCase() })
  })

  it.each([
    ["EUR", "10.001"],
    ["JPY", "10.5"],
    ["KWD", "1.0001"],
    ["EUR", "ten"],
  ])("refuses %s %s (would need rounding)", (currency, value) => {
    expect(() => fromMollieAmount({ currency, value })).toThrow()
  })
})

describe("payment status", () => {
  const cases: Array<[string, Partial<MolliePayment>, ReturnType<typeof mapPaymentStatus>]> = [
    ["open", { status: "open" }, "requires_more"],
    ["pending", { status: "pending" }, "requires_more"],
    ["authorized, nothing captured", { status: "authorized" }, "authorized"],
    ["authorized, partly captured", { status: "authorized", amountCaptured: eur("4.00") }, "partially_captured"],
    ["paid in full", { status: "paid", amountCaptured: eur("10.00") }, "captured"],
    ["paid after a partial capture (rest released)", { status: "paid", amountCaptured: eur("8.00") }, "partially_captured"],
    ["paid, automatic capture (no amountCaptured)", { status: "paid", amountCaptured: undefined }, "captured"],
    ["paid, partly refunded", { status: "paid", amountCaptured: eur("10.00"), amountRefunded: eur("3.00") }, "captured"],
    ["paid, refunded in full", { status: "paid", amountCaptured: eur("8.00"), amountRefunded: eur("8.00") }, "refunded"],
    ["canceled", { status: "canceled" }, "canceled"],
    ["expired", { status: "expired" }, "failed"],
    ["failed", { status: "failed" }, "failed"],
    ["an unknown status", { status: "settling" as MolliePaymentStatus }, "requires_more"],
  ]
  it.each(cases)("%s", (_, over, expected) => {
    expect(mapPaymentStatus(payment(over))).toBe(expected)
  })
})

describe("capturable amount (not amountRemaining: that is refundable, docs/gateways/mollie.md#payments)", () => {
  it.each([
    ["authorized, nothing captured", payment({ amountRemaining: eur("0.00") }), 1000],
    ["authorized, captured 4.00", payment({ amountCaptured: eur("4.00"), amountRemaining: eur("4.00") }), 600],
    [
      "authorized, 3.00 pending in the embedded captures",
      payment({
        amountCaptured: eur("4.00"),
        _embedded: { captures: [capture({ status: "succeeded" }), capture({ id: "cpt_2", amount: eur("3.00") })] },
      }),
      300,
    ],
    ["paid", payment({ status: "paid", amountCaptured: eur("8.00") }), 0],
    ["open", payment({ status: "open" }), 0],
    ["canceled", payment({ status: "canceled" }), 0],
  ])("%s", (_, wire, expected) => {
    expect(capturableAmount(wire)).toBe(expected)
  })
})

describe("toPaymentSnapshot", () => {
  it("open: requires_more with the checkout URL", () => {
    const wire = payment({ status: "open", _links: { self: link("s"), checkout: { href: "https://pay/checkout", type: "text/html" } } })
    expect(toPaymentSnapshot(wire)).toEqual({
      paymentRef: "tr_abc",
      status: "requires_more",
      currency: "eur",
      amountAuthorized: 1000,
      amountCaptured: 0,
      amountRefunded: 0,
      amountCapturable: 0,
      redirectUrl: "https://pay/checkout",
      raw: wire,
    })
  })

  it("paid and partly refunded, in KWD", () => {
    const kwd = (value: string) => ({ currency: "KWD", value })
    const snapshot = toPaymentSnapshot(
      payment({ status: "paid", amount: kwd("5.000"), amountCaptured: kwd("4.500"), amountRefunded: kwd("0.250"), amountRemaining: kwd("4.250") })
    )
    expect(snapshot).toMatchObject({ status: "partially_captured", currency: "kwd", amountAuthorized: 5000, amountCaptured: 4500, amountRefunded: 250, amountCapturable: 0 })
    expect(snapshot.redirectUrl).toBeUndefined()
  })

  it("expired: failed with a message", () => {
    expect(toPaymentSnapshot(payment({ status: "expired" }))).toMatchObject({ status: "failed", declineCode: "expired", message: expect.any(String) })
  })
})

describe("payment fields the reference marks nullable", () => {
  it("reads a payment whose optional fields are null", () => {
    const wire = payment({
      status: "open",
      amountCaptured: undefined,
      method: null,
      metadata: null,
      redirectUrl: null,
      webhookUrl: null,
      isCancelable: null,
      captureBefore: null,
      authorizedAt: null,
      paidAt: null,
      expiresAt: null,
    })
    expect(isPaymentWire(wire)).toBe(true)
    expect(toPaymentSnapshot(wire)).toMatchObject({ status: "requires_more", amountCaptured: 0, amountCapturable: 0 })
  })
})

describe("refund description (required by create-refund, at most 255 characters)", () => {
  it("is the operator's note when there is one, trimmed", () => {
    expect(refundDescription({ note: "  One mug arrived broken ", refundId: "capref_1", orderDisplayId: 7 })).toBe("One mug arrived broken")
  })

  it.each([
    [{ refundId: "capref_1", orderDisplayId: 1001 }, "Refund capref_1 of order #1001"],
    [{ refundId: "capref_1", orderDisplayId: 0 }, "Refund capref_1 of order #0"],
    [{ refundId: "capref_1", orderDisplayId: null }, "Refund capref_1"],
    [{ refundId: "capref_1" }, "Refund capref_1"],
    [{ note: "", refundId: "capref_1", orderDisplayId: 5 }, "Refund capref_1 of order #5"],
    [{ note: " \n\t", refundId: "capref_1", orderDisplayId: 5 }, "Refund capref_1 of order #5"],
    [{ note: null, orderDisplayId: 5 }, "Refund of order #5"],
    [{}, "Refund"],
  ])("falls back to naming the refund and its order: %j → %j", (input, expected) => {
    expect(refundDescription(input)).toBe(expected)
  })

  it("never exceeds 255 characters, and never sends an empty one", () => {
    const long = refundDescription({ note: "x".repeat(1000) })
    expect(long).toHaveLength(255)
    expect(long.endsWith("\u2026")).toBe(true)
    expect(refundDescription({ note: "x".repeat(255) })).toBe("x".repeat(255))
    expect(refundDescription({ refundId: "r".repeat(300) }).length).toBeLessThanOrEqual(255)
  })
})

describe("truncateCharacters: the limit counts characters (code points), as JSON Schema's maxLength does", () => {
  const emoji = "\u{1F600}" // one character, two UTF-16 code units

  it("leaves text within the limit alone, however many UTF-16 code units it takes", () => {
    expect(truncateCharacters(emoji.repeat(255), 255)).toBe(emoji.repeat(255))
    expect(truncateCharacters("abc", 3)).toBe("abc")
  })

  it("cuts to the limit with an ellipsis, never through a surrogate pair", () => {
    const cut = truncateCharacters(emoji.repeat(300), 255)
    expect([...cut]).toHaveLength(255)
    expect(cut).toBe(emoji.repeat(254) + "\u2026")
    // A lone surrogate is not text: encoding it (as JSON bodies do, as UTF-8) would throw.
    expect(() => encodeURIComponent(cut)).not.toThrow()
  })

  it("never splits a character made of several code points (flags, accents, joined emoji)", () => {
    const flag = "\u{1F1F3}\u{1F1F1}" // NL: two code points, one character on screen
    const accented = "e\u0301" // e + combining acute
    const family = "\u{1F468}\u200D\u{1F469}\u200D\u{1F467}" // five code points
    expect(truncateCharacters("ab" + flag + "cd", 4)).toBe("ab\u2026")
    expect(truncateCharacters("a" + accented + "bc", 3)).toBe("a\u2026")
    expect(truncateCharacters("a" + family + "b", 5)).toBe("a\u2026")
  })

  it("drops trailing whitespace before the ellipsis", () => {
    expect(truncateCharacters("abc   defgh", 7)).toBe("abc\u2026")
  })
})

describe("capture and refund statuses", () => {
  it.each([
    ["pending", "pending"],
    ["succeeded", "succeeded"],
    ["failed", "failed"],
    ["on_hold", "pending"],
  ])("capture %s → %s", (status, expected) => {
    expect(mapCaptureStatus(status as MollieCaptureStatus)).toBe(expected)
  })

  it.each([
    ["queued", "pending"],
    ["pending", "pending"],
    ["processing", "pending"],
    ["refunded", "succeeded"],
    ["failed", "failed"],
    ["canceled", "failed"],
    ["reversed", "pending"],
  ])("refund %s → %s", (status, expected) => {
    expect(mapRefundStatus(status as MollieRefundStatus)).toBe(expected)
  })

  it("capture result: ids, amounts, and the requested amount when Mollie sends none", () => {
    expect(toCaptureResult(capture(), { amount: 1, currency: "EUR" })).toMatchObject({
      status: "pending",
      gatewayCaptureId: "cpt_1",
      gatewayTransactionId: "tr_abc",
      amount: 400,
      currency: "eur",
    })
    expect(toCaptureResult(capture({ amount: null }), { amount: 1000, currency: "EUR" })).toMatchObject({ amount: 1000, currency: "eur" })
    expect(toCaptureResult(capture({ status: "failed" }), { amount: 1, currency: "EUR" })).toMatchObject({ status: "failed", errorCode: "capture_failed" })
  })

  it("refund result", () => {
    expect(toRefundResult(refund())).toMatchObject({ status: "pending", gatewayRefundId: "re_1", amount: 250, currency: "eur" })
    expect(toRefundResult(refund({ status: "canceled" }))).toMatchObject({ status: "failed", errorCode: "refund_canceled" })
  })

  it("reads our key from metadata only when it is there", () => {
    expect(medusaKeyOf(capture())).toBe("cap_key")
    expect(medusaKeyOf(capture({ metadata: "{\"medusa_key\":\"x\"}" }))).toBeUndefined()
    expect(medusaKeyOf(capture({ metadata: null }))).toBeUndefined()
  })
})

describe("errorFromResponse (error-response bodies → GatewayError)", () => {
  const body = (status: number, detail: string, field?: string) => ({
    status,
    title: "t",
    detail,
    field,
    _links: { documentation: { href: "https://docs.mollie.com/errors", type: "text/html" } },
  })
  type Expect = Partial<Pick<GatewayError, "type" | "code" | "param" | "retryable" | "outcomeUnknown" | "retryAfterMs">>
  const cases: Array<[string, number, unknown, string, Expect]> = [
    ["401", 401, body(401, "Missing authentication, or failed to authenticate"), "POST", { type: "authentication_error", code: "invalid_api_key", retryable: false, outcomeUnknown: false }],
    ["403", 403, body(403, "Forbidden"), "GET", { type: "authentication_error" }],
    ["404", 404, body(404, "No payment exists with token tr_x."), "GET", { type: "invalid_request_error", code: "resource_missing" }],
    ["422 with field", 422, body(422, "The amount contains an invalid currency", "amount.currency"), "POST", { type: "invalid_request_error", code: "unprocessable_entity", param: "amount.currency", retryable: false, outcomeUnknown: false }],
    ["400 with field", 400, body(400, "bad limit", "limit"), "GET", { type: "invalid_request_error", code: "bad_request", param: "limit" }],
    ["400 idempotency key reused", 400, body(400, "The idempotency key was already used for a different request"), "POST", { type: "idempotency_error", code: "idempotency_key_reused", retryable: false, outcomeUnknown: false }],
    ["409 duplicate refund", 409, body(409, "A duplicate refund has been detected"), "POST", { type: "invalid_request_error", code: "duplicate_refund", retryable: false, outcomeUnknown: false }],
    ["409 still processing", 409, body(409, "A request with this idempotency key is still being processed."), "POST", { type: "idempotency_error", code: "idempotency_in_progress", retryable: true, outcomeUnknown: true }],
    ["429", 429, body(429, "Too Many Requests"), "POST", { type: "rate_limit_error", retryable: true, outcomeUnknown: false, retryAfterMs: 2000 }],
    ["500 on POST", 500, body(500, "boom"), "POST", { type: "api_error", retryable: true, outcomeUnknown: true }],
    ["502 on DELETE", 502, undefined, "DELETE", { type: "api_error", code: "bad_gateway", retryable: true, outcomeUnknown: true }],
    ["503 on GET", 503, body(503, "down"), "GET", { type: "api_error", retryable: true, outcomeUnknown: false }],
  ]
  it.each(cases)("%s", (_, status, wire, method, expected) => {
    const err = errorFromResponse(status, wire, { method, path: "/v2/payments/tr_x", retryAfter: "2" })
    expect(err).toBeInstanceOf(GatewayError)
    expect(err).toMatchObject({ httpStatus: status, ...expected })
    if (!("retryAfterMs" in expected)) expect(err.retryAfterMs).toBe(status >= 500 ? 2000 : undefined)
  })

  it("falls back to a message when the body is not Mollie's", () => {
    expect(errorFromResponse(502, undefined, { method: "GET", path: "/v2/payments/tr_x" }).message).toBe(
      "Mollie answered HTTP 502 to GET /v2/payments/tr_x."
    )
  })

  it("never carries an API key, even if the gateway echoes one", () => {
    const err = errorFromResponse(401, body(401, "Key test_dHar4XY7LxsDOtmnkVtjNVWXLSlXsM and Bearer live_abcdefghijkl are wrong"), {
      method: "GET",
      path: "/v2/payments/tr_x",
      secrets: ["test_dHar4XY7LxsDOtmnkVtjNVWXLSlXsM"],
    })
    expect(err.message).not.toMatch(/dHar4XY|abcdefghijkl/)
  })

  it.each([
    ["test_short1 in prose", "Key test_dHar4XY7LxsDO", "Key test_[redacted]"],
    ["a bearer header", "Authorization: Bearer anything", "Authorization: Bearer [redacted]"],
    ["ordinary words", "latest_version is fine", "latest_version is fine"],
  ])("redacts %s", (_, input, expected) => {
    expect(redactSecrets(input)).toBe(expected)
  })
})

describe("transport failures", () => {
  const timeout = Object.assign(new Error("t"), { name: "TimeoutError" })
  const refused = Object.assign(new TypeError("fetch failed"), { cause: { code: "ECONNREFUSED" } })
  const reset = Object.assign(new TypeError("fetch failed"), { cause: { code: "ECONNRESET" } })
  it.each([
    ["timeout on POST", timeout, "POST", { code: "timeout", outcomeUnknown: true }],
    ["timeout on GET", timeout, "GET", { code: "timeout", outcomeUnknown: false }],
    ["refused on POST (never sent)", refused, "POST", { code: "connection_failed", outcomeUnknown: false }],
    ["reset on POST", reset, "POST", { code: "connection_reset", outcomeUnknown: true }],
    ["reset on DELETE", reset, "DELETE", { code: "connection_reset", outcomeUnknown: true }],
  ])("%s", (_, err, method, expected) => {
    expect(transportError(err, { method, path: "/v2/x", timeoutMs: 5 })).toMatchObject({ type: "api_connection_error", retryable: true, ...expected })
  })

  it("a malformed 2xx is not retried; a POST's outcome is unknown", () => {
    expect(malformedResponseError(201, { method: "POST", path: "/v2/x" })).toMatchObject({ type: "api_error", code: "malformed_response", retryable: false, outcomeUnknown: true })
  })

  it.each([
    ["2", 2000],
    ["0.25", 250],
    ["Thu, 01 Jan 2026 00:00:05 GMT", 5000],
    ["-1", undefined],
    ["", undefined],
    [null, undefined],
  ])("Retry-After %j → %j ms", (value, expected) => {
    expect(parseRetryAfter(value, Date.parse("Thu, 01 Jan 2026 00:00:00 GMT"))).toBe(expected)
  })
})

describe("shape checks", () => {
  it.each([
    ["a payment", payment(), true],
    ["a payment with an amount that needs rounding", payment({ amount: eur("1.005") }), false],
    ["a payment without resource", { ...payment(), resource: undefined }, false],
    ["a payment with a bad embedded capture", payment({ _embedded: { captures: [{} as MollieCapture] } }), false],
  ])("%s: %s", (_, value, expected) => {
    expect(isPaymentWire(value)).toBe(expected)
  })

  it("captures may have a null amount", () => {
    expect(isCaptureWire(capture({ amount: null }))).toBe(true)
    expect(isCaptureWire({ ...capture(), paymentId: undefined })).toBe(false)
  })

  it("lists need _embedded.<name> and a readable next link", () => {
    const page = (next: unknown) => ({ count: 1, _embedded: { captures: [capture()] }, _links: { self: link("s"), previous: null, next } })
    expect(isListOf(page(null), "captures", isCaptureWire)).toBe(true)
    expect(isListOf(page(link("n")), "captures", isCaptureWire)).toBe(true)
    expect(isListOf(page("n"), "captures", isCaptureWire)).toBe(false)
    expect(isListOf(page(null), "refunds", isCaptureWire)).toBe(false)
  })
})
