import { GATEWAY_ERROR_TYPES, GatewayError } from "../../gateway"
import {
  CloverApiError,
  asOutcomeUnknown,
  captureIdOf,
  capturedAmountOf,
  chargeIdOfCapture,
  declinedAuthorization,
  declinedCapture,
  declinedRefund,
  errorFromResponse,
  errorTypeForStatus,
  isChargeWire,
  isDecline,
  isRefundWire,
  malformedResponseError,
  mapChargeStatus,
  mapRefundStatus,
  parseRetryAfter,
  redact,
  toCaptureResult,
  toLevel2Wire,
  toPaymentSnapshot,
  toRefundResult,
  transportError,
  type CloverLevel2Input,
} from "../mapper"
import type { CloverCharge, CloverRefund } from "../types"

const POST = { method: "POST", path: "/v1/charges/ABC/capture" }
const GET = { method: "GET", path: "/v1/charges/ABC" }

function charge(over: Partial<CloverCharge> = {}): CloverCharge {
  return {
    id: "1AB2CDEF3G4H5",
    object: "charge",
    amount: 1100,
    amount_captured: 0,
    amount_refunded: 0,
    currency: "usd",
    created: 1656626930000,
    captured: false,
    paid: true,
    refunded: false,
    status: "succeeded",
    outcome: { network_status: "approved_by_network", type: "authorized" },
    ref_num: "218100500005",
    auth_code: "OK0974",
    source: { id: "clv_test_visa", brand: "VISA", first6: "424242", last4: "4242" },
    ...over,
  }
}

describe("mapChargeStatus", () => {
  it.each<[string, Partial<CloverCharge>, ReturnType<typeof mapChargeStatus>]>([
    ["authorization", {}, "authorized"],
    ["full capture", { captured: true, amount_captured: 1100 }, "captured"],
    ["partial capture (rest released)", { captured: true, amount_captured: 600 }, "partially_captured"],
    ["auto-captured, no amount_captured", { captured: true, amount_captured: undefined }, "captured"],
    ["partly refunded", { captured: true, amount_captured: 1100, amount_refunded: 100 }, "captured"],
    ["refunded all that was captured", { captured: true, amount_captured: 600, amount_refunded: 600, refunded: true }, "refunded"],
    ["released (uncaptured, refunded)", { refunded: true, amount_refunded: 1100 }, "canceled"],
    ["released, only the amount says so", { amount_refunded: 1100 }, "canceled"],
    ["failed", { status: "failed", paid: false, failure_code: "card_declined" }, "failed"],
    ["pending", { status: "pending" }, "requires_more"],
    ["unknown status", { status: "weird" as CloverCharge["status"] }, "requires_more"],
    ["succeeded but not paid", { paid: false }, "requires_more"],
    // Clover's own capture sample: 200 with captured false; not taken as a capture.
    ["amount_captured without captured flag", { captured: false, amount_captured: 500 }, "authorized"],
  ])("%s", (_name, over, expected) => {
    expect(mapChargeStatus(charge(over))).toBe(expected)
  })
})

describe("toPaymentSnapshot", () => {
  it.each<[string, Partial<CloverCharge>, Partial<ReturnType<typeof toPaymentSnapshot>>]>([
    ["authorized", {}, { status: "authorized", amountAuthorized: 1100, amountCaptured: 0, amountRefunded: 0, amountCapturable: 1100 }],
    [
      "partial capture, partial refund",
      { captured: true, amount_captured: 600, amount_refunded: 100 },
      { status: "partially_captured", amountCaptured: 600, amountRefunded: 100, amountCapturable: 0 },
    ],
    // Releasing a hold moves no money back: amountRefunded stays 0.
    ["released", { refunded: true, amount_refunded: 1100 }, { status: "canceled", amountRefunded: 0, amountCapturable: 0 }],
    [
      "failed",
      { status: "failed", paid: false, failure_code: "insufficient_funds", failure_message: "Declined" },
      { status: "failed", amountAuthorized: 0, declineCode: "insufficient_funds", message: "Declined" },
    ],
  ])("%s", (_name, over, expected) => {
    const snapshot = toPaymentSnapshot(charge({ currency: "USD", ...over }))
    expect(snapshot).toMatchObject({ paymentRef: "1AB2CDEF3G4H5", currency: "usd", ...expected })
  })
})

describe("captures derived from the charge", () => {
  it("capture ids are the charge id plus a suffix, and back", () => {
    expect(captureIdOf("ABC")).toBe("ABC:capture")
    expect(chargeIdOfCapture("ABC:capture")).toBe("ABC")
    expect(chargeIdOfCapture("ABC")).toBe("ABC")
  })

  it.each<[string, Partial<CloverCharge>, number | null]>([
    ["not captured", {}, 0],
    ["captured amount", { captured: true, amount_captured: 700 }, 700],
    ["captured, amount missing → unknown, not the whole charge", { captured: true, amount_captured: undefined }, null],
    ["amount without flag", { amount_captured: 700 }, 0],
  ])("capturedAmountOf: %s", (_name, over, expected) => {
    expect(capturedAmountOf(charge(over))).toBe(expected)
  })

  it.each<[string, Partial<CloverCharge>, Partial<ReturnType<typeof toCaptureResult>>]>([
    [
      "succeeded",
      { captured: true, amount_captured: 600 },
      { status: "succeeded", amount: 600, gatewayCaptureId: "1AB2CDEF3G4H5:capture", gatewayTransactionId: "218100500005", token: "OK0974" },
    ],
    ["not shown yet → pending with the requested amount", {}, { status: "pending", amount: 500 }],
    ["failed charge", { status: "failed", failure_code: "card_declined", failure_message: "no" }, { status: "failed", errorCode: "card_declined", message: "no" }],
  ])("toCaptureResult: %s", (_name, over, expected) => {
    expect(toCaptureResult(charge(over), 500)).toMatchObject(expected)
  })
})

describe("refunds", () => {
  const refund = (over: Partial<CloverRefund> = {}): CloverRefund => ({
    id: "RF1",
    object: "refund",
    amount: 200,
    charge: "1AB2CDEF3G4H5",
    currency: "USD",
    status: "succeeded",
    ...over,
  })

  it.each([
    ["succeeded", "succeeded"],
    ["failed", "failed"],
    ["pending", "pending"],
    ["something_new", "pending"],
    [undefined, "pending"],
  ])("refund status %s → %s", (wire, expected) => {
    expect(mapRefundStatus(wire)).toBe(expected)
  })

  it("maps a refund", () => {
    expect(toRefundResult(refund())).toMatchObject({ status: "succeeded", gatewayRefundId: "RF1", amount: 200, currency: "usd" })
    expect(toRefundResult(refund({ status: "failed", failure_reason: "expired_or_canceled_card" }))).toMatchObject({
      status: "failed",
      errorCode: "expired_or_canceled_card",
    })
  })
})

describe("errorFromResponse: the seven error types", () => {
  it.each<[number, string, boolean, boolean, boolean]>([
    // status, type, retryable, outcomeUnknown on POST, outcomeUnknown on GET
    [400, "invalid_request_error", false, false, false],
    [401, "authentication_error", false, false, false],
    [402, "card_error", false, false, false],
    [409, "idempotency_error", false, false, false],
    [429, "rate_limit_error", true, false, false],
    [500, "api_error", true, true, false],
    [502, "api_connection_error", true, true, false],
  ])("HTTP %i %s", (status, type, retryable, unknownPost, unknownGet) => {
    const body = { error: { type, code: "some_code", message: "msg" } }
    const post = errorFromResponse({ status, body }, POST)
    expect(post).toBeInstanceOf(CloverApiError)
    expect(post).toBeInstanceOf(GatewayError)
    expect(post).toMatchObject({ type, code: "some_code", httpStatus: status, retryable, outcomeUnknown: unknownPost })
    expect(errorFromResponse({ status, body }, GET).outcomeUnknown).toBe(unknownGet)
  })

  it("covers every type of the port", () => {
    for (const type of GATEWAY_ERROR_TYPES) {
      expect(errorFromResponse({ status: 400, body: { error: { type } } }, GET).type).toBe(type)
    }
  })

  it.each([
    [401, "authentication_error"],
    [403, "authentication_error"],
    [402, "card_error"],
    [404, "invalid_request_error"],
    [409, "idempotency_error"],
    [429, "rate_limit_error"],
    [503, "api_error"],
  ])("HTTP %i without a JSON body → %s", (status, type) => {
    expect(errorTypeForStatus(status)).toBe(type)
    expect(errorFromResponse({ status, body: undefined }, GET)).toMatchObject({ type, code: `http_${status}` })
  })

  it("authentication errors are never retried and say what to do, without the key", () => {
    const err = errorFromResponse(
      { status: 401, body: { error: { type: "authentication_error", message: "Bad token Bearer sk-secret-123" } }, environment: "sandbox", secrets: ["sk-secret-123"] },
      POST
    )
    expect(err.retryable).toBe(false)
    expect(err.message).toMatch(/private key/)
    expect(err.message).toMatch(/sandbox/)
    expect(err.message).not.toContain("sk-secret-123")
    // Even a 5xx labelled authentication_error is not retried.
    expect(errorFromResponse({ status: 503, body: { error: { type: "authentication_error" } } }, GET).retryable).toBe(false)
  })

  it("keeps every field of Clover's error object", () => {
    const err = errorFromResponse(
      {
        status: 402,
        body: {
          error: {
            type: "card_error",
            code: "card_declined",
            decline_code: "insufficient_funds",
            message: "Your card has insufficient funds.",
            param: "source",
            charge: "CH1",
            doc_url: "https://docs.clover.com/docs/ecommerce-error-codes",
          },
        },
      },
      POST
    )
    expect(err).toMatchObject({
      type: "card_error",
      code: "card_declined",
      declineCode: "insufficient_funds",
      param: "source",
      charge: "CH1",
      docUrl: "https://docs.clover.com/docs/ecommerce-error-codes",
    })
    expect(isDecline(err)).toBe(true)
  })

  it("honours Retry-After on 429 and 503 only", () => {
    const body = { error: { type: "rate_limit_error" } }
    expect(errorFromResponse({ status: 429, body, retryAfter: "2" }, POST).retryAfterMs).toBe(2000)
    expect(errorFromResponse({ status: 400, body: { error: { type: "invalid_request_error" } }, retryAfter: "2" }, POST).retryAfterMs).toBeUndefined()
  })
})

describe("parseRetryAfter", () => {
  const now = Date.parse("2026-01-01T00:00:00Z")
  it.each<[string | null | undefined, number | undefined]>([
    ["3", 3000],
    ["0.25", 250],
    ["Thu, 01 Jan 2026 00:00:05 GMT", 5000],
    ["Wed, 31 Dec 2025 00:00:00 GMT", 0],
    ["-1", undefined],
    ["soon", undefined],
    ["", undefined],
    [null, undefined],
    [undefined, undefined],
  ])("%p → %p", (value, expected) => {
    expect(parseRetryAfter(value, now)).toBe(expected)
  })
})

describe("transport failures", () => {
  const named = (name: string) => Object.assign(new Error(name), { name })
  const coded = (code: string) => Object.assign(new TypeError("fetch failed"), { cause: Object.assign(new Error(code), { code }) })

  it.each<[string, unknown, string, boolean, boolean]>([
    // label, error, code, outcomeUnknown on POST, on GET
    ["timeout", named("TimeoutError"), "timeout", true, false],
    ["abort", named("AbortError"), "timeout", true, false],
    ["refused", coded("ECONNREFUSED"), "connection_failed", false, false],
    ["dns", coded("ENOTFOUND"), "connection_failed", false, false],
    ["reset", coded("ECONNRESET"), "connection_reset", true, false],
    ["socket closed", coded("UND_ERR_SOCKET"), "connection_reset", true, false],
    ["unknown", new Error("boom"), "connection_reset", true, false],
  ])("%s", (_label, err, code, unknownPost, unknownGet) => {
    const post = transportError(err, { ...POST, timeoutMs: 100 })
    expect(post).toMatchObject({ type: "api_connection_error", code, retryable: true, outcomeUnknown: unknownPost })
    expect(transportError(err, { ...GET, timeoutMs: 100 }).outcomeUnknown).toBe(unknownGet)
  })

  it("a malformed 2xx is not retried; a POST's outcome is unknown", () => {
    expect(malformedResponseError(200, POST)).toMatchObject({ type: "api_error", retryable: false, outcomeUnknown: true })
    expect(malformedResponseError(200, GET).outcomeUnknown).toBe(false)
  })

  it("asOutcomeUnknown keeps the error and marks it", () => {
    const original = errorFromResponse({ status: 409, body: { error: { type: "idempotency_error", code: "reused" } } }, POST)
    expect(asOutcomeUnknown(original)).toMatchObject({ type: "idempotency_error", code: "reused", outcomeUnknown: true })
  })

  it("redacts bearer tokens and given secrets", () => {
    expect(redact("Bearer abc.def failed for key-1234", ["key-1234"])).toBe("Bearer [redacted] failed for [redacted]")
  })
})

describe("declines are results", () => {
  const decline = (declineCode: string) =>
    errorFromResponse(
      { status: 402, body: { error: { type: "card_error", code: "card_declined", decline_code: declineCode, message: "Declined.", charge: "CHX" } } },
      POST
    )

  it.each(["insufficient_funds", "do_not_honor", "expired_card", "lost_card", "stolen_card", "processing_error"])(
    "decline code %s",
    (code) => {
      const req = { amount: 500, currency: "USD" }
      expect(declinedCapture(decline(code), { ...req, chargeId: "CH1" })).toMatchObject({
        status: "failed",
        amount: 500,
        currency: "usd",
        errorCode: "card_declined",
        declineCode: code,
        message: "Declined.",
        gatewayCaptureId: "CHX:capture",
      })
      expect(declinedRefund(decline(code), req)).toMatchObject({ status: "failed", declineCode: code, errorCode: "card_declined" })
      expect(declinedAuthorization(decline(code), req)).toMatchObject({
        paymentRef: "CHX",
        status: "failed",
        amountAuthorized: 0,
        declineCode: code,
      })
    }
  )

  it("only card_error is a decline", () => {
    expect(isDecline(errorFromResponse({ status: 400, body: { error: { type: "invalid_request_error" } } }, POST))).toBe(false)
    expect(isDecline(new Error("x"))).toBe(false)
  })
})

describe("toLevel2Wire", () => {
  it.each<[string, CloverLevel2Input, number, Record<string, unknown>]>([
    [
      "amounts in minor units pass through, tax indicator set",
      { tax_amount: 82, pc_order_number: "PO-1", freight_amount: 500, duty_amount: 0, discount_amount: 25 },
      1100,
      { tax_amount: 82, tax_indicator: 1, pc_order_number: "PO-1", freight_amount: 500, duty_amount: 0, discount_amount: 25 },
    ],
    ["tax derived from the rate (tax included in the amount)", { tax_rate: 0.1, pc_order_number: "PO-1" }, 1100, { tax_amount: 100, tax_indicator: 1 }],
    ["an explicit tax amount wins over the rate", { tax_rate: 0.1, tax_amount: 90, pc_order_number: "PO-1" }, 1100, { tax_amount: 90 }],
    ["tax exempt", { tax_exempt: true, product_description: "Widgets" }, 1100, { tax_indicator: 2, product_description: "Widgets" }],
    [
      "shipping data",
      { destination_postal_code: "94105", shipping_from_postal_code: "10001", destination_country_code: 840 },
      1100,
      { destination_postal_code: "94105", shipping_from_postal_code: "10001", destination_country_code: 840 },
    ],
  ])("%s", (_name, input, amount, expected) => {
    const wire = toLevel2Wire(input, amount)
    expect(wire).toMatchObject(expected)
    expect(wire).not.toHaveProperty("tax_rate")
    expect(wire).not.toHaveProperty("tax_exempt")
  })

  it.each<[string, CloverLevel2Input, string]>([
    ["fractional cents", { tax_amount: 8.25, pc_order_number: "PO" }, "level2.tax_amount"],
    ["negative", { freight_amount: -1 }, "level2.freight_amount"],
    ["rate given as a percentage", { tax_rate: 8.25, pc_order_number: "PO" }, "level2.tax_rate"],
    ["tax above the amount", { tax_amount: 2000, pc_order_number: "PO" }, "level2.tax_amount"],
    ["tax without an order number", { tax_amount: 10 }, "level2.pc_order_number"],
    ["bad country", { destination_country_code: 8400 }, "level2.destination_country_code"],
    ["empty text", { purchase_identifier: " " }, "level2.purchase_identifier"],
    ["bad indicator", { tax_indicator: 7 as 1 }, "level2.tax_indicator"],
  ])("rejects %s", (_name, input, param) => {
    let thrown: unknown
    try {
      toLevel2Wire(input, 1100)
    } catch (err) {
      thrown = err
    }
    expect(thrown).toBeInstanceOf(GatewayError)
    expect(thrown).toMatchObject({ type: "invalid_request_error", param, retryable: false })
  })
})

describe("shape checks", () => {
  it.each<[string, unknown, boolean]>([
    ["a charge", charge(), true],
    ["fractional amount", { ...charge(), amount: 10.5 }, false],
    ["no id", { ...charge(), id: "" }, false],
    ["captured not boolean", { ...charge(), captured: "yes" }, false],
    ["html", "<html>", false],
    ["array", [charge()], false],
  ])("isChargeWire: %s", (_name, value, expected) => {
    expect(isChargeWire(value)).toBe(expected)
  })

  it("isRefundWire", () => {
    expect(isRefundWire({ id: "R", charge: "C", currency: "usd", status: "succeeded", amount: 1 })).toBe(true)
    expect(isRefundWire({ id: "R", currency: "usd", status: "succeeded", amount: 1 })).toBe(false)
  })
})
