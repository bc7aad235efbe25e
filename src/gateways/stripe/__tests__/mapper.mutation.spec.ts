/**
 * Stripe mapping at its edges: the cases mutation testing showed the table tests left open
 * (docs/mutation-testing.md). Whole expected values, so a changed amount, comparison or status fails.
 */
import Stripe from "stripe"
import { GatewayLookupDiscrepancy } from "../../gateway"
import { intentOfEvent } from "../events"
import {
  authorizationStatus,
  captureBefore,
  captureFromIntent,
  captureMetadata,
  chargeOf,
  errorFromStripe,
  modeOfKey,
  multicaptureAvailable,
  refundFromList,
  toCaptureResult,
  toRefundResult,
} from "../mapper"
import type { PaymentIntent, Refund } from "../types"

const intent = (over: Record<string, unknown> = {}): PaymentIntent =>
  ({ id: "pi_1", amount: 10_000, amount_capturable: 0, amount_received: 0, currency: "eur", status: "succeeded", latest_charge: null, metadata: {}, ...over }) as unknown as PaymentIntent
const refund = (over: Record<string, unknown> = {}): Refund =>
  ({ id: "re_1", amount: 500, currency: "eur", status: "succeeded", failure_reason: null, metadata: {}, ...over }) as unknown as Refund
const caught = (work: () => unknown): unknown => {
  try {
    work()
  } catch (err) {
    return err
  }
  throw new Error("expected a throw")
}

describe("Stripe mapping: edges", () => {
  it("reads live mode only from a key that starts with it", () => {
    expect(modeOfKey("xsk_live_1")).toBe("test")
    expect(modeOfKey("sk_test_live_1")).toBe("test")
    expect(modeOfKey("rk_live_1")).toBe("live")
  })

  it("takes only an expanded charge, and reads nothing from a charge without card details", () => {
    expect(chargeOf(intent({ latest_charge: "ch_1" }))).toBeNull()
    expect(chargeOf(intent({ latest_charge: null }))).toBeNull()
    const bare = intent({ latest_charge: { id: "ch_1", payment_method_details: null } })
    expect(multicaptureAvailable(bare)).toBe(false)
    expect(captureBefore(bare)).toBeNull()
    const noCard = intent({ latest_charge: { id: "ch_1", payment_method_details: { card: null } } })
    expect(multicaptureAvailable(noCard)).toBe(false)
    expect(captureBefore(noCard)).toBeNull()
    const noMulticapture = intent({ latest_charge: { id: "ch_1", payment_method_details: { card: { capture_before: 1 } } } })
    expect(multicaptureAvailable(noMulticapture)).toBe(false)
    expect(captureBefore(noMulticapture)).toEqual(new Date(1000))
  })

  it("calls a succeeded intent with nothing received partially captured, never refunded", () => {
    expect(authorizationStatus(intent({ status: "succeeded", amount_received: 0 }))).toBe("partially_captured")
    // No expanded charge: nothing known refunded.
    expect(authorizationStatus(intent({ status: "succeeded", amount_received: 10_000, latest_charge: "ch_1" }))).toBe("captured")
    expect(authorizationStatus(intent({ status: "succeeded", amount_received: 4000, latest_charge: { amount_refunded: 3999 } }))).toBe("partially_captured")
    expect(authorizationStatus(intent({ status: "requires_capture", amount_received: 0 }))).toBe("authorized")
    expect(authorizationStatus(intent({ status: "canceled", amount_received: 1 }))).toBe("partially_captured")
  })

  it("records a capture id of exactly a metadata key's length, and refuses a longer one by name", () => {
    expect(captureMetadata("c".repeat(40), 7)).toEqual({ ["c".repeat(40)]: "7" })
    const err = caught(() => captureMetadata("d".repeat(41), 7))
    expect(err).toBeInstanceOf(RangeError)
    expect((err as Error).message).toBe(`capture id ${"d".repeat(41)} is longer than a Stripe metadata key may be`)
  })

  it("names the charge of a capture whether or not it was expanded", () => {
    expect(toCaptureResult(intent({ latest_charge: "ch_str" }), { amount: 1, currency: "EUR" }).gatewayCaptureId).toBe("ch_str")
    expect(toCaptureResult(intent({ latest_charge: { id: "ch_obj" } }), { amount: 1, currency: "EUR" }).gatewayCaptureId).toBe("ch_obj")
    expect(toCaptureResult(intent({ latest_charge: null }), { amount: 1, currency: "EUR" }).gatewayCaptureId).toBeUndefined()
  })

  describe("finding a capture in the metadata", () => {
    const lookup = { paymentRef: "pi_1", idempotencyKey: "cap_1" }

    it("finds nothing in an intent without metadata or with an emptied key", () => {
      expect(captureFromIntent(intent({ metadata: undefined }), lookup)).toBeNull()
      expect(captureFromIntent(intent({ metadata: { cap_1: "" } }), lookup)).toBeNull()
    })

    it("takes the recorded amount when the lookup names none", () => {
      expect(captureFromIntent(intent({ metadata: { cap_1: "250" } }), lookup)).toMatchObject({ status: "succeeded", amount: 250, currency: "eur" })
    })

    it("reports a different or unreadable amount as a mismatch, with the intent as the candidate", () => {
      const other = caught(() => captureFromIntent(intent({ metadata: { cap_1: "250" } }), { ...lookup, amount: 300 })) as GatewayLookupDiscrepancy
      expect(other).toBeInstanceOf(GatewayLookupDiscrepancy)
      expect({ reason: other.reason, message: other.message, candidates: other.candidates }).toEqual({
        reason: "mismatch",
        message: "PaymentIntent pi_1 records capture cap_1 as 250, not 300",
        candidates: [{ id: "pi_1", amount: 250, status: "succeeded" }],
      })
      const unreadable = caught(() => captureFromIntent(intent({ metadata: { cap_1: "ten" } }), lookup)) as GatewayLookupDiscrepancy
      expect(unreadable.candidates).toEqual([{ id: "pi_1", amount: 0, status: "succeeded" }])
      expect(() => captureFromIntent(intent({ metadata: { cap_1: "2.5" } }), lookup)).toThrow(GatewayLookupDiscrepancy)
    })
  })

  describe("refunds", () => {
    it("says nothing of failure for a refund that did not fail", () => {
      for (const status of ["succeeded", "pending"]) {
        const result = toRefundResult(refund({ status, failure_reason: "lost_or_stolen_card" }))
        expect([result.errorCode, result.declineCode, result.message]).toEqual([undefined, undefined, undefined])
      }
    })

    it("words a failed or canceled refund, with the reason when Stripe gave one", () => {
      expect(toRefundResult(refund({ status: "failed" }))).toMatchObject({ errorCode: "failed", declineCode: undefined, message: "Stripe could not make the refund" })
      expect(toRefundResult(refund({ status: "failed", failure_reason: "expired_or_canceled_card" })).message).toBe(
        "Stripe could not make the refund (expired_or_canceled_card)"
      )
      expect(toRefundResult(refund({ status: "canceled" })).message).toBe("Stripe canceled the refund")
    })

    const lookup = { paymentRef: "pi_1", idempotencyKey: "capref_1" }
    const ours = (over: Record<string, unknown> = {}) => refund({ id: "re_ours", metadata: { medusa_refund_id: "capref_1" }, ...over })

    it("skips refunds without metadata, and takes ours when the lookup names no amount", () => {
      expect(refundFromList([refund({ metadata: undefined }), ours()], lookup)).toMatchObject({ gatewayRefundId: "re_ours", amount: 500 })
    })

    it("names every candidate when several carry our id, and the one of another amount", () => {
      const several = caught(() => refundFromList([ours(), ours({ id: "re_twin", amount: 600, status: "pending" })], lookup)) as GatewayLookupDiscrepancy
      expect({ reason: several.reason, message: several.message, candidates: several.candidates }).toEqual({
        reason: "ambiguous",
        message: "2 Stripe refunds carry refund capref_1",
        candidates: [
          { id: "re_ours", amount: 500, status: "succeeded" },
          { id: "re_twin", amount: 600, status: "pending" },
        ],
      })
      const other = caught(() => refundFromList([ours()], { ...lookup, amount: 400 })) as GatewayLookupDiscrepancy
      expect({ reason: other.reason, message: other.message, candidates: other.candidates }).toEqual({
        reason: "mismatch",
        message: "Stripe refund re_ours for capref_1 is of 500, not 400",
        candidates: [{ id: "re_ours", amount: 500, status: "succeeded" }],
      })
    })
  })

  describe("errors", () => {
    const api = (statusCode: number | undefined, headers: Record<string, string | string[]> = {}) =>
      Object.assign(new Stripe.errors.StripeAPIError({ message: "boom", type: "api_error" }), { statusCode, headers })

    it("carries Stripe's fields on every error, the message prefixed", () => {
      const card = new Stripe.errors.StripeCardError({ message: "No.", type: "card_error", decline_code: "do_not_honor", param: "amount_to_capture", statusCode: 402 })
      expect(errorFromStripe(card, { mutating: true })).toMatchObject({
        message: "Stripe: No.",
        type: "card_error",
        code: "card_declined",
        declineCode: "do_not_honor",
        param: "amount_to_capture",
        httpStatus: 402,
      })
    })

    it("retries a server error, a conflict and an answerless one, not another client error", () => {
      expect(errorFromStripe(api(500), { mutating: true })).toMatchObject({ type: "api_error", retryable: true, outcomeUnknown: true })
      expect(errorFromStripe(api(409), { mutating: false })).toMatchObject({ retryable: true, outcomeUnknown: false })
      expect(errorFromStripe(api(undefined), { mutating: true })).toMatchObject({ retryable: true })
      expect(errorFromStripe(api(499), { mutating: true })).toMatchObject({ retryable: false, outcomeUnknown: true })
      expect(errorFromStripe(api(503, { "stripe-should-retry": "false" }), { mutating: true })).toMatchObject({ retryable: false })
      expect(errorFromStripe(api(503, { "stripe-should-retry": ["false"] }), { mutating: true })).toMatchObject({ retryable: false })
      expect(errorFromStripe(new Error("odd"), { mutating: false })).toMatchObject({ type: "api_error", message: "Stripe: odd", outcomeUnknown: false })
    })

    it("keeps a key in use from being retried when Stripe says not to, and unknown when nothing was sent", () => {
      const inUse = (headers: Record<string, string>) =>
        Object.assign(new Stripe.errors.StripeInvalidRequestError({ message: "in use", type: "invalid_request_error", statusCode: 409 }), { headers })
      expect(errorFromStripe(inUse({ "stripe-should-retry": "false" }), { mutating: true })).toMatchObject({ type: "idempotency_error", retryable: false })
      expect(errorFromStripe(inUse({}), { mutating: false })).toMatchObject({ type: "idempotency_error", retryable: true, outcomeUnknown: false })
      const idem = new Stripe.errors.StripeIdempotencyError({ message: "other params", type: "idempotency_error" })
      expect(errorFromStripe(idem, { mutating: false })).toMatchObject({ type: "idempotency_error", outcomeUnknown: false })
      const conn = new Stripe.errors.StripeConnectionError({ message: "reset" })
      expect(errorFromStripe(conn, { mutating: false })).toMatchObject({ type: "api_connection_error", retryable: true, outcomeUnknown: false })
    })

    it("waits what Retry-After says in seconds, and nothing for a value that is not one", () => {
      const limited = (value: string | string[] | undefined) =>
        errorFromStripe(
          new Stripe.errors.StripeRateLimitError({ message: "slow", type: "rate_limit_error", statusCode: 429, headers: value === undefined ? {} : ({ "retry-after": value } as Record<string, string>) }),
          { mutating: true }
        ).retryAfterMs
      expect([limited("1.5"), limited(["3"]), limited("0"), limited("-1"), limited("soon"), limited(undefined)]).toEqual([1500, 3000, 0, undefined, undefined, undefined])
    })
  })

  describe("events", () => {
    const event = (type: string, object: unknown) => ({ type, data: { object } }) as never

    it("reads nothing from an event without an object, or of a type the ledger does not follow", () => {
      expect(intentOfEvent({ type: "payment_intent.succeeded", data: {} } as never)).toBeNull()
      expect(intentOfEvent(event("payout.paid", { object: "payout", payment_intent: "pi_9" }))).toBeNull()
      expect(intentOfEvent(event("customer.charge", { object: "charge", payment_intent: "pi_9" }))).toBeNull()
      expect(intentOfEvent(event("xrefund.updated", { object: "refund", payment_intent: "pi_9" }))).toBeNull()
      expect(intentOfEvent(event("refund.updated", { object: "refund", payment_intent: "pi_9" }))).toBe("pi_9")
      expect(intentOfEvent(event("payment_intent.created", { object: "charge", payment_intent: "pi_9" }))).toBeNull()
      expect(intentOfEvent(event("xpayment_intent.created", { object: "payment_intent", id: "pi_9" }))).toBeNull()
    })

    it("takes only a whole PaymentIntent id, as a string or an expanded object", () => {
      expect(intentOfEvent(event("charge.captured", { payment_intent: "pi_ab12" }))).toBe("pi_ab12")
      expect(intentOfEvent(event("charge.captured", { payment_intent: "xpi_ab" }))).toBeNull()
      expect(intentOfEvent(event("charge.captured", { payment_intent: "pi_" }))).toBeNull()
      expect(intentOfEvent(event("charge.captured", { payment_intent: null }))).toBeNull()
      expect(intentOfEvent(event("charge.captured", { payment_intent: { object: "payment_intent" } }))).toBeNull()
      expect(intentOfEvent(event("charge.captured", { payment_intent: 7 }))).toBeNull()
    })
  })
})
