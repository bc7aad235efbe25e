/**
 * Pins the Clover mapper's decisions with exact expected values (whole objects, boundaries,
 * messages), so that mutation testing (docs/mutation-testing.md) finds no changed operator or
 * literal that every test lets through.
 */
import fc from "fast-check"
import { GatewayError } from "../../gateway"
import {
  CAPTURE_ID_SUFFIX,
  CloverApiError,
  captureIdOf,
  capturedAmountOf,
  chargeIdOfCapture,
  declinedAuthorization,
  declinedCapture,
  declinedRefund,
  isChargeWire,
  isDecline,
  isListOf,
  isRefundWire,
  isReleased,
  mapChargeStatus,
  mapRefundStatus,
  toCaptureResult,
  toLevel2Wire,
  toPaymentSnapshot,
  toRefundResult,
  type CloverLevel2Input,
} from "../mapper"
import type { CloverCharge, CloverRefund } from "../types"

function charge(over: Partial<CloverCharge> = {}): CloverCharge {
  return {
    id: "CH1",
    amount: 1000,
    amount_captured: 0,
    amount_refunded: 0,
    currency: "USD",
    captured: false,
    paid: true,
    refunded: false,
    status: "succeeded",
    ...over,
  }
}

function refund(over: Partial<CloverRefund> = {}): CloverRefund {
  return { id: "RF1", amount: 200, charge: "CH1", currency: "USD", status: "succeeded", ...over }
}

const cardError = (over: Partial<ConstructorParameters<typeof CloverApiError>[0]> = {}) =>
  new CloverApiError({
    type: "card_error",
    code: "card_declined",
    declineCode: "insufficient_funds",
    message: "Declined.",
    param: "source",
    httpStatus: 402,
    charge: "CHX",
    docUrl: "https://docs/x",
    ...over,
  })

describe("capture ids", () => {
  it("append and strip the suffix", () => {
    expect(CAPTURE_ID_SUFFIX).toBe(":capture")
    expect(captureIdOf("CH1")).toBe("CH1:capture")
    expect(chargeIdOfCapture("CH1:capture")).toBe("CH1")
    expect(chargeIdOfCapture("CH1")).toBe("CH1")
    expect(chargeIdOfCapture("CH1:capturex")).toBe("CH1:capturex")
    expect(chargeIdOfCapture(":capture")).toBe("")
  })

  it("round-trip (property)", () => {
    fc.assert(fc.property(fc.string(), (id) => expect(chargeIdOfCapture(captureIdOf(id))).toBe(id)))
  })
})

describe("capturedAmountOf", () => {
  // Clover documents amount_captured in one sample only: without a usable one the amount is unknown
  // (null), never the whole charge (which booked money that may never have been taken).
  it.each<[string, Partial<CloverCharge>, number | null]>([
    ["not captured", { amount_captured: 700 }, 0],
    ["captured undefined", { captured: undefined, amount_captured: 700 }, 0],
    ["captured, amount given", { captured: true, amount_captured: 700 }, 700],
    ["captured, 1 cent", { captured: true, amount_captured: 1 }, 1],
    ["captured, amount 0 → unknown", { captured: true, amount_captured: 0 }, null],
    ["captured, amount absent → unknown", { captured: true, amount_captured: undefined }, null],
    ["captured, amount fractional → unknown", { captured: true, amount_captured: 7.5 }, null],
    ["captured, amount negative → unknown", { captured: true, amount_captured: -5 }, null],
  ])("%s", (_, over, expected) => {
    expect(capturedAmountOf(charge(over))).toBe(expected)
  })
})

describe("isReleased", () => {
  it.each<[string, Partial<CloverCharge>, boolean]>([
    ["an open authorization", {}, false],
    ["refunded flag", { refunded: true }, true],
    ["refunded amount equal", { amount_refunded: 1000 }, true],
    ["refunded amount above", { amount_refunded: 1001 }, true],
    ["refunded amount one short", { amount_refunded: 999 }, false],
    ["refunded amount absent", { amount_refunded: undefined }, false],
    ["a zero charge with nothing refunded", { amount: 0, amount_refunded: undefined }, true],
    ["captured and refunded", { captured: true, refunded: true, amount_refunded: 1000 }, false],
  ])("%s -> %s", (_, over, expected) => {
    expect(isReleased(charge(over))).toBe(expected)
  })
})

describe("mapChargeStatus", () => {
  it.each<[string, Partial<CloverCharge>, string]>([
    ["failed", { status: "failed" }, "failed"],
    ["failed even if paid", { status: "failed", paid: true, captured: true }, "failed"],
    ["pending", { status: "pending" }, "requires_more"],
    ["succeeded, not paid", { paid: false }, "requires_more"],
    ["succeeded, paid absent", { paid: undefined }, "authorized"],
    ["authorization", {}, "authorized"],
    ["released", { refunded: true }, "canceled"],
    ["captured all", { captured: true, amount_captured: 1000 }, "captured"],
    ["captured one cent less", { captured: true, amount_captured: 999 }, "partially_captured"],
    ["captured, refunded one cent less than captured", { captured: true, amount_captured: 600, amount_refunded: 599 }, "partially_captured"],
    ["captured, refunded exactly what was captured", { captured: true, amount_captured: 600, amount_refunded: 600 }, "refunded"],
    ["captured, refunded absent", { captured: true, amount_captured: 1000, amount_refunded: undefined }, "captured"],
  ])("%s -> %s", (_, over, expected) => {
    expect(mapChargeStatus(charge(over))).toBe(expected)
  })
})

describe("mapRefundStatus", () => {
  it.each<[unknown, string]>([
    ["succeeded", "succeeded"],
    ["failed", "failed"],
    ["pending", "pending"],
    ["SUCCEEDED", "pending"],
    ["", "pending"],
    [null, "pending"],
  ])("%j -> %s", (status, expected) => {
    expect(mapRefundStatus(status)).toBe(expected)
  })
})

describe("toPaymentSnapshot", () => {
  it("an authorization, whole object", () => {
    const wire = charge({ warning_message: "check the address" })
    expect(toPaymentSnapshot(wire)).toStrictEqual({
      paymentRef: "CH1",
      status: "authorized",
      currency: "usd",
      amountAuthorized: 1000,
      amountCaptured: 0,
      amountRefunded: 0,
      amountCapturable: 1000,
      declineCode: undefined,
      message: "check the address",
      raw: wire,
    })
  })

  it("a partial capture, partly refunded", () => {
    const wire = charge({ captured: true, amount_captured: 600, amount_refunded: 100 })
    expect(toPaymentSnapshot(wire)).toStrictEqual({
      paymentRef: "CH1",
      status: "partially_captured",
      currency: "usd",
      amountAuthorized: 1000,
      amountCaptured: 600,
      amountRefunded: 100,
      amountCapturable: 0,
      declineCode: undefined,
      message: undefined,
      raw: wire,
    })
  })

  it("never reports more refunded than captured, nor a refund without a capture", () => {
    expect(toPaymentSnapshot(charge({ captured: true, amount_captured: 600, amount_refunded: 700 }))).toMatchObject({ amountRefunded: 600 })
    expect(toPaymentSnapshot(charge({ captured: true, amount_captured: 600, amount_refunded: undefined }))).toMatchObject({ amountRefunded: 0 })
    expect(toPaymentSnapshot(charge({ amount_refunded: 1000 }))).toMatchObject({ status: "canceled", amountRefunded: 0, amountCapturable: 0 })
    expect(toPaymentSnapshot(charge({ amount_refunded: 300 }))).toMatchObject({ status: "authorized", amountRefunded: 0, amountCapturable: 1000 })
  })

  it("a failed charge authorized nothing and says why; the failure message wins over a warning", () => {
    const wire = charge({ status: "failed", paid: false, failure_code: "card_declined", failure_message: "Declined", warning_message: "w" })
    expect(toPaymentSnapshot(wire)).toMatchObject({
      status: "failed",
      amountAuthorized: 0,
      amountCapturable: 0,
      declineCode: "card_declined",
      message: "Declined",
    })
    expect(toPaymentSnapshot(charge({ status: "failed", failure_code: null }))).toMatchObject({ declineCode: undefined, message: undefined })
    expect(toPaymentSnapshot(charge({ failure_code: "card_declined" }))).toMatchObject({ declineCode: undefined })
  })
})

describe("toCaptureResult", () => {
  it("a captured charge, whole object", () => {
    const wire = charge({ captured: true, amount_captured: 600, ref_num: "R1", auth_code: "A1" })
    expect(toCaptureResult(wire, 500)).toStrictEqual({
      gatewayCaptureId: "CH1:capture",
      gatewayTransactionId: "R1",
      token: "A1",
      currency: "usd",
      raw: wire,
      status: "succeeded",
      amount: 600,
    })
  })

  it("not captured yet: pending at what was asked, else at the charge's amount", () => {
    const wire = charge()
    expect(toCaptureResult(wire, 500)).toStrictEqual({
      gatewayCaptureId: "CH1:capture",
      gatewayTransactionId: undefined,
      token: undefined,
      currency: "usd",
      raw: wire,
      status: "pending",
      amount: 500,
    })
    expect(toCaptureResult(wire)).toMatchObject({ status: "pending", amount: 1000 })
  })

  it("a failed charge", () => {
    const wire = charge({ status: "failed", failure_code: "card_declined", failure_message: "no" })
    expect(toCaptureResult(wire, 500)).toStrictEqual({
      gatewayCaptureId: "CH1:capture",
      gatewayTransactionId: undefined,
      token: undefined,
      currency: "usd",
      raw: wire,
      status: "failed",
      amount: 500,
      errorCode: "card_declined",
      message: "no",
    })
    expect(toCaptureResult(charge({ status: "failed", failure_code: null, failure_message: null }))).toMatchObject({
      status: "failed",
      amount: 1000,
      errorCode: undefined,
      message: undefined,
    })
  })
})

describe("toRefundResult", () => {
  it("whole object", () => {
    const wire = refund({ failure_reason: "ignored when not failed" })
    expect(toRefundResult(wire)).toStrictEqual({
      status: "succeeded",
      gatewayRefundId: "RF1",
      amount: 200,
      currency: "usd",
      errorCode: undefined,
      raw: wire,
    })
  })

  it("a failed refund says why", () => {
    expect(toRefundResult(refund({ status: "failed", failure_reason: "expired_card" }))).toMatchObject({ status: "failed", errorCode: "expired_card" })
    expect(toRefundResult(refund({ status: "failed", failure_reason: null }))).toMatchObject({ status: "failed", errorCode: undefined })
  })
})

describe("declines", () => {
  const raw = {
    error: {
      type: "card_error",
      code: "card_declined",
      decline_code: "insufficient_funds",
      message: "Declined.",
      param: "source",
      charge: "CHX",
      doc_url: "https://docs/x",
    },
    http_status: 402,
  }

  it("isDecline: only a card_error", () => {
    expect(isDecline(cardError())).toBe(true)
    expect(isDecline(cardError({ type: "api_error" }))).toBe(false)
    expect(isDecline(new GatewayError({ type: "card_error", message: "x" }))).toBe(true)
    expect(isDecline({ type: "card_error" })).toBe(false)
    expect(isDecline(null)).toBe(false)
  })

  it("a declined capture, whole object", () => {
    expect(declinedCapture(cardError(), { amount: 500, currency: "USD", chargeId: "CH1" })).toStrictEqual({
      status: "failed",
      amount: 500,
      currency: "usd",
      errorCode: "card_declined",
      declineCode: "insufficient_funds",
      message: "Declined.",
      raw,
      gatewayCaptureId: "CHX:capture",
    })
    expect(declinedCapture(cardError({ charge: undefined, code: undefined }), { amount: 500, currency: "USD", chargeId: "CH1" })).toMatchObject({
      gatewayCaptureId: "CH1:capture",
      errorCode: "card_declined",
    })
    expect(declinedCapture(cardError({ code: "expired_card" }), { amount: 1, currency: "usd", chargeId: "CH1" })).toMatchObject({ errorCode: "expired_card" })
  })

  it("a declined refund, whole object", () => {
    expect(declinedRefund(cardError(), { amount: 200, currency: "USD" })).toStrictEqual({
      status: "failed",
      amount: 200,
      currency: "usd",
      errorCode: "card_declined",
      declineCode: "insufficient_funds",
      message: "Declined.",
      raw,
    })
  })

  it("a declined authorization, whole object", () => {
    expect(declinedAuthorization(cardError(), { amount: 200, currency: "USD" })).toStrictEqual({
      paymentRef: "CHX",
      status: "failed",
      currency: "usd",
      amountAuthorized: 0,
      amountCaptured: 0,
      amountRefunded: 0,
      amountCapturable: 0,
      declineCode: "insufficient_funds",
      message: "Declined.",
      raw,
    })
    expect(declinedAuthorization(cardError({ charge: undefined, declineCode: undefined }), { amount: 1, currency: "usd" })).toMatchObject({
      paymentRef: "",
      declineCode: "card_declined",
    })
  })
})

describe("toLevel2Wire", () => {
  const thrown = (input: unknown, amount = 1100): unknown => {
    try {
      toLevel2Wire(input as CloverLevel2Input, amount)
    } catch (err) {
      return err
    }
    return undefined
  }

  it("builds exactly Clover's fields, nothing else", () => {
    expect(
      toLevel2Wire(
        {
          tax_amount: 82,
          discount_amount: 25,
          freight_amount: 500,
          duty_amount: 0,
          purchase_identifier: "P1",
          pc_order_number: "PO-1",
          destination_postal_code: "94105",
          shipping_from_postal_code: "10001",
          merchant_tax_id: "T1",
          product_description: "Widgets",
          destination_country_code: 840,
        },
        1100
      )
    ).toStrictEqual({
      tax_amount: 82,
      discount_amount: 25,
      freight_amount: 500,
      duty_amount: 0,
      purchase_identifier: "P1",
      pc_order_number: "PO-1",
      destination_postal_code: "94105",
      shipping_from_postal_code: "10001",
      merchant_tax_id: "T1",
      product_description: "Widgets",
      destination_country_code: 840,
      tax_indicator: 1,
    })
  })

  it("an empty input gives an empty level2", () => {
    expect(toLevel2Wire({}, 1100)).toStrictEqual({})
  })

  it.each<[number, number, number]>([
    [1100, 0.1, 100],
    [1000, 0.0825, 76],
    [1083, 0.0825, 83],
    [1000, 0, 0],
    [0, 0.5, 0],
    [1, 0.99, 0],
    [3, 0.5, 1],
  ])("tax of %i at rate %d is %i", (amount, rate, tax) => {
    expect(toLevel2Wire({ tax_rate: rate, pc_order_number: "PO" }, amount)).toStrictEqual({ tax_amount: tax, tax_indicator: 1, pc_order_number: "PO" })
  })

  it("an explicit tax amount wins over the rate", () => {
    expect(toLevel2Wire({ tax_amount: 5, tax_rate: 0.5, pc_order_number: "PO" }, 1100)).toStrictEqual({ tax_amount: 5, tax_indicator: 1, pc_order_number: "PO" })
  })

  it("tax equal to the amount is fine, one more is not", () => {
    expect(toLevel2Wire({ tax_amount: 1100, pc_order_number: "PO" }, 1100)).toMatchObject({ tax_amount: 1100 })
    expect(thrown({ tax_amount: 1101, pc_order_number: "PO" })).toMatchObject({
      type: "invalid_request_error",
      code: "parameter_invalid",
      param: "level2.tax_amount",
      message: "level2.tax_amount (1101) exceeds the amount (1100).",
    })
  })

  it("tax indicator: explicit, exempt, or 1 with a tax amount", () => {
    expect(toLevel2Wire({ tax_indicator: 0 }, 1)).toStrictEqual({ tax_indicator: 0 })
    expect(toLevel2Wire({ tax_indicator: 2 }, 1)).toStrictEqual({ tax_indicator: 2 })
    expect(toLevel2Wire({ tax_indicator: 1 }, 1)).toStrictEqual({ tax_indicator: 1 })
    expect(toLevel2Wire({ tax_exempt: true, tax_indicator: 0 }, 1)).toStrictEqual({ tax_indicator: 2 })
    expect(toLevel2Wire({ tax_exempt: false, tax_indicator: 0 }, 1)).toStrictEqual({ tax_indicator: 0 })
    expect(toLevel2Wire({ tax_exempt: false }, 1)).toStrictEqual({})
    expect(toLevel2Wire({ tax_amount: 0, tax_indicator: 0, pc_order_number: "PO" }, 1)).toStrictEqual({ tax_amount: 0, tax_indicator: 0, pc_order_number: "PO" })
  })

  it("country codes 1 to 999", () => {
    expect(toLevel2Wire({ destination_country_code: 1 }, 1)).toStrictEqual({ destination_country_code: 1 })
    expect(toLevel2Wire({ destination_country_code: 999 }, 1)).toStrictEqual({ destination_country_code: 999 })
  })

  it("split_shipment is no Level 2 field (Clover puts it at the top of the capture call): left out", () => {
    expect(toLevel2Wire({ split_shipment: "1/2" } as never, 1)).toStrictEqual({})
  })

  const invalid = (param: string, message: string, code = "parameter_invalid") => ({ type: "invalid_request_error", code, param, message })

  it.each<[string, unknown, ReturnType<typeof invalid>]>([
    ["not an object", "x", invalid("level2", "level2 must be an object.")],
    ["an array", [], invalid("level2", "level2 must be an object.")],
    ["null", null, invalid("level2", "level2 must be an object.")],
    ["fractional discount", { discount_amount: 1.5 }, invalid("level2.discount_amount", "level2.discount_amount must be an integer number of minor units >= 0.")],
    ["negative duty", { duty_amount: -1 }, invalid("level2.duty_amount", "level2.duty_amount must be an integer number of minor units >= 0.")],
    ["string freight", { freight_amount: "5" }, invalid("level2.freight_amount", "level2.freight_amount must be an integer number of minor units >= 0.")],
    ["negative rate", { tax_rate: -0.01 }, invalid("level2.tax_rate", "level2.tax_rate is a fraction between 0 and 1 (0.0825 for 8.25 %).")],
    ["rate of 1", { tax_rate: 1 }, invalid("level2.tax_rate", "level2.tax_rate is a fraction between 0 and 1 (0.0825 for 8.25 %).")],
    ["rate NaN", { tax_rate: NaN }, invalid("level2.tax_rate", "level2.tax_rate is a fraction between 0 and 1 (0.0825 for 8.25 %).")],
    ["rate as a string", { tax_rate: "0.1" }, invalid("level2.tax_rate", "level2.tax_rate is a fraction between 0 and 1 (0.0825 for 8.25 %).")],
    ["tax without an order number", { tax_amount: 0 }, invalid("level2.pc_order_number", "level2.pc_order_number is required with a tax amount.", "parameter_missing")],
    ["empty text", { merchant_tax_id: "" }, invalid("level2.merchant_tax_id", "level2.merchant_tax_id must be a non-empty string.")],
    ["blank text", { product_description: "  " }, invalid("level2.product_description", "level2.product_description must be a non-empty string.")],
    ["number as text", { destination_postal_code: 94105 }, invalid("level2.destination_postal_code", "level2.destination_postal_code must be a non-empty string.")],
    ["country 0", { destination_country_code: 0 }, invalid("level2.destination_country_code", "level2.destination_country_code is a 3-digit numeric country code.")],
    ["country 1000", { destination_country_code: 1000 }, invalid("level2.destination_country_code", "level2.destination_country_code is a 3-digit numeric country code.")],
    ["country fractional", { destination_country_code: 84.5 }, invalid("level2.destination_country_code", "level2.destination_country_code is a 3-digit numeric country code.")],
    ["indicator 3", { tax_indicator: 3 }, invalid("level2.tax_indicator", "level2.tax_indicator must be 0, 1 or 2.")],
    ["indicator as a string", { tax_indicator: "1" }, invalid("level2.tax_indicator", "level2.tax_indicator must be 0, 1 or 2.")],
    ["indicator null", { tax_indicator: null }, invalid("level2.tax_indicator", "level2.tax_indicator must be 0, 1 or 2.")],
  ])("rejects %s", (_, input, expected) => {
    const err = thrown(input)
    expect(err).toBeInstanceOf(CloverApiError)
    expect(err).toMatchObject({ ...expected, retryable: false, outcomeUnknown: false })
  })
})

describe("shape checks", () => {
  it.each<[string, unknown, boolean]>([
    ["a charge", charge(), true],
    ["a minimal charge", { id: "C", currency: "usd", status: "x", amount: 0 }, true],
    ["empty id", { ...charge(), id: "" }, false],
    ["numeric id", { ...charge(), id: 1 }, false],
    ["no currency", { ...charge(), currency: undefined }, false],
    ["no status", { ...charge(), status: undefined }, false],
    ["negative amount", { ...charge(), amount: -1 }, false],
    ["fractional amount_captured", { ...charge(), amount_captured: 1.5 }, false],
    ["negative amount_refunded", { ...charge(), amount_refunded: -1 }, false],
    ["captured as string", { ...charge(), captured: "true" }, false],
    ["captured true", { ...charge(), captured: true }, true],
    ["null", null, false],
    ["an array", [charge()], false],
  ])("isChargeWire: %s", (_, value, expected) => {
    expect(isChargeWire(value)).toBe(expected)
  })

  it.each<[string, unknown, boolean]>([
    ["a refund", refund(), true],
    ["empty id", { ...refund(), id: "" }, false],
    ["no id", { ...refund(), id: undefined }, false],
    ["no charge", { ...refund(), charge: 5 }, false],
    ["no currency (Clover's documented refund object has none)", { ...refund(), currency: undefined }, true],
    ["a currency that is not text", { ...refund(), currency: 840 }, false],
    ["no status", { ...refund(), status: undefined }, false],
    ["fractional amount", { ...refund(), amount: 0.5 }, false],
    ["negative amount", { ...refund(), amount: -1 }, false],
    ["zero amount", { ...refund(), amount: 0 }, true],
    ["null", null, false],
  ])("isRefundWire: %s", (_, value, expected) => {
    expect(isRefundWire(value)).toBe(expected)
  })

  it("isListOf", () => {
    const isRefunds = isListOf(isRefundWire)
    expect(isRefunds({ data: [refund()] })).toBe(true)
    expect(isRefunds({ data: [] })).toBe(true)
    expect(isRefunds({ data: [refund(), {}] })).toBe(false)
    expect(isRefunds({ data: refund() })).toBe(false)
    expect(isRefunds([refund()])).toBe(false)
    expect(isRefunds(null)).toBe(false)
  })
})
