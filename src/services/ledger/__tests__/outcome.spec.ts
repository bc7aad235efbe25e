import { GATEWAY_ERROR_TYPES, GatewayError, type CaptureResult, type GatewayErrorInit, type RefundResult } from "../../../gateways/gateway"
import { patchFromError, patchFromLookup, patchFromResult, type OutcomePatch } from "../outcome"

const capture = (over: Partial<CaptureResult>): CaptureResult => ({
  status: "succeeded",
  amount: 2500,
  currency: "eur",
  raw: {},
  ...over,
})

const refund = (over: Partial<RefundResult>): RefundResult => ({
  status: "succeeded",
  amount: 1000,
  currency: "eur",
  raw: {},
  ...over,
})

const UNKNOWN_PREFIX = "outcome unknown, left for reconciliation: "

describe("patchFromResult", () => {
  describe("capture results", () => {
    it.each<[string, CaptureResult, OutcomePatch]>([
      [
        "succeeded with every gateway id",
        capture({ status: "succeeded", gatewayCaptureId: "cap_1", gatewayTransactionId: "txn_1", token: "tok_1" }),
        {
          status: "succeeded",
          gatewayId: "cap_1",
          gatewayTransactionId: "txn_1",
          token: "tok_1",
          message: null,
          error_code: null,
          error_detail: null,
          decline_code: null,
        },
      ],
      [
        "succeeded keeps an informational message but no error fields",
        capture({ status: "succeeded", gatewayCaptureId: "cap_2", message: "Captured." }),
        {
          status: "succeeded",
          gatewayId: "cap_2",
          gatewayTransactionId: undefined,
          token: undefined,
          message: "Captured.",
          error_code: null,
          error_detail: null,
          decline_code: null,
        },
      ],
      [
        "pending without ids",
        capture({ status: "pending" }),
        {
          status: "pending",
          gatewayId: undefined,
          gatewayTransactionId: undefined,
          token: undefined,
          message: null,
          error_code: null,
          error_detail: null,
          decline_code: null,
        },
      ],
      [
        "pending ignores an errorCode (only failures carry error_code)",
        capture({ status: "pending", gatewayCaptureId: "cap_3", errorCode: "processing", message: "Awaiting bank" }),
        {
          status: "pending",
          gatewayId: "cap_3",
          gatewayTransactionId: undefined,
          token: undefined,
          message: "Awaiting bank",
          error_code: null,
          error_detail: null,
          decline_code: null,
        },
      ],
      [
        "failed with errorCode, declineCode and message",
        capture({
          status: "failed",
          gatewayCaptureId: "cap_4",
          errorCode: "card_declined",
          declineCode: "insufficient_funds",
          message: "Your card has insufficient funds.",
        }),
        {
          status: "failed",
          gatewayId: "cap_4",
          gatewayTransactionId: undefined,
          token: undefined,
          message: "Your card has insufficient funds.",
          error_code: "card_declined",
          error_detail: "Your card has insufficient funds.",
          decline_code: "insufficient_funds",
        },
      ],
      [
        "failed without errorCode falls back to the declineCode",
        capture({ status: "failed", declineCode: "expired_card" }),
        {
          status: "failed",
          gatewayId: undefined,
          gatewayTransactionId: undefined,
          token: undefined,
          message: null,
          error_code: "expired_card",
          error_detail: null,
          decline_code: "expired_card",
        },
      ],
      [
        "failed with neither code falls back to \"declined\"",
        capture({ status: "failed", message: "Refused" }),
        {
          status: "failed",
          gatewayId: undefined,
          gatewayTransactionId: undefined,
          token: undefined,
          message: "Refused",
          error_code: "declined",
          error_detail: "Refused",
          decline_code: null,
        },
      ],
    ])("%s", (_name, result, expected) => {
      expect(patchFromResult(result)).toEqual(expected)
    })
  })

  describe("refund results", () => {
    it.each<[string, RefundResult, Partial<OutcomePatch>]>([
      [
        "succeeded uses gatewayRefundId as gatewayId",
        refund({ status: "succeeded", gatewayRefundId: "re_1" }),
        { status: "succeeded", gatewayId: "re_1", message: null, error_code: null, error_detail: null, decline_code: null },
      ],
      [
        "pending",
        refund({ status: "pending", gatewayRefundId: "re_2", message: "Queued" }),
        { status: "pending", gatewayId: "re_2", message: "Queued", error_code: null, error_detail: null, decline_code: null },
      ],
      [
        "failed with errorCode",
        refund({ status: "failed", gatewayRefundId: "re_3", errorCode: "charge_disputed", message: "Disputed" }),
        { status: "failed", gatewayId: "re_3", message: "Disputed", error_code: "charge_disputed", error_detail: "Disputed", decline_code: null },
      ],
      [
        "failed with only a declineCode",
        refund({ status: "failed", declineCode: "do_not_honor" }),
        { status: "failed", gatewayId: undefined, error_code: "do_not_honor", error_detail: null, decline_code: "do_not_honor" },
      ],
      [
        "failed with no code at all",
        refund({ status: "failed" }),
        { status: "failed", gatewayId: undefined, error_code: "declined", error_detail: null, decline_code: null },
      ],
    ])("%s", (_name, result, expected) => {
      const patch = patchFromResult(result)
      expect(patch).toMatchObject(expected)
      // A refund has no transaction id or token.
      expect(patch.gatewayTransactionId).toBeUndefined()
      expect(patch.token).toBeUndefined()
    })
  })

  it("passes the gateway's status through unchanged", () => {
    for (const status of ["pending", "succeeded", "failed"] as const) {
      expect(patchFromResult(capture({ status })).status).toBe(status)
      expect(patchFromResult(refund({ status })).status).toBe(status)
    }
  })
})

describe("patchFromError", () => {
  const gatewayError = (init: Partial<GatewayErrorInit>): GatewayError =>
    new GatewayError({ type: "api_error", message: "boom", ...init })

  describe("an unclear outcome never marks a row failed", () => {
    it.each<[string, GatewayErrorInit, string]>([
      [
        "timeout on a POST",
        { type: "api_connection_error", code: "timeout", message: "No answer within 10000 ms.", retryable: true, outcomeUnknown: true },
        "timeout",
      ],
      [
        "connection reset after sending",
        { type: "api_connection_error", code: "connection_reset", message: "Connection lost.", retryable: true, outcomeUnknown: true },
        "connection_reset",
      ],
      [
        "HTTP 500 without a code (falls back to the type)",
        { type: "api_error", message: "Internal error", httpStatus: 500, retryable: true, outcomeUnknown: true },
        "api_error",
      ],
      [
        "HTTP 503 with a decline code is still unknown",
        { type: "api_error", code: "http_503", declineCode: "generic_decline", message: "Unavailable", httpStatus: 503, outcomeUnknown: true },
        "http_503",
      ],
      [
        "malformed 2xx body",
        { type: "api_error", code: "malformed_response", message: "Not JSON", httpStatus: 200, outcomeUnknown: true },
        "malformed_response",
      ],
      // outcomeUnknown wins over a type that would otherwise read as a definitive refusal.
      [
        "card_error flagged outcomeUnknown",
        { type: "card_error", code: "card_declined", message: "Declined?", outcomeUnknown: true },
        "card_declined",
      ],
      [
        "invalid_request_error flagged outcomeUnknown",
        { type: "invalid_request_error", param: "amount", message: "Bad amount?", outcomeUnknown: true },
        "invalid_request_error",
      ],
    ])("GatewayError: %s → requested", (_name, init, errorCode) => {
      const patch = patchFromError(new GatewayError(init))
      expect(patch).toEqual({
        status: "requested",
        message: UNKNOWN_PREFIX + init.message,
        error_code: errorCode,
        error_detail: null,
      })
      expect(patch.status).not.toBe("failed")
      // Nothing that would read as a decline is recorded while the outcome is unknown.
      expect(patch.decline_code).toBeUndefined()
    })

    it.each(GATEWAY_ERROR_TYPES)("every error type (%s) stays requested when outcomeUnknown", (type) => {
      expect(patchFromError(gatewayError({ type, outcomeUnknown: true })).status).toBe("requested")
    })

    class CustomError extends Error {}

    it.each<[string, unknown, string]>([
      ["a plain Error", new Error("socket hang up"), "socket hang up"],
      ["a TypeError from gateway code", new TypeError("Cannot read properties of undefined"), "Cannot read properties of undefined"],
      ["an Error subclass", new CustomError("custom"), "custom"],
      ["an Error with an empty message", new Error(""), ""],
      ["a string", "ECONNRESET", "ECONNRESET"],
      ["an empty string", "", ""],
      ["undefined", undefined, "undefined"],
      ["null", null, "null"],
      ["a number", 42, "42"],
      // Looks like a definitive GatewayError but is not an instance: treated as unknown, the safe side.
      ["a GatewayError look-alike object", { name: "GatewayError", type: "card_error", outcomeUnknown: false, message: "x" }, "[object Object]"],
    ])("%s → requested with error_code unknown_outcome", (_name, err, message) => {
      expect(patchFromError(err)).toEqual({
        status: "requested",
        message: UNKNOWN_PREFIX + message,
        error_code: "unknown_outcome",
        error_detail: null,
      })
    })
  })

  describe("a definitive GatewayError fails the row with its reason", () => {
    it.each<[string, GatewayErrorInit, OutcomePatch]>([
      [
        "authentication_error (401)",
        { type: "authentication_error", code: "invalid_api_key", message: "Invalid API key.", httpStatus: 401 },
        {
          status: "failed",
          message: "Invalid API key.",
          error_code: "invalid_api_key",
          error_detail: "authentication_error; HTTP 401",
          decline_code: null,
        },
      ],
      [
        "authentication_error without a code or status (local key check)",
        { type: "authentication_error", message: "The sandbox API key must be a non-empty string." },
        {
          status: "failed",
          message: "The sandbox API key must be a non-empty string.",
          error_code: "authentication_error",
          error_detail: "authentication_error",
          decline_code: null,
        },
      ],
      [
        "invalid_request_error with param and status",
        { type: "invalid_request_error", code: "amount_too_large", param: "amount", message: "Amount exceeds capturable.", httpStatus: 400 },
        {
          status: "failed",
          message: "Amount exceeds capturable.",
          error_code: "amount_too_large",
          error_detail: "invalid_request_error; param: amount; HTTP 400",
          decline_code: null,
        },
      ],
      [
        "invalid_request_error with param only (no code falls back to type)",
        { type: "invalid_request_error", param: "Idempotency-Key", message: "needs an idempotency key" },
        {
          status: "failed",
          message: "needs an idempotency key",
          error_code: "invalid_request_error",
          error_detail: "invalid_request_error; param: Idempotency-Key",
          decline_code: null,
        },
      ],
      [
        "card_error with decline code (402)",
        { type: "card_error", code: "card_declined", declineCode: "insufficient_funds", message: "Insufficient funds.", httpStatus: 402 },
        {
          status: "failed",
          message: "Insufficient funds.",
          error_code: "card_declined",
          error_detail: "card_error; HTTP 402",
          decline_code: "insufficient_funds",
        },
      ],
      [
        "connection never made (outcomeUnknown false)",
        { type: "api_connection_error", code: "connection_failed", message: "Could not connect (ECONNREFUSED).", retryable: true, outcomeUnknown: false },
        {
          status: "failed",
          message: "Could not connect (ECONNREFUSED).",
          error_code: "connection_failed",
          error_detail: "api_connection_error",
          decline_code: null,
        },
      ],
      [
        "rate_limit_error (429)",
        { type: "rate_limit_error", message: "Too many requests", httpStatus: 429, retryable: true },
        {
          status: "failed",
          message: "Too many requests",
          error_code: "rate_limit_error",
          error_detail: "rate_limit_error; HTTP 429",
          decline_code: null,
        },
      ],
    ])("%s → failed", (_name, init, expected) => {
      expect(patchFromError(new GatewayError(init))).toEqual(expected)
    })

    it("an empty param is left out of error_detail", () => {
      expect(patchFromError(gatewayError({ type: "invalid_request_error", param: "" })).error_detail).toBe("invalid_request_error")
    })

    it("outcomeUnknown defaults to false, so an unflagged GatewayError is definitive", () => {
      expect(patchFromError(new GatewayError({ type: "idempotency_error", message: "Key reused" }))).toMatchObject({
        status: "failed",
        error_code: "idempotency_error",
      })
    })
  })
})

describe("patchFromLookup (reconciliation)", () => {
  const found: CaptureResult = { status: "succeeded", gatewayCaptureId: "cap_gw_1", amount: 100, currency: "eur", raw: {} }
  it.each([
    ["found: the gateway's outcome", found, "requested", 0, 90_000, "succeeded"],
    ["found while pending: the gateway's outcome", { ...found, status: "pending" as const }, "pending", 0, 90_000, "pending"],
    ["not found, requested, older than its call can run and than asked: failed (never received)", null, "requested", 120_000, 90_000, "failed"],
    ["not found, requested, older than asked but its call may still run: nothing yet", null, "requested", 120_000, 120_001, null],
    ["not found, requested, its call is over but younger than asked: nothing yet", null, "requested", 119_999, 1_000, null],
    ["not found, requested, exactly as old as its call can run: failed", null, "requested", 130_000, 130_000, "failed"],
    ["not found, pending (the gateway had it): nothing", null, "pending", 10_000_000, 0, null],
  ] as const)("%s", (_name, result, status, ageMs, mayRunForMs, expected) => {
    const patch = patchFromLookup(result, { status, ageMs, mayRunForMs }, 120_000, "capture")
    expect(patch?.status ?? null).toBe(expected)
  })

  it("never declares a call still on its way failed, whatever the caller asks for", () => {
    expect(patchFromLookup(null, { status: "requested", ageMs: 5_000, mayRunForMs: 94_500 }, 0, "capture")).toBeNull()
    expect(patchFromLookup(null, { status: "requested", ageMs: 94_500, mayRunForMs: 94_500 }, 0, "capture")?.status).toBe("failed")
  })

  it("says what to do next for a capture the gateway never received", () => {
    expect(patchFromLookup(null, { status: "requested", ageMs: 1, mayRunForMs: 0 }, 0, "refund")).toEqual({
      status: "failed",
      message: "The gateway has no record of this refund: it never received the call. It is safe to refund again.",
      error_code: "not_received_by_gateway",
      error_detail: null,
    })
  })
})
