import type { PaymentTotals } from "../../domain"
import type { Capture } from "../../models/capture"
import type { CaptureEvent } from "../../models/capture-event"
import type { CaptureRefund } from "../../models/capture-refund"
import { serializeCapture, serializeEvent, serializeRefund, serializeTotals } from "../serializers"

/**
 * The amount fields come from a helper with computed keys, so TypeScript types them as an
 * index signature that the spread drops: read them through a plain record.
 */
const fields = (value: object) => value as Record<string, unknown>

const created = new Date("2024-03-01T10:00:00.000Z")

function makeCapture(over: Partial<Capture> = {}): Capture {
  return {
    id: "cap_01",
    number: 42,
    payment_id: "pay_01",
    order_id: "order_01",
    provider_id: "sandbox",
    mode: "test",
    status: "succeeded",
    amount: 2500,
    currency_code: "eur",
    refunded_amount: 0,
    description: null,
    reference: null,
    reference_origin: null,
    metadata: null,
    gateway_capture_id: "gw_cap_1",
    gateway_transaction_id: null,
    token: null,
    message: null,
    error_code: null,
    error_detail: null,
    decline_code: null,
    fulfillment_id: null,
    idempotency_key: "idem_1",
    request_hash: "0".repeat(64),
    captured_at: created,
    created_at: created,
    updated_at: created,
    ...over,
  } as unknown as Capture
}

function makeRefund(over: Partial<CaptureRefund> = {}): CaptureRefund {
  return {
    id: "capref_01",
    capture_id: "cap_01",
    payment_id: "pay_01",
    status: "succeeded",
    amount: 500,
    currency_code: "eur",
    gateway_refund_id: "gw_re_1",
    reason: "return",
    note: null,
    metadata: null,
    message: null,
    error_code: null,
    error_detail: null,
    decline_code: null,
    medusa_refund_id: null,
    idempotency_key: "idem_r1",
    request_hash: "0".repeat(64),
    refunded_at: created,
    created_at: created,
    updated_at: created,
    ...over,
  } as unknown as CaptureRefund
}

function makeEvent(over: Partial<CaptureEvent> = {}): CaptureEvent {
  return {
    id: "capevt_01",
    capture_id: "cap_01",
    refund_id: null,
    type: "capture.succeeded",
    actor_type: "admin",
    actor_id: "usr_1",
    data: { amount: 2500 },
    created_at: created,
    ...over,
  } as unknown as CaptureEvent
}

describe("serializeCapture", () => {
  it.each<[string, number, number, string]>([
    ["eur", 2500, 25, "€25.00"],
    ["EUR", 2500, 25, "€25.00"],
    ["eur", 1, 0.01, "€0.01"],
    ["usd", 123456, 1234.56, "$1,234.56"],
    ["jpy", 1500, 1500, "¥1,500"],
    ["JPY", 1500, 1500, "¥1,500"],
    ["kwd", 1234, 1.234, "KWD\u00a01.234"],
    ["bhd", 1, 0.001, "BHD\u00a00.001"],
  ])("%s %i → amount_float %d, formatted_amount %s", (currency, amount, float, formatted) => {
    const out = fields(serializeCapture(makeCapture({ currency_code: currency, amount })))
    expect(out.amount).toBe(amount)
    expect(out.amount_float).toBe(float)
    // ICU puts a no-break space between an ISO code and the number.
    expect(out.formatted_amount).toBe(formatted)
    // The currency is echoed as stored.
    expect(out.currency_code).toBe(currency)
  })

  it("formats refunded_amount and refund_balance in the capture's currency", () => {
    const out = serializeCapture(
      makeCapture({
        currency_code: "jpy",
        amount: 1500,
        refunded_amount: 500,
        refunds: [makeRefund({ amount: 500, currency_code: "jpy" })],
      })
    )
    expect(out).toMatchObject({
      refunded_amount: 500,
      refunded_amount_float: 500,
      formatted_refunded_amount: "¥500",
      refund_balance: 1000,
      refund_balance_float: 1000,
      formatted_refund_balance: "¥1,000",
    })
  })

  describe("refund_balance", () => {
    it.each<[string, Partial<Capture>, number]>([
      ["no refunds", { refunds: [] }, 2500],
      ["refunds not loaded", {}, 2500],
      ["a succeeded refund counts", { refunds: [makeRefund({ status: "succeeded", amount: 500 })] }, 2000],
      ["a requested refund counts (in flight)", { refunds: [makeRefund({ status: "requested", amount: 700 })] }, 1800],
      ["a pending refund counts (in flight)", { refunds: [makeRefund({ status: "pending", amount: 300 })] }, 2200],
      ["a failed refund does not count", { refunds: [makeRefund({ status: "failed", amount: 2500 })] }, 2500],
      [
        "a mix",
        {
          refunds: [
            makeRefund({ id: "r1", status: "succeeded", amount: 500 }),
            makeRefund({ id: "r2", status: "requested", amount: 250 }),
            makeRefund({ id: "r3", status: "failed", amount: 1000 }),
            makeRefund({ id: "r4", status: "pending", amount: 100 }),
          ],
        },
        1650,
      ],
      ["fully refunded", { refunds: [makeRefund({ amount: 2500 })] }, 0],
      ["over-refunded (bad data) clamps at 0", { refunds: [makeRefund({ amount: 2000 }), makeRefund({ amount: 1000 })] }, 0],
      ["a requested capture has nothing to refund", { status: "requested" }, 0],
      ["a pending capture has nothing to refund", { status: "pending" }, 0],
      ["a failed capture has nothing to refund", { status: "failed" }, 0],
    ])("%s → %i", (_name, over, balance) => {
      const out = fields(serializeCapture(makeCapture(over)))
      expect(out.refund_balance).toBe(balance)
      expect(out.refund_balance_float).toBe(balance / 100)
      expect(out.formatted_refund_balance).toBe(`€${(balance / 100).toFixed(2)}`)
    })
  })

  it.each<[Capture["status"], boolean]>([
    ["succeeded", true],
    ["requested", false],
    ["pending", false],
    ["failed", false],
  ])("status %s → succeeded %p", (status, succeeded) => {
    const out = serializeCapture(makeCapture({ status }))
    expect(out.status).toBe(status)
    expect(out.succeeded).toBe(succeeded)
  })

  it.each([1, 42, 1000000])("number %i is serialized as a string", (number) => {
    expect(serializeCapture(makeCapture({ number })).number).toBe(String(number))
  })

  it("passes the other columns through and tags the object", () => {
    const capture = makeCapture({
      description: "first box",
      reference: "INV-1",
      reference_origin: "erp",
      metadata: { a: 1 },
      gateway_transaction_id: "txn_1",
      token: "tok_1",
      message: "ok",
      fulfillment_id: "ful_1",
    })
    expect(serializeCapture(capture)).toMatchObject({
      id: "cap_01",
      object: "capture",
      payment_id: "pay_01",
      order_id: "order_01",
      provider_id: "sandbox",
      mode: "test",
      description: "first box",
      reference: "INV-1",
      reference_origin: "erp",
      metadata: { a: 1 },
      gateway_capture_id: "gw_cap_1",
      gateway_transaction_id: "txn_1",
      token: "tok_1",
      message: "ok",
      error_code: null,
      error_detail: null,
      decline_code: null,
      fulfillment_id: "ful_1",
      idempotency_key: "idem_1",
      captured_at: created,
      created_at: created,
      updated_at: created,
    })
  })

  it("never exposes request_hash", () => {
    expect(serializeCapture(makeCapture())).not.toHaveProperty("request_hash")
  })

  describe("expansion", () => {
    const capture = makeCapture({
      refunds: [makeRefund({ id: "r1" }), makeRefund({ id: "r2", status: "failed" })],
      events: [makeEvent({ id: "e1" }), makeEvent({ id: "e2", type: "refund.requested", refund_id: "r1" })],
    })

    it.each<[string, ReadonlyArray<"refunds" | "events">, boolean, boolean]>([
      ["nothing by default", [], false, false],
      ["refunds", ["refunds"], true, false],
      ["events", ["events"], false, true],
      ["both", ["refunds", "events"], true, true],
    ])("%s", (_name, expand, hasRefunds, hasEvents) => {
      const out = serializeCapture(capture, expand)
      expect("refunds" in out).toBe(hasRefunds)
      expect("events" in out).toBe(hasEvents)
    })

    it("includes serialized refunds and events when expanded", () => {
      const out = serializeCapture(capture, ["refunds", "events"]) as ReturnType<typeof serializeCapture> & {
        refunds: unknown[]
        events: unknown[]
      }
      expect(out.refunds).toEqual([serializeRefund(capture.refunds![0]), serializeRefund(capture.refunds![1])])
      expect(out.events).toEqual([serializeEvent(capture.events![0]), serializeEvent(capture.events![1])])
    })

    it("omitting the expand argument is the same as []", () => {
      expect(serializeCapture(capture)).toEqual(serializeCapture(capture, []))
    })

    it.each<["refunds" | "events"]>([["refunds"], ["events"]])("an expanded relation that was not loaded is []", (rel) => {
      const out = serializeCapture(makeCapture(), [rel]) as Record<string, unknown>
      expect(out[rel]).toEqual([])
    })
  })
})

describe("serializeRefund", () => {
  it.each<[CaptureRefund["status"], boolean]>([
    ["succeeded", true],
    ["requested", false],
    ["pending", false],
    ["failed", false],
  ])("status %s → succeeded %p", (status, succeeded) => {
    expect(serializeRefund(makeRefund({ status })).succeeded).toBe(succeeded)
  })

  it("adds float and formatted amounts in the refund's currency", () => {
    expect(serializeRefund(makeRefund({ amount: 1234, currency_code: "kwd" }))).toMatchObject({
      object: "capture_refund",
      amount: 1234,
      amount_float: 1.234,
      formatted_amount: "KWD\u00a01.234",
      currency_code: "kwd",
      reason: "return",
    })
    expect(serializeRefund(makeRefund())).not.toHaveProperty("request_hash")
  })
})

describe("serializeEvent", () => {
  it("keeps the audit fields", () => {
    expect(serializeEvent(makeEvent())).toEqual({
      id: "capevt_01",
      object: "capture_event",
      capture_id: "cap_01",
      refund_id: null,
      type: "capture.succeeded",
      actor_type: "admin",
      actor_id: "usr_1",
      data: { amount: 2500 },
      created_at: created,
    })
  })
})

describe("serializeTotals", () => {
  const totals: PaymentTotals = {
    authorized: 10000,
    captured: 2500,
    pending: 1000,
    refunded: 500,
    refund_pending: 0,
    capturable: 6500,
    not_owed: 0,
    refundable: 2000,
  }

  it("adds formatted_* for every total and the lower-case currency_code", () => {
    expect(serializeTotals(totals, "EUR")).toEqual({
      ...totals,
      currency_code: "eur",
      formatted_authorized: "€100.00",
      formatted_captured: "€25.00",
      formatted_pending: "€10.00",
      formatted_refunded: "€5.00",
      formatted_refund_pending: "€0.00",
      formatted_capturable: "€65.00",
      formatted_not_owed: "€0.00",
      formatted_refundable: "€20.00",
    })
  })

  it.each<[string, string, string]>([
    ["eur", "eur", "€100.00"],
    ["jpy", "jpy", "¥10,000"],
    ["KWD", "kwd", "KWD\u00a010.000"],
  ])("currency %s → currency_code %s, formatted_authorized %s", (currency, code, formatted) => {
    const out = serializeTotals(totals, currency) as Record<string, unknown>
    expect(out.currency_code).toBe(code)
    expect(out.formatted_authorized).toBe(formatted)
  })

  it.each([null, ""])("returns the totals unchanged when the currency is %p", (currency) => {
    expect(serializeTotals(totals, currency)).toBe(totals)
  })
})
