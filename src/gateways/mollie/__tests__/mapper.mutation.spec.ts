/**
 * Pins the Mollie mapper's decisions one input at a time, with exact expected values, so that
 * mutation testing (docs/mutation-testing.md) finds no changed operator, boundary or literal
 * that every test lets through.
 */
import fc from "fast-check"
import {
  capturableAmount,
  errorFromResponse,
  errorTypeForStatus,
  fromMollieAmount,
  isAmountWire,
  isCaptureWire,
  isListOf,
  isMutating,
  isPaymentWire,
  isRefundWire,
  mapCaptureStatus,
  mapPaymentStatus,
  mapRefundStatus,
  medusaKeyOf,
  MOLLIE_DESCRIPTION_MAX_CHARACTERS,
  readErrorBody,
  redactSecrets,
  refundDescription,
  toCaptureResult,
  toMollieAmount,
  toPaymentSnapshot,
  toRefundResult,
  truncateCharacters,
} from "../mapper"
import type { MollieAmount, MollieCapture, MollieCaptureStatus, MolliePayment, MolliePaymentStatus, MollieRefund, MollieRefundStatus } from "../types"

const eur = (value: string): MollieAmount => ({ currency: "EUR", value })
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
    _links: { self: link("s") },
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
    metadata: null,
    paymentId: "tr_abc",
    createdAt: "2026-01-01T00:00:00+00:00",
    _links: { self: link("s"), payment: link("p") },
    ...over,
  }
}

describe("isMutating", () => {
  it.each([
    ["POST", true],
    ["post", true],
    ["DELETE", true],
    ["delete", true],
    ["PATCH", true],
    ["patch", true],
    ["GET", false],
    ["get", false],
    ["HEAD", false],
    ["", false],
  ])("%s -> %s", (method, expected) => {
    expect(isMutating(method)).toBe(expected)
  })
})

describe("amounts", () => {
  it("writes the currency in upper case and exactly its decimals", () => {
    expect(toMollieAmount(1234, "eur")).toEqual({ currency: "EUR", value: "12.34" })
    expect(toMollieAmount(1500, "jpy")).toEqual({ currency: "JPY", value: "1500" })
    expect(toMollieAmount(1500, "KWD")).toEqual({ currency: "KWD", value: "1.500" })
  })

  it("reads back minor units and a lower-case currency", () => {
    expect(fromMollieAmount({ currency: "EUR", value: "12.34" })).toEqual({ amount: 1234, currency: "eur" })
    expect(fromMollieAmount({ currency: "JPY", value: "1500" })).toEqual({ amount: 1500, currency: "jpy" })
  })

  it("names the field it was given in the error", () => {
    expect(() => fromMollieAmount(eur("1.005"), "amountCaptured")).toThrow(expect.objectContaining({ field: "amountCaptured" }))
    expect(() => fromMollieAmount(eur("1.005"))).toThrow(expect.objectContaining({ field: "amount" }))
  })

  it("round-trips any amount in any exponent (property)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2_147_483_647 }), fc.constantFrom("eur", "jpy", "kwd", "clf"), (amount, currency) => {
        expect(fromMollieAmount(toMollieAmount(amount, currency))).toEqual({ amount, currency })
      })
    )
  })
})

describe("mapPaymentStatus", () => {
  type Wire = Parameters<typeof mapPaymentStatus>[0]
  const w = (status: string, amount: string, amountCaptured?: string, amountRefunded?: string): Wire => ({
    status: status as MolliePaymentStatus,
    amount: eur(amount),
    ...(amountCaptured === undefined ? {} : { amountCaptured: eur(amountCaptured) }),
    ...(amountRefunded === undefined ? {} : { amountRefunded: eur(amountRefunded) }),
  })
  it.each<[string, Wire, string]>([
    ["open", w("open", "10.00"), "requires_more"],
    ["pending", w("pending", "10.00"), "requires_more"],
    ["authorized, nothing captured", w("authorized", "10.00", "0.00"), "authorized"],
    ["authorized, amountCaptured absent", w("authorized", "10.00"), "authorized"],
    ["authorized, one cent captured", w("authorized", "10.00", "0.01"), "partially_captured"],
    ["paid, amountCaptured absent: all of it", w("paid", "10.00"), "captured"],
    ["paid, all captured", w("paid", "10.00", "10.00"), "captured"],
    ["paid, one cent short", w("paid", "10.00", "9.99"), "partially_captured"],
    ["paid, captured 0 explicitly", w("paid", "10.00", "0.00"), "partially_captured"],
    ["paid, refunded 0", w("paid", "10.00", "10.00", "0.00"), "captured"],
    ["paid, refunded one cent less than captured", w("paid", "10.00", "10.00", "9.99"), "captured"],
    ["paid, partially captured, partially refunded", w("paid", "10.00", "6.00", "5.99"), "partially_captured"],
    ["paid, refunded exactly what was captured", w("paid", "10.00", "6.00", "6.00"), "refunded"],
    ["paid, refunded everything", w("paid", "10.00", "10.00", "10.00"), "refunded"],
    ["paid, refunded everything, amountCaptured absent", w("paid", "10.00", undefined, "10.00"), "refunded"],
    ["paid, refunded more than captured", w("paid", "10.00", "6.00", "7.00"), "refunded"],
    ["paid, zero payment, zero refunded", w("paid", "0.00", "0.00", "0.00"), "captured"],
    ["canceled", w("canceled", "10.00"), "canceled"],
    ["expired", w("expired", "10.00"), "failed"],
    ["failed", w("failed", "10.00"), "failed"],
    ["an undocumented status", w("settled", "10.00", "10.00"), "requires_more"],
  ])("%s", (_, wire, expected) => {
    expect(mapPaymentStatus(wire)).toBe(expected)
  })
})

describe("mapCaptureStatus / mapRefundStatus", () => {
  it.each<[string, string]>([
    ["pending", "pending"],
    ["succeeded", "succeeded"],
    ["failed", "failed"],
    ["refunded", "pending"],
    ["", "pending"],
  ])("capture %j -> %s", (status, expected) => {
    expect(mapCaptureStatus(status as MollieCaptureStatus)).toBe(expected)
  })

  it.each<[string, string]>([
    ["queued", "pending"],
    ["pending", "pending"],
    ["processing", "pending"],
    ["refunded", "succeeded"],
    ["failed", "failed"],
    ["canceled", "failed"],
    ["succeeded", "pending"],
    ["", "pending"],
  ])("refund %j -> %s", (status, expected) => {
    expect(mapRefundStatus(status as MollieRefundStatus)).toBe(expected)
  })
})

describe("capturableAmount", () => {
  it.each<[string, MolliePayment, number]>([
    ["authorized, nothing captured", payment(), 1000],
    ["authorized, amountCaptured absent", payment({ amountCaptured: undefined }), 1000],
    ["authorized, part captured", payment({ amountCaptured: eur("4.00") }), 600],
    ["authorized, all captured", payment({ amountCaptured: eur("10.00") }), 0],
    ["authorized, more captured than authorized (bad data)", payment({ amountCaptured: eur("11.00") }), 0],
    [
      "pending embedded captures count as taken; succeeded and failed ones do not",
      payment({
        amountCaptured: eur("1.00"),
        _embedded: {
          captures: [
            capture({ status: "pending", amount: eur("2.00") }),
            capture({ status: "pending", amount: eur("0.50") }),
            capture({ status: "succeeded", amount: eur("1.00") }),
            capture({ status: "failed", amount: eur("3.00") }),
          ],
        },
      }),
      650,
    ],
    ["a pending capture without an amount counts 0", payment({ _embedded: { captures: [capture({ amount: null })] } }), 1000],
    ["an embed without captures", payment({ _embedded: { refunds: [] } }), 1000],
    ["paid", payment({ status: "paid", amountCaptured: eur("4.00") }), 0],
    ["open", payment({ status: "open", amountCaptured: undefined }), 0],
    ["canceled", payment({ status: "canceled" }), 0],
  ])("%s -> %i", (_, wire, expected) => {
    expect(capturableAmount(wire)).toBe(expected)
  })
})

describe("toPaymentSnapshot", () => {
  it("maps an authorized payment field by field", () => {
    const wire = payment({ amountCaptured: eur("4.00"), amountRefunded: eur("1.00"), _links: { self: link("s"), checkout: link("https://pay") } })
    expect(toPaymentSnapshot(wire)).toStrictEqual({
      paymentRef: "tr_abc",
      status: "partially_captured",
      currency: "eur",
      amountAuthorized: 1000,
      amountCaptured: 400,
      amountRefunded: 100,
      amountCapturable: 600,
      raw: wire,
    })
  })

  it("an open payment with a checkout link sends the shopper there", () => {
    const wire = payment({ status: "open", amountCaptured: undefined, _links: { self: link("s"), checkout: link("https://pay") } })
    expect(toPaymentSnapshot(wire)).toStrictEqual({
      paymentRef: "tr_abc",
      status: "requires_more",
      currency: "eur",
      amountAuthorized: 1000,
      amountCaptured: 0,
      amountRefunded: 0,
      amountCapturable: 0,
      redirectUrl: "https://pay",
      raw: wire,
    })
  })

  it("no redirect without a checkout link, nor for a payment that needs nothing more", () => {
    expect(toPaymentSnapshot(payment({ status: "open", _links: { self: link("s"), checkout: null } }))).not.toHaveProperty("redirectUrl")
    expect(toPaymentSnapshot(payment({ status: "open", _links: { self: link("s") } }))).not.toHaveProperty("redirectUrl")
    expect(toPaymentSnapshot(payment({ _links: { self: link("s"), checkout: link("https://pay") } }))).not.toHaveProperty("redirectUrl")
  })

  it("a paid payment without amountCaptured was captured in full; with it, what it says", () => {
    expect(toPaymentSnapshot(payment({ status: "paid", amountCaptured: undefined }))).toMatchObject({ status: "captured", amountCaptured: 1000 })
    expect(toPaymentSnapshot(payment({ status: "paid", amountCaptured: eur("3.00") }))).toMatchObject({
      status: "partially_captured",
      amountCaptured: 300,
    })
    expect(toPaymentSnapshot(payment({ status: "authorized", amountCaptured: undefined }))).toMatchObject({ amountCaptured: 0 })
  })

  it.each<[MolliePaymentStatus, string | undefined, string | undefined]>([
    ["canceled", "The payment was canceled.", undefined],
    ["expired", "The payment expired before the shopper completed it.", "expired"],
    ["failed", "The payment failed.", "failed"],
    ["authorized", undefined, undefined],
    ["paid", undefined, undefined],
    ["open", undefined, undefined],
  ])("%s: message %j, declineCode %j", (status, message, declineCode) => {
    const snapshot = toPaymentSnapshot(payment({ status }))
    expect(snapshot.message).toBe(message)
    expect(snapshot.declineCode).toBe(declineCode)
    expect("message" in snapshot).toBe(message !== undefined)
    expect("declineCode" in snapshot).toBe(declineCode !== undefined)
  })
})

describe("toCaptureResult", () => {
  it("maps a capture with an amount", () => {
    const wire = capture({ status: "succeeded", amount: { currency: "EUR", value: "4.00" } })
    expect(toCaptureResult(wire, { amount: 1, currency: "USD" })).toStrictEqual({
      status: "succeeded",
      gatewayCaptureId: "cpt_1",
      gatewayTransactionId: "tr_abc",
      amount: 400,
      currency: "eur",
      raw: wire,
    })
  })

  it("uses the fallback when the amount is null, in lower case", () => {
    const wire = capture({ amount: null })
    expect(toCaptureResult(wire, { amount: 700, currency: "EUR" })).toStrictEqual({
      status: "pending",
      gatewayCaptureId: "cpt_1",
      gatewayTransactionId: "tr_abc",
      amount: 700,
      currency: "eur",
      raw: wire,
    })
  })

  it("a failed capture says so", () => {
    expect(toCaptureResult(capture({ status: "failed" }), { amount: 400, currency: "eur" })).toMatchObject({
      status: "failed",
      errorCode: "capture_failed",
      message: "Mollie could not capture the payment (capture status failed).",
    })
    const pending = toCaptureResult(capture({ status: "pending" }), { amount: 400, currency: "eur" })
    expect(pending).not.toHaveProperty("errorCode")
    expect(pending).not.toHaveProperty("message")
  })
})

describe("toRefundResult", () => {
  it("maps a queued refund", () => {
    const wire = refund()
    expect(toRefundResult(wire)).toStrictEqual({ status: "pending", gatewayRefundId: "re_1", amount: 250, currency: "eur", raw: wire })
  })

  it.each<[MollieRefundStatus, string, string | undefined, string | undefined]>([
    ["failed", "failed", "refund_failed", "Mollie could not execute the refund."],
    ["canceled", "failed", "refund_canceled", "The refund was canceled."],
    ["refunded", "succeeded", undefined, undefined],
    ["processing", "pending", undefined, undefined],
  ])("%s", (status, mapped, errorCode, message) => {
    const result = toRefundResult(refund({ status }))
    expect(result.status).toBe(mapped)
    expect(result.errorCode).toBe(errorCode)
    expect(result.message).toBe(message)
    expect("errorCode" in result).toBe(errorCode !== undefined)
  })
})

describe("medusaKeyOf", () => {
  it.each<[unknown, string | undefined]>([
    [{ medusa_key: "k1" }, "k1"],
    [{ medusa_key: 1 }, undefined],
    [{ other: "k1" }, undefined],
    [["k1"], undefined],
    ["k1", undefined],
    [null, undefined],
    [undefined, undefined],
  ])("%j -> %j", (metadata, expected) => {
    expect(medusaKeyOf({ metadata })).toBe(expected)
  })
})

describe("truncateCharacters / refundDescription", () => {
  it("keeps a text that fits, to the character", () => {
    expect(truncateCharacters("abcde", 5)).toBe("abcde")
    expect(truncateCharacters("", 0)).toBe("")
  })

  it("cuts one character over the limit, leaving room for the ellipsis", () => {
    expect(truncateCharacters("abcdef", 5)).toBe("abcd\u2026")
    expect(truncateCharacters("abcdefghij", 4)).toBe("abc\u2026")
  })

  it("counts code points, not UTF-16 units", () => {
    const emoji = "\u{1F600}" // one code point, two UTF-16 units
    expect(truncateCharacters(emoji.repeat(3), 3)).toBe(emoji.repeat(3))
    expect(truncateCharacters(emoji.repeat(4), 3)).toBe(emoji.repeat(2) + "\u2026")
  })

  it("never cuts a grapheme of several code points, and drops the spaces before the ellipsis", () => {
    const flag = "\u{1F1EB}\u{1F1F7}" // two code points, one grapheme
    expect(truncateCharacters("a" + flag + "bcd", 3)).toBe("a\u2026")
    expect(truncateCharacters("a" + flag + "bcd", 4)).toBe("a" + flag + "\u2026")
    expect(truncateCharacters("ab   cdef", 6)).toBe("ab\u2026")
  })

  it("the result never exceeds the limit (property)", () => {
    fc.assert(
      fc.property(fc.string({ unit: "grapheme", maxLength: 40 }), fc.integer({ min: 1, max: 30 }), (text, max) => {
        const out = truncateCharacters(text, max)
        expect([...out].length).toBeLessThanOrEqual(max)
        if ([...text].length <= max) expect(out).toBe(text)
        else expect(out.endsWith("\u2026")).toBe(true)
      })
    )
  })

  it.each<[Parameters<typeof refundDescription>[0], string]>([
    [{}, "Refund"],
    [{ refundId: "ref_1" }, "Refund ref_1"],
    [{ refundId: "" }, "Refund"],
    [{ orderDisplayId: 0 }, "Refund of order #0"],
    [{ orderDisplayId: null }, "Refund"],
    [{ refundId: "ref_1", orderDisplayId: 42 }, "Refund ref_1 of order #42"],
    [{ note: "  damaged  ", refundId: "ref_1", orderDisplayId: 42 }, "damaged"],
    [{ note: "   ", refundId: "ref_1" }, "Refund ref_1"],
    [{ note: null, orderDisplayId: 7 }, "Refund of order #7"],
  ])("%j -> %j", (input, expected) => {
    expect(refundDescription(input)).toBe(expected)
  })

  it("shortens a long note to Mollie's 255 characters", () => {
    expect(MOLLIE_DESCRIPTION_MAX_CHARACTERS).toBe(255)
    expect(refundDescription({ note: "x".repeat(255) })).toBe("x".repeat(255))
    expect(refundDescription({ note: "x".repeat(256) })).toBe("x".repeat(254) + "\u2026")
  })
})

describe("redactSecrets", () => {
  it.each([
    ["live key", "key live_abcdefgh1 here", "key live_[redacted] here"],
    ["access token", "access_ABCDEFGH12345", "access_[redacted]"],
    ["test key of 8 characters", "test_abcdefgh", "test_[redacted]"],
    ["too short to be a key", "test_abcdefg", "test_abcdefg"],
    ["not at a word boundary", "xtest_abcdefgh1", "xtest_abcdefgh1"],
    ["every occurrence", "test_abcdefgh1 and live_abcdefgh2", "test_[redacted] and live_[redacted]"],
  ])("%s", (_, input, expected) => {
    expect(redactSecrets(input)).toBe(expected)
  })

  it("removes given secrets whole first", () => {
    expect(redactSecrets("key=s3cr3t!value end", ["s3cr3t!value"])).not.toContain("s3cr3t")
  })
})

describe("errorTypeForStatus", () => {
  it.each([
    [399, "api_error"],
    [400, "invalid_request_error"],
    [401, "authentication_error"],
    [402, "invalid_request_error"],
    [403, "authentication_error"],
    [404, "invalid_request_error"],
    [429, "rate_limit_error"],
    [499, "invalid_request_error"],
    [500, "api_error"],
    [503, "api_error"],
  ])("%i -> %s", (status, expected) => {
    expect(errorTypeForStatus(status)).toBe(expected)
  })
})

describe("readErrorBody", () => {
  it("reads every field", () => {
    expect(readErrorBody({ status: 422, title: "Unprocessable", detail: "bad", field: "amount" })).toStrictEqual({
      status: 422,
      title: "Unprocessable",
      detail: "bad",
      field: "amount",
    })
  })

  it("defaults what is missing or mistyped", () => {
    expect(readErrorBody({ detail: "bad" })).toStrictEqual({ status: 0, title: "", detail: "bad", field: undefined })
    expect(readErrorBody({ status: "422", title: 5, detail: "bad", field: "" })).toStrictEqual({
      status: 0,
      title: "",
      detail: "bad",
      field: undefined,
    })
    expect(readErrorBody({ detail: "bad", field: 3 })).toStrictEqual({ status: 0, title: "", detail: "bad", field: undefined })
  })

  it.each([undefined, null, "bad", ["bad"], {}, { detail: 5 }])("not an error body: %j", (body) => {
    expect(readErrorBody(body)).toBeUndefined()
  })
})

describe("errorFromResponse", () => {
  const ctx = (method: string, extra: object = {}) => ({ method, path: "/v2/payments/tr_x", nowMs: 0, ...extra })

  it.each([
    [400, "bad_request"],
    [401, "invalid_api_key"],
    [403, "forbidden"],
    [404, "resource_missing"],
    [405, "method_not_allowed"],
    [410, "gone"],
    [415, "unsupported_media_type"],
    [422, "unprocessable_entity"],
    [429, "rate_limited"],
    [500, "internal_server_error"],
    [502, "bad_gateway"],
    [503, "service_unavailable"],
    [504, "gateway_timeout"],
    [418, "http_418"],
    [501, "http_501"],
  ])("HTTP %i -> code %s", (status, code) => {
    expect(errorFromResponse(status, undefined, ctx("GET")).code).toBe(code)
  })

  it("builds the whole error of a 4xx from Mollie's body", () => {
    const err = errorFromResponse(422, { status: 422, title: "t", detail: "The amount is too low", field: "amount" }, ctx("POST"))
    expect(err).toMatchObject({
      type: "invalid_request_error",
      code: "unprocessable_entity",
      message: "The amount is too low",
      param: "amount",
      httpStatus: 422,
      retryable: false,
      outcomeUnknown: false,
      retryAfterMs: undefined,
    })
  })

  it("retries 429 and 5xx, waiting what Retry-After says; a 4xx waits for nothing", () => {
    expect(errorFromResponse(429, undefined, ctx("POST", { retryAfter: "3" }))).toMatchObject({ retryable: true, outcomeUnknown: false, retryAfterMs: 3000 })
    expect(errorFromResponse(500, undefined, ctx("GET", { retryAfter: "3" }))).toMatchObject({ retryable: true, outcomeUnknown: false, retryAfterMs: 3000 })
    expect(errorFromResponse(500, undefined, ctx("PATCH", { retryAfter: "3" }))).toMatchObject({ retryable: true, outcomeUnknown: true })
    expect(errorFromResponse(499, undefined, ctx("POST", { retryAfter: "3" }))).toMatchObject({ retryable: false, outcomeUnknown: false, retryAfterMs: undefined })
    expect(errorFromResponse(428, undefined, ctx("POST", { retryAfter: "3" }))).toMatchObject({ retryable: false, retryAfterMs: undefined })
  })

  it("uses the current time for an HTTP-date Retry-After when none is given", () => {
    const at = new Date(Date.now() + 60_000).toUTCString()
    const err = errorFromResponse(503, undefined, { method: "GET", path: "/x", retryAfter: at })
    expect(err.retryAfterMs).toBeGreaterThan(50_000)
    expect(err.retryAfterMs).toBeLessThanOrEqual(60_000)
  })

  it("409: a duplicate refund is final, anything else is a key still in progress", () => {
    expect(errorFromResponse(409, { detail: "A DUPLICATE REFUND has been detected" }, ctx("POST"))).toMatchObject({
      type: "invalid_request_error",
      code: "duplicate_refund",
      retryable: false,
      outcomeUnknown: false,
      message: "A DUPLICATE REFUND has been detected",
      httpStatus: 409,
    })
    expect(errorFromResponse(409, { detail: "still processing", field: "x" }, ctx("GET"))).toMatchObject({
      type: "idempotency_error",
      code: "idempotency_in_progress",
      retryable: true,
      outcomeUnknown: false,
      param: "x",
      httpStatus: 409,
    })
    expect(errorFromResponse(409, undefined, ctx("POST"))).toMatchObject({
      type: "idempotency_error",
      code: "idempotency_in_progress",
      outcomeUnknown: true,
      message: "Mollie answered HTTP 409 to POST /v2/payments/tr_x.",
    })
  })

  it("400 about the idempotency key (any case) is a reused key; other 400s are bad requests", () => {
    expect(errorFromResponse(400, { detail: "IDEMPOTENCY key mismatch" }, ctx("POST"))).toMatchObject({
      type: "idempotency_error",
      code: "idempotency_key_reused",
      retryable: false,
      outcomeUnknown: false,
      httpStatus: 400,
    })
    expect(errorFromResponse(422, { detail: "idempotency" }, ctx("POST"))).toMatchObject({ code: "unprocessable_entity" })
    expect(errorFromResponse(400, { detail: "bad limit" }, ctx("POST"))).toMatchObject({ code: "bad_request" })
  })

  it("redacts keys from Mollie's detail and from the given secrets", () => {
    expect(errorFromResponse(401, { detail: "key live_abcdefgh123 and s3cr3t" }, ctx("GET", { secrets: ["s3cr3t"] })).message).toBe(
      "key live_[redacted] and [redacted]"
    )
  })
})

describe("shape checks", () => {
  it.each<[string, unknown, boolean]>([
    ["an amount", eur("1.00"), true],
    ["an amount with surplus zeros", eur("1.000"), true],
    ["an amount that needs rounding", eur("1.005"), false],
    ["an amount with a bad currency", { currency: "EURO", value: "1.00" }, false],
    ["an amount with a numeric value", { currency: "EUR", value: 1 }, false],
    ["no object", "1.00", false],
    ["an array", ["EUR", "1.00"], false],
    ["null", null, false],
  ])("isAmountWire: %s", (_, value, expected) => {
    expect(isAmountWire(value)).toBe(expected)
  })

  it.each<[string, unknown, boolean]>([
    ["a capture", capture(), true],
    ["a capture with a null amount", capture({ amount: null }), true],
    ["a capture without an amount", { ...capture(), amount: undefined }, true],
    ["a capture without links", { ...capture(), _links: undefined }, true],
    ["a capture with bad links", { ...capture(), _links: "x" }, false],
    ["a capture with a bad amount", capture({ amount: eur("x") }), false],
    ["a refund resource", { ...capture(), resource: "refund" }, false],
    ["no id", { ...capture(), id: 1 }, false],
    ["no status", { ...capture(), status: undefined }, false],
    ["no paymentId", { ...capture(), paymentId: undefined }, false],
    ["an array", [capture()], false],
  ])("isCaptureWire: %s", (_, value, expected) => {
    expect(isCaptureWire(value)).toBe(expected)
  })

  it.each<[string, unknown, boolean]>([
    ["a refund", refund(), true],
    ["a refund without links", { ...refund(), _links: undefined }, true],
    ["a refund with bad links", { ...refund(), _links: 5 }, false],
    ["a refund without amount", { ...refund(), amount: undefined }, false],
    ["a refund with a null amount", { ...refund(), amount: null }, false],
    ["a capture resource", { ...refund(), resource: "capture" }, false],
    ["no id", { ...refund(), id: undefined }, false],
    ["no status", { ...refund(), status: 3 }, false],
    ["null", null, false],
  ])("isRefundWire: %s", (_, value, expected) => {
    expect(isRefundWire(value)).toBe(expected)
  })

  it.each<[string, unknown, boolean]>([
    ["a payment", payment(), true],
    ["a payment with every optional amount null", payment({ amountCaptured: null as never, amountRefunded: null as never, amountRemaining: null as never }), true],
    ["a payment with a bad amountCaptured", payment({ amountCaptured: eur("1.001") }), false],
    ["a payment with a bad amountRefunded", payment({ amountRefunded: eur("x") }), false],
    ["a payment with a bad amountRemaining", payment({ amountRemaining: eur("x") }), false],
    ["a payment with a bad amount", { ...payment(), amount: undefined }, false],
    ["a payment with bad links", { ...payment(), _links: [] }, false],
    ["a payment without links", { ...payment(), _links: undefined }, true],
    ["a capture resource", { ...payment(), resource: "capture" }, false],
    ["no id", { ...payment(), id: undefined }, false],
    ["no status", { ...payment(), status: undefined }, false],
    ["an embed that is not an object", { ...payment(), _embedded: [] }, false],
    ["an empty embed", payment({ _embedded: {} }), true],
    ["good embedded captures and refunds", payment({ _embedded: { captures: [capture()], refunds: [refund()] } }), true],
    ["empty embedded lists", payment({ _embedded: { captures: [], refunds: [] } }), true],
    ["embedded captures that are not a list", { ...payment(), _embedded: { captures: capture() } }, false],
    ["embedded refunds that are not a list", { ...payment(), _embedded: { refunds: refund() } }, false],
    ["a bad embedded capture", payment({ _embedded: { captures: [capture(), {} as MollieCapture] } }), false],
    ["a bad embedded refund", payment({ _embedded: { refunds: [refund(), {} as MollieRefund] } }), false],
    ["a refund among embedded captures", payment({ _embedded: { captures: [refund() as never] } }), false],
  ])("isPaymentWire: %s", (_, value, expected) => {
    expect(isPaymentWire(value)).toBe(expected)
  })

  it("isListOf needs _embedded.<name> with good items and a readable next link", () => {
    const page = (items: unknown, next: unknown, links: unknown = undefined) => ({
      count: 1,
      _embedded: { captures: items },
      _links: links ?? { self: link("s"), previous: null, ...(next === "absent" ? {} : { next }) },
    })
    expect(isListOf(page([capture()], null), "captures", isCaptureWire)).toBe(true)
    expect(isListOf(page([capture()], "absent"), "captures", isCaptureWire)).toBe(true)
    expect(isListOf(page([], link("n")), "captures", isCaptureWire)).toBe(true)
    expect(isListOf(page([capture()], { href: 5 }), "captures", isCaptureWire)).toBe(false)
    expect(isListOf(page([capture()], "n"), "captures", isCaptureWire)).toBe(false)
    expect(isListOf(page([capture(), {}], null), "captures", isCaptureWire)).toBe(false)
    expect(isListOf(page(capture(), null), "captures", isCaptureWire)).toBe(false)
    expect(isListOf(page([capture()], null, "links"), "captures", isCaptureWire)).toBe(false)
    expect(isListOf({ count: 0, _links: { self: link("s") } }, "captures", isCaptureWire)).toBe(false)
    expect(isListOf({ count: 0, _embedded: { captures: [] } }, "captures", isCaptureWire)).toBe(false)
    expect(isListOf(null, "captures", isCaptureWire)).toBe(false)
  })
})
