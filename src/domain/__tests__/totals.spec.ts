import { InvalidMoneyError } from "../errors"
import type { CaptureStatus, RefundStatus } from "../status"
import {
  captureRefundBalance,
  derivePaymentTotals,
  type LedgerCapture,
  type LedgerRefund,
  type PaymentTotals,
} from "../totals"

const refund = (status: RefundStatus, amount: number): LedgerRefund => ({ status, amount })
const capture = (status: CaptureStatus, amount: number, refunds: LedgerRefund[] = []): LedgerCapture => ({
  status,
  amount,
  refunds,
})

type TotalsCase = {
  name: string
  authorized: number
  canceled?: boolean
  captures: LedgerCapture[]
  expected: Omit<PaymentTotals, "authorized">
}

const CASES: TotalsCase[] = [
  {
    name: "no captures",
    authorized: 10_000,
    captures: [],
    expected: { captured: 0, pending: 0, refunded: 0, refund_pending: 0, capturable: 10_000, not_owed: 0, refundable: 0 },
  },
  {
    name: "one succeeded capture",
    authorized: 10_000,
    captures: [capture("succeeded", 4_000)],
    expected: { captured: 4_000, pending: 0, refunded: 0, refund_pending: 0, capturable: 6_000, not_owed: 0, refundable: 4_000 },
  },
  {
    name: "fully captured",
    authorized: 10_000,
    captures: [capture("succeeded", 10_000)],
    expected: { captured: 10_000, pending: 0, refunded: 0, refund_pending: 0, capturable: 0, not_owed: 0, refundable: 10_000 },
  },
  {
    name: "mixed succeeded / requested / pending / failed captures",
    authorized: 10_000,
    captures: [
      capture("succeeded", 3_000),
      capture("requested", 1_000),
      capture("pending", 1_500),
      capture("failed", 2_000),
      capture("succeeded", 500),
    ],
    expected: { captured: 3_500, pending: 2_500, refunded: 0, refund_pending: 0, capturable: 4_000, not_owed: 0, refundable: 3_500 },
  },
  {
    name: "partial refunds with a pending refund",
    authorized: 10_000,
    captures: [
      capture("succeeded", 6_000, [
        refund("succeeded", 1_000),
        refund("pending", 500),
        refund("requested", 250),
        refund("failed", 4_000),
      ]),
      capture("succeeded", 2_000, [refund("succeeded", 2_000)]),
    ],
    expected: {
      captured: 8_000,
      pending: 0,
      refunded: 3_000,
      refund_pending: 750,
      capturable: 2_000,
      not_owed: 0,
      refundable: 4_250,
    },
  },
  {
    name: "refunds of captures that have not succeeded are ignored",
    authorized: 10_000,
    captures: [capture("pending", 1_000, [refund("succeeded", 1_000)]), capture("failed", 2_000, [refund("pending", 500)])],
    expected: { captured: 0, pending: 1_000, refunded: 0, refund_pending: 0, capturable: 9_000, not_owed: 0, refundable: 0 },
  },
  {
    name: "canceled authorization with nothing captured",
    authorized: 10_000,
    canceled: true,
    captures: [],
    expected: { captured: 0, pending: 0, refunded: 0, refund_pending: 0, capturable: 0, not_owed: 0, refundable: 0 },
  },
  {
    name: "canceled authorization after a partial capture stays refundable",
    authorized: 10_000,
    canceled: true,
    captures: [capture("succeeded", 4_000, [refund("succeeded", 1_000)])],
    expected: { captured: 4_000, pending: 0, refunded: 1_000, refund_pending: 0, capturable: 0, not_owed: 0, refundable: 3_000 },
  },
  {
    name: "canceled: false behaves like omitted",
    authorized: 10_000,
    canceled: false,
    captures: [capture("succeeded", 4_000)],
    expected: { captured: 4_000, pending: 0, refunded: 0, refund_pending: 0, capturable: 6_000, not_owed: 0, refundable: 4_000 },
  },
  {
    name: "over-refund never makes refundable negative",
    authorized: 10_000,
    captures: [capture("succeeded", 1_000, [refund("succeeded", 800), refund("pending", 700)])],
    expected: { captured: 1_000, pending: 0, refunded: 800, refund_pending: 700, capturable: 9_000, not_owed: 0, refundable: 0 },
  },
  {
    name: "over-capture never makes capturable negative",
    authorized: 1_000,
    captures: [capture("succeeded", 900), capture("pending", 300)],
    expected: { captured: 900, pending: 300, refunded: 0, refund_pending: 0, capturable: 0, not_owed: 0, refundable: 900 },
  },
  {
    name: "zero authorization",
    authorized: 0,
    captures: [],
    expected: { captured: 0, pending: 0, refunded: 0, refund_pending: 0, capturable: 0, not_owed: 0, refundable: 0 },
  },
]

describe("derivePaymentTotals", () => {
  it.each(CASES)("$name", ({ authorized, canceled, captures, expected }) => {
    expect(derivePaymentTotals({ authorized, canceled, captures })).toEqual({ authorized, ...expected })
  })

  it("does not mutate its input", () => {
    const captures = [capture("succeeded", 1_000, [refund("pending", 100)])]
    const snapshot = JSON.parse(JSON.stringify(captures))
    derivePaymentTotals({ authorized: 5_000, captures })
    expect(captures).toEqual(snapshot)
  })

  it.each([
    ["negative authorized", { authorized: -1, captures: [] }, "authorized"],
    ["fractional authorized", { authorized: 1.5, captures: [] }, "authorized"],
    ["NaN capture amount", { authorized: 100, captures: [capture("pending", NaN)] }, "captures[0].amount"],
    [
      "negative refund amount",
      { authorized: 100, captures: [capture("succeeded", 50), capture("succeeded", 50, [refund("succeeded", -5)])] },
      "captures[1].refunds[0].amount",
    ],
  ])("rejects corrupt ledger data: %s", (_label, input, field) => {
    expect(() => derivePaymentTotals(input)).toThrow(InvalidMoneyError)
    expect(() => derivePaymentTotals(input)).toThrow(expect.objectContaining({ code: "invalid_amount", field }))
  })
})

describe("captureRefundBalance", () => {
  it.each([
    ["succeeded, no refunds", capture("succeeded", 1_000), 1_000],
    ["succeeded, partially refunded", capture("succeeded", 1_000, [refund("succeeded", 300)]), 700],
    [
      "succeeded, in-flight refunds are reserved",
      capture("succeeded", 1_000, [refund("succeeded", 300), refund("requested", 200), refund("pending", 100)]),
      400,
    ],
    ["succeeded, failed refunds are ignored", capture("succeeded", 1_000, [refund("failed", 900)]), 1_000],
    ["succeeded, fully refunded", capture("succeeded", 1_000, [refund("succeeded", 1_000)]), 0],
    ["succeeded, over-refunded clamps to 0", capture("succeeded", 1_000, [refund("succeeded", 1_200)]), 0],
    ["requested capture", capture("requested", 1_000), 0],
    ["pending capture", capture("pending", 1_000), 0],
    ["failed capture", capture("failed", 1_000, [refund("succeeded", 100)]), 0],
  ])("%s -> %i", (_label, ledgerCapture, expected) => {
    expect(captureRefundBalance(ledgerCapture)).toBe(expected)
  })

  it("sums per capture to the payment's refundable when nothing is over-refunded", () => {
    const captures = [
      capture("succeeded", 6_000, [refund("succeeded", 1_000), refund("pending", 500)]),
      capture("succeeded", 2_000, [refund("requested", 2_000)]),
      capture("pending", 1_000),
    ]
    const sum = captures.reduce((total, c) => total + captureRefundBalance(c), 0)
    expect(sum).toBe(derivePaymentTotals({ authorized: 10_000, captures }).refundable)
  })
})
