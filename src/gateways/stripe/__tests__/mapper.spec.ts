import Stripe from "stripe"
import { GatewayLookupDiscrepancy } from "../../gateway"
import { intentOfEvent } from "../events"
import {
  authorizationStatus,
  captureBefore,
  captureFromIntent,
  captureMetadata,
  errorFromStripe,
  mapRefundStatus,
  modeOfKey,
  multicaptureAvailable,
  refundFromList,
  stripeRefundReason,
  toCaptureResult,
  toPaymentSnapshot,
  toRefundResult,
} from "../mapper"
import type { PaymentIntent, Refund } from "../types"

const charge = (card: Record<string, unknown> = {}, refunded = 0) => ({
  id: "ch_1",
  object: "charge",
  amount_refunded: refunded,
  payment_method_details: { type: "card", card: { brand: "visa", ...card } },
})

const intent = (over: Record<string, unknown> = {}): PaymentIntent =>
  ({
    id: "pi_1",
    object: "payment_intent",
    amount: 10_000,
    amount_capturable: 10_000,
    amount_received: 0,
    currency: "eur",
    status: "requires_capture",
    client_secret: "pi_1_secret_abc",
    last_payment_error: null,
    latest_charge: charge(),
    metadata: {},
    ...over,
  }) as unknown as PaymentIntent

const refund = (over: Record<string, unknown> = {}): Refund =>
  ({ id: "re_1", object: "refund", amount: 500, currency: "eur", status: "succeeded", failure_reason: null, metadata: {}, ...over }) as unknown as Refund

describe("Stripe mapping", () => {
  it("reads the mode from the key's prefix", () => {
    expect(["sk_test_1", "rk_test_1", "sk_live_1", "rk_live_1"].map(modeOfKey)).toEqual(["test", "test", "live", "live"])
  })

  it.each([
    [{ status: "requires_payment_method" }, "requires_more"],
    [{ status: "requires_payment_method", last_payment_error: { code: "card_declined" } }, "failed"],
    [{ status: "requires_confirmation" }, "requires_more"],
    [{ status: "requires_action" }, "requires_more"],
    [{ status: "processing" }, "requires_more"],
    [{ status: "requires_capture" }, "authorized"],
    [{ status: "requires_capture", amount_received: 3000, amount_capturable: 7000 }, "partially_captured"],
    [{ status: "canceled" }, "canceled"],
    [{ status: "canceled", amount_received: 3000 }, "partially_captured"],
    [{ status: "succeeded", amount_received: 10_000 }, "captured"],
    [{ status: "succeeded", amount_received: 4000 }, "partially_captured"],
    [{ status: "succeeded", amount_received: 4000, latest_charge: charge({}, 4000) }, "refunded"],
    [{ status: "some_new_status" }, "requires_more"],
  ])("maps an intent %j to %s", (over, status) => {
    expect(authorizationStatus(intent(over))).toBe(status)
  })

  it("makes a snapshot with the amounts, the client secret and the decline", () => {
    expect(toPaymentSnapshot(intent({ amount_received: 3000, amount_capturable: 7000, latest_charge: charge({}, 1000) }))).toMatchObject({
      paymentRef: "pi_1",
      status: "partially_captured",
      currency: "eur",
      amountAuthorized: 10_000,
      amountCaptured: 3000,
      amountRefunded: 1000,
      amountCapturable: 7000,
      clientSecret: "pi_1_secret_abc",
    })
    // Capturable only while Stripe would take a capture.
    expect(toPaymentSnapshot(intent({ status: "canceled", amount_capturable: 10_000 })).amountCapturable).toBe(0)
    const declined = toPaymentSnapshot(
      intent({ status: "requires_payment_method", last_payment_error: { code: "card_declined", decline_code: "insufficient_funds", message: "Your card has insufficient funds." } })
    )
    expect(declined).toMatchObject({ status: "failed", declineCode: "insufficient_funds", message: "Your card has insufficient funds." })
  })

  it("reads multicapture and the capture deadline from the expanded charge only", () => {
    const available = intent({ latest_charge: charge({ multicapture: { status: "available" }, capture_before: 1_800_000_000 }) })
    expect(multicaptureAvailable(available)).toBe(true)
    expect(captureBefore(available)?.toISOString()).toBe(new Date(1_800_000_000_000).toISOString())
    expect(multicaptureAvailable(intent({ latest_charge: charge({ multicapture: { status: "unavailable" } }) }))).toBe(false)
    expect(multicaptureAvailable(intent({ latest_charge: "ch_1" }))).toBe(false)
    expect(captureBefore(intent({ latest_charge: "ch_1" }))).toBeNull()
  })

  it("records a capture in the intent's metadata under its id, and finds it there again", () => {
    expect(captureMetadata("cap_01ABC", 2500)).toEqual({ cap_01ABC: "2500" })
    expect(() => captureMetadata("c".repeat(41), 1)).toThrow(RangeError)
    const captured = intent({ metadata: { cart_id: "cart_1", cap_01ABC: "2500" } })
    expect(captureFromIntent(captured, { paymentRef: "pi_1", idempotencyKey: "cap_01ABC", amount: 2500 })).toMatchObject({
      status: "succeeded",
      amount: 2500,
      currency: "eur",
      gatewayCaptureId: "ch_1",
    })
    expect(captureFromIntent(captured, { paymentRef: "pi_1", idempotencyKey: "cap_other", amount: 2500 })).toBeNull()
    expect(() => captureFromIntent(captured, { paymentRef: "pi_1", idempotencyKey: "cap_01ABC", amount: 2400 })).toThrow(GatewayLookupDiscrepancy)
    expect(() => captureFromIntent(intent({ metadata: { cap_x: "ten" } }), { paymentRef: "pi_1", idempotencyKey: "cap_x" })).toThrow(GatewayLookupDiscrepancy)
  })

  it("answers a capture call with what was asked, the money moved", () => {
    expect(toCaptureResult(intent({ latest_charge: "ch_9" }), { amount: 700, currency: "EUR" })).toMatchObject({
      status: "succeeded",
      amount: 700,
      currency: "eur",
      gatewayCaptureId: "ch_9",
    })
  })

  it.each([
    ["succeeded", "succeeded"],
    ["pending", "pending"],
    ["requires_action", "pending"],
    ["failed", "failed"],
    ["canceled", "failed"],
    [null, "pending"],
    ["unheard_of", "pending"],
  ])("maps a refund %s to %s", (status, mapped) => {
    expect(mapRefundStatus(status)).toBe(mapped)
  })

  it("maps refunds, with the failure reason when one failed", () => {
    expect(toRefundResult(refund())).toMatchObject({ status: "succeeded", gatewayRefundId: "re_1", amount: 500, currency: "eur" })
    expect(toRefundResult(refund())).not.toHaveProperty("errorCode", expect.anything())
    expect(toRefundResult(refund({ status: "failed", failure_reason: "expired_or_canceled_card" }))).toMatchObject({
      status: "failed",
      errorCode: "expired_or_canceled_card",
      declineCode: "expired_or_canceled_card",
    })
    expect(toRefundResult(refund({ status: "canceled" }))).toMatchObject({ status: "failed", errorCode: "canceled" })
  })

  it("finds our refund by the ledger's id in its metadata, and never takes a stranger's", () => {
    const ours = refund({ id: "re_2", metadata: { medusa_refund_id: "capref_1" } })
    const lookup = { paymentRef: "pi_1", idempotencyKey: "capref_1", amount: 500 }
    expect(refundFromList([refund(), ours], lookup)).toMatchObject({ gatewayRefundId: "re_2" })
    expect(refundFromList([refund()], lookup)).toBeNull()
    expect(() => refundFromList([ours, refund({ id: "re_3", metadata: { medusa_refund_id: "capref_1" } })], lookup)).toThrow(GatewayLookupDiscrepancy)
    expect(() => refundFromList([ours], { ...lookup, amount: 400 })).toThrow(GatewayLookupDiscrepancy)
  })

  it("says requested_by_customer for returns, swaps and claims only", () => {
    expect(["return", "swap", "claim", "discount", "other", undefined].map(stripeRefundReason)).toEqual([
      "requested_by_customer",
      "requested_by_customer",
      "requested_by_customer",
      undefined,
      undefined,
      undefined,
    ])
  })

  describe("errors", () => {
    const card = new Stripe.errors.StripeCardError({ message: "Your card was declined.", type: "card_error", code: "card_declined", decline_code: "generic_decline" })

    it("a decline is a card error that failed, never unknown", () => {
      expect(errorFromStripe(card, { mutating: true })).toMatchObject({
        type: "card_error",
        code: "card_declined",
        declineCode: "generic_decline",
        retryable: false,
        outcomeUnknown: false,
      })
    })

    it("a fault after sending leaves a mutating call's outcome unknown, and is retried", () => {
      const connection = new Stripe.errors.StripeConnectionError({ message: "socket hang up" })
      expect(errorFromStripe(connection, { mutating: true })).toMatchObject({ type: "api_connection_error", retryable: true, outcomeUnknown: true })
      expect(errorFromStripe(connection, { mutating: false })).toMatchObject({ retryable: true, outcomeUnknown: false })
      const api = new Stripe.errors.StripeAPIError({ message: "boom", type: "api_error", statusCode: 500 })
      expect(errorFromStripe(api, { mutating: true })).toMatchObject({ type: "api_error", retryable: true, outcomeUnknown: true, httpStatus: 500 })
      const inUse = new Stripe.errors.StripeInvalidRequestError({ message: "in use", type: "invalid_request_error", code: "idempotency_key_in_use", statusCode: 409 })
      expect(errorFromStripe(inUse, { mutating: true })).toMatchObject({ type: "idempotency_error", retryable: true, outcomeUnknown: true })
    })

    it("a refusal fails: invalid request, authentication, permission", () => {
      const invalid = new Stripe.errors.StripeInvalidRequestError({ message: "too much", type: "invalid_request_error", code: "amount_too_large", param: "amount_to_capture", statusCode: 400 })
      expect(errorFromStripe(invalid, { mutating: true })).toMatchObject({ type: "invalid_request_error", code: "amount_too_large", param: "amount_to_capture", retryable: false, outcomeUnknown: false })
      expect(errorFromStripe(new Stripe.errors.StripeAuthenticationError({ message: "bad key", type: "authentication_error", statusCode: 401 }), { mutating: true })).toMatchObject({ type: "authentication_error", retryable: false, outcomeUnknown: false })
      expect(errorFromStripe(new Stripe.errors.StripePermissionError({ message: "no", type: "invalid_request_error", statusCode: 403 }), { mutating: true })).toMatchObject({ type: "authentication_error" })
    })

    it("a rate limit is retried after what Retry-After asks, unless Stripe says not to", () => {
      const limited = new Stripe.errors.StripeRateLimitError({ message: "slow down", type: "rate_limit_error", statusCode: 429, headers: { "retry-after": "2" } })
      expect(errorFromStripe(limited, { mutating: true })).toMatchObject({ type: "rate_limit_error", retryable: true, outcomeUnknown: false, retryAfterMs: 2000 })
      const noRetry = new Stripe.errors.StripeRateLimitError({ message: "no", type: "rate_limit_error", statusCode: 429, headers: { "stripe-should-retry": "false" } })
      expect(errorFromStripe(noRetry, { mutating: true })).toMatchObject({ retryable: false, retryAfterMs: undefined })
    })

    it("an idempotency conflict leaves the outcome unknown", () => {
      const conflict = new Stripe.errors.StripeIdempotencyError({ message: "Keys for idempotent requests can only be used with the same parameters", type: "idempotency_error", statusCode: 400 })
      expect(errorFromStripe(conflict, { mutating: true })).toMatchObject({ type: "idempotency_error", retryable: false, outcomeUnknown: true })
    })

    it("never repeats a key in a message, given or not", () => {
      const leaky = new Stripe.errors.StripeAuthenticationError({ message: "Invalid API Key provided: sk_test_secret123", type: "authentication_error" })
      expect(errorFromStripe(leaky, { mutating: false, secrets: ["sk_test_secret123"] }).message).not.toContain("sk_test_secret123")
      const other = new Stripe.errors.StripeAuthenticationError({ message: "keys rk_live_abcDEF12 and whsec_xyz9 and Bearer tok.en", type: "authentication_error" })
      expect(errorFromStripe(other, { mutating: false }).message).toBe("Stripe: keys rk_live_[redacted] and whsec_[redacted] and Bearer [redacted]")
    })
  })

  it("takes only the PaymentIntent id from an event", () => {
    const event = (type: string, object: Record<string, unknown>) => ({ type, data: { object } }) as never
    expect(intentOfEvent(event("payment_intent.succeeded", { object: "payment_intent", id: "pi_9" }))).toBe("pi_9")
    expect(intentOfEvent(event("charge.refunded", { object: "charge", id: "ch_1", payment_intent: "pi_9" }))).toBe("pi_9")
    expect(intentOfEvent(event("charge.refund.updated", { object: "refund", id: "re_1", payment_intent: "pi_9" }))).toBe("pi_9")
    expect(intentOfEvent(event("charge.captured", { object: "charge", payment_intent: { id: "pi_9" } }))).toBe("pi_9")
    expect(intentOfEvent(event("customer.created", { object: "customer", id: "cus_1" }))).toBeNull()
    expect(intentOfEvent(event("charge.refunded", { object: "charge", payment_intent: "pi_9; DROP" }))).toBeNull()
    expect(intentOfEvent(event("payment_intent.succeeded", { object: "charge", id: "pi_9" }))).toBeNull()
  })
})
