import { randomFillSync } from "crypto"
import {
  canReconcile,
  canRefund,
  canRetry,
  capturablePayment,
  errorMessage,
  formatTotal,
  newIdempotencyKey,
  parseAmountInput,
  statusColor,
  visibleTotalCells,
} from "../view"
import type { CaptureView, PaymentSummaryView, TotalsView } from "../types"

const capture = (over: Partial<CaptureView>): CaptureView => ({
  id: "cap_1",
  number: "1",
  payment_id: "pay_1",
  provider_id: "captures-sandbox",
  status: "succeeded",
  currency_code: "eur",
  amount: 2500,
  formatted_amount: "€25.00",
  refunded_amount: 0,
  formatted_refunded_amount: "€0.00",
  refund_balance: 2500,
  formatted_refund_balance: "€25.00",
  gateway_capture_id: "sbx_cap_1",
  gateway_transaction_id: null,
  message: null,
  decline_code: null,
  fulfillment_id: null,
  created_at: "2026-12-03T00:00:00.000Z",
  ...over,
})

const totals = (over: Partial<TotalsView>): TotalsView => ({
  authorized: 11000,
  captured: 0,
  pending: 0,
  refunded: 0,
  refund_pending: 0,
  capturable: 11000,
  not_owed: 0,
  refundable: 0,
  ...over,
})

describe("capture actions", () => {
  it("offers a refund only on a succeeded capture with a balance left", () => {
    expect(canRefund(capture({}))).toBe(true)
    expect(canRefund(capture({ refund_balance: 0 }))).toBe(false)
    expect(canRefund(capture({ status: "pending" }))).toBe(false)
    expect(canRefund(capture({ status: "failed", refund_balance: 0 }))).toBe(false)
  })

  it("offers reconcile for unsettled captures and retry for failed ones", () => {
    expect(canReconcile(capture({ status: "requested" }))).toBe(true)
    expect(canReconcile(capture({ status: "pending" }))).toBe(true)
    expect(canReconcile(capture({ status: "succeeded" }))).toBe(false)
    expect(canRetry(capture({ status: "failed" }))).toBe(true)
    expect(canRetry(capture({ status: "succeeded" }))).toBe(false)
  })

  it("colours statuses the way Medusa's admin does (green done, orange waiting, red failed)", () => {
    expect(statusColor("succeeded")).toBe("green")
    expect(statusColor("pending")).toBe("orange")
    expect(statusColor("requested")).toBe("orange")
    expect(statusColor("failed")).toBe("red")
  })
})

describe("parseAmountInput", () => {
  it("turns major units into minor units by the currency's exponent", () => {
    expect(parseAmountInput("25.50", "eur", 11000)).toEqual({ ok: true, amount: 2550 })
    expect(parseAmountInput("25,5", "eur", 11000)).toEqual({ ok: true, amount: 2550 })
    expect(parseAmountInput(" 1500 ", "jpy", 3000)).toEqual({ ok: true, amount: 1500 })
    expect(parseAmountInput("1.234", "kwd", 5000)).toEqual({ ok: true, amount: 1234 })
  })

  it("means everything left when empty, and refuses when nothing is left", () => {
    expect(parseAmountInput("", "eur", 500)).toEqual({ ok: true, amount: undefined })
    expect(parseAmountInput("  ", "eur", 0)).toEqual({ ok: false, error: "Nothing left to take." })
  })

  it("refuses what the API would refuse, saying why", () => {
    expect(parseAmountInput("abc", "eur", 500)).toEqual({
      ok: false,
      error: 'Amount must be a decimal string like "12.34", got "abc"',
    })
    expect(parseAmountInput("1.5", "jpy", 500)).toEqual({
      ok: false,
      error: 'Amount has more than 0 decimal place(s) for JPY: "1.5"',
    })
    expect(parseAmountInput("0", "eur", 500)).toEqual({ ok: false, error: "Amount must be greater than 0." })
    expect(parseAmountInput("-5", "eur", 500)).toEqual({ ok: false, error: "Amount must be greater than 0." })
    expect(parseAmountInput("5.01", "eur", 500)).toEqual({
      ok: false,
      error: "Amount exceeds the €5.00 available.",
    })
  })
})

describe("capturablePayment", () => {
  it("picks the first payment with something left to capture", () => {
    const payments: PaymentSummaryView[] = [
      { payment_id: "pay_a", provider_id: "clover", currency_code: "usd", totals: totals({ capturable: 0 }) },
      { payment_id: "pay_b", provider_id: "mollie", currency_code: "eur", totals: totals({}) },
    ]
    expect(capturablePayment(payments)?.payment_id).toBe("pay_b")
    expect(capturablePayment([payments[0]])).toBeUndefined()
  })
})

describe("formatTotal", () => {
  it("formats with the currency's own decimals", () => {
    expect(formatTotal(totals({}), "authorized", "eur")).toBe("€110.00")
    expect(formatTotal(totals({ authorized: 1500 }), "authorized", "jpy")).toBe("¥1,500")
    expect(formatTotal(totals({}), "captured", undefined)).toBe("0")
  })
})

describe("errorMessage", () => {
  it("shows Medusa's message from the response body", () => {
    const declined = {
      response: {
        status: 422,
        data: { type: "payment_authorization_error", message: "Capture cap_1 was declined by the gateway: Your card has insufficient funds. (decline_code: insufficient_funds)" },
      },
    }
    expect(errorMessage(declined)).toMatch(/declined by the gateway: Your card has insufficient funds/)
  })

  it("falls back to the status, then to the error's own message", () => {
    expect(errorMessage({ response: { status: 502, data: "<html>" } })).toBe("The server answered 502.")
    expect(errorMessage(new Error("Network Error"))).toBe("Network Error")
    expect(errorMessage(undefined)).toBe("The request failed.")
  })
})

describe("newIdempotencyKey", () => {
  it("is a prefixed 128-bit random hex key, different each time", () => {
    const a = newIdempotencyKey("admin-capture", (b) => randomFillSync(b))
    const b = newIdempotencyKey("admin-capture", (b) => randomFillSync(b))
    expect(a).toMatch(/^admin-capture-[0-9a-f]{32}$/)
    expect(a).not.toBe(b)
  })
})

describe("visibleTotalCells", () => {
  it("shows the authorization beyond what an edited order owes only when there is some", () => {
    const keys = (over: Partial<TotalsView>) => visibleTotalCells(totals(over)).map((c) => c.key)
    expect(keys({})).toEqual(["authorized", "captured", "pending", "refunded", "capturable", "refundable"])
    expect(keys({ not_owed: 10000 })).toEqual(["authorized", "captured", "pending", "refunded", "capturable", "refundable", "not_owed"])
  })
})
