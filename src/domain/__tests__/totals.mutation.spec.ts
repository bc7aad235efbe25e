/**
 * derivePaymentTotals and captureRefundBalance against a reference model written the plain
 * way (filter by status, then sum), plus the exact errors for corrupt ledger rows. Kept apart
 * from totals.spec.ts; see docs/mutation-testing.md.
 */
import fc from "fast-check"
import { InvalidMoneyError } from "../errors"
import type { LedgerStatus } from "../status"
import { captureRefundBalance, derivePaymentTotals, type LedgerCapture } from "../totals"

const STATUSES: LedgerStatus[] = ["requested", "pending", "succeeded", "failed"]
const status = fc.constantFrom(...STATUSES)
const amount = fc.integer({ min: 0, max: 100_000 })
const refunds = fc.array(fc.record({ status, amount }), { maxLength: 4 })
const captures = fc.array(fc.record({ status, amount, refunds }), { maxLength: 5 })

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0)
const inFlight = (s: LedgerStatus) => s === "requested" || s === "pending"

function model(authorized: number, canceled: boolean, cs: LedgerCapture[]) {
  const succeeded = cs.filter((c) => c.status === "succeeded")
  const refundsOfSucceeded = succeeded.flatMap((c) => c.refunds)
  const captured = sum(succeeded.map((c) => c.amount))
  const pending = sum(cs.filter((c) => inFlight(c.status)).map((c) => c.amount))
  const refunded = sum(refundsOfSucceeded.filter((r) => r.status === "succeeded").map((r) => r.amount))
  const refund_pending = sum(refundsOfSucceeded.filter((r) => inFlight(r.status)).map((r) => r.amount))
  const capturable = canceled ? 0 : authorized - captured - pending > 0 ? authorized - captured - pending : 0
  const refundable = captured - refunded - refund_pending > 0 ? captured - refunded - refund_pending : 0
  // Without an order limit nothing authorized is "not owed" (order-limit.spec.ts covers the limit).
  return { authorized, captured, pending, refunded, refund_pending, capturable, not_owed: 0, refundable }
}

describe("derivePaymentTotals matches the reference model", () => {
  it("for any ledger (property)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 500_000 }), fc.boolean(), captures, (authorized, canceled, cs) => {
        expect(derivePaymentTotals({ authorized, canceled, captures: cs })).toStrictEqual(model(authorized, canceled, cs))
      }),
      { numRuns: 300 }
    )
  })

  it("capturable is exactly the headroom: 1 left, 0 left, and over-spent", () => {
    const c = (s: LedgerStatus, a: number): LedgerCapture => ({ status: s, amount: a, refunds: [] })
    expect(derivePaymentTotals({ authorized: 100, captures: [c("succeeded", 60), c("pending", 39)] }).capturable).toBe(1)
    expect(derivePaymentTotals({ authorized: 100, captures: [c("succeeded", 60), c("requested", 40)] }).capturable).toBe(0)
    expect(derivePaymentTotals({ authorized: 100, captures: [c("succeeded", 60), c("requested", 41)] }).capturable).toBe(0)
    expect(derivePaymentTotals({ authorized: 100, captures: [c("failed", 100)] }).capturable).toBe(100)
  })

  it("refundable is exactly what is left: 1 left, 0 left, and over-refunded", () => {
    const c = (...rs: Array<[LedgerStatus, number]>): LedgerCapture => ({
      status: "succeeded",
      amount: 100,
      refunds: rs.map(([s, a]) => ({ status: s, amount: a })),
    })
    expect(derivePaymentTotals({ authorized: 100, captures: [c(["succeeded", 60], ["pending", 39])] }).refundable).toBe(1)
    expect(derivePaymentTotals({ authorized: 100, captures: [c(["succeeded", 60], ["requested", 40])] }).refundable).toBe(0)
    expect(derivePaymentTotals({ authorized: 100, captures: [c(["succeeded", 61], ["requested", 40])] }).refundable).toBe(0)
    expect(derivePaymentTotals({ authorized: 100, captures: [c(["failed", 100])] }).refundable).toBe(100)
  })
})

describe("captureRefundBalance matches the reference model", () => {
  it("for any capture (property)", () => {
    fc.assert(
      fc.property(status, amount, refunds, (s, a, rs) => {
        const expected =
          s !== "succeeded"
            ? 0
            : Math.max(0, a - sum(rs.filter((r) => r.status === "succeeded" || inFlight(r.status)).map((r) => r.amount)))
        expect(captureRefundBalance({ status: s, amount: a, refunds: rs })).toBe(expected)
      }),
      { numRuns: 300 }
    )
  })

  it("is 1 with one unit left and 0 with none", () => {
    expect(captureRefundBalance({ status: "succeeded", amount: 100, refunds: [{ status: "pending", amount: 99 }] })).toBe(1)
    expect(captureRefundBalance({ status: "succeeded", amount: 100, refunds: [{ status: "requested", amount: 100 }] })).toBe(0)
  })
})

describe("corrupt ledger rows", () => {
  function thrown(fn: () => unknown): unknown {
    try {
      fn()
    } catch (error) {
      return error
    }
    return undefined
  }
  const invalid = (field: string, got: string) => ({
    name: "InvalidMoneyError",
    code: "invalid_amount",
    field,
    message: `${field} must be a non-negative integer, got ${got}`,
  })

  it.each<[string, () => unknown, ReturnType<typeof invalid>]>([
    ["negative authorized", () => derivePaymentTotals({ authorized: -1, captures: [] }), invalid("authorized", "-1")],
    ["string authorized", () => derivePaymentTotals({ authorized: "5" as unknown as number, captures: [] }), invalid("authorized", "5")],
    [
      "fractional capture",
      () => derivePaymentTotals({ authorized: 10, captures: [{ status: "failed", amount: 0, refunds: [] }, { status: "failed", amount: 0.5, refunds: [] }] }),
      invalid("captures[1].amount", "0.5"),
    ],
    [
      "unsafe refund",
      () => derivePaymentTotals({ authorized: 10, captures: [{ status: "succeeded", amount: 5, refunds: [{ status: "failed", amount: 2 ** 53 }] }] }),
      invalid("captures[0].refunds[0].amount", "9007199254740992"),
    ],
    ["balance: negative capture", () => captureRefundBalance({ status: "succeeded", amount: -1, refunds: [] }), invalid("amount", "-1")],
    [
      "balance: negative refund",
      () => captureRefundBalance({ status: "succeeded", amount: 1, refunds: [{ status: "succeeded", amount: 0 }, { status: "failed", amount: -2 }] }),
      invalid("refunds[1].amount", "-2"),
    ],
  ])("%s", (_, fn, expected) => {
    const error = thrown(fn)
    expect(error).toBeInstanceOf(InvalidMoneyError)
    expect(error).toMatchObject(expected)
  })

  it("zero amounts are valid ledger rows", () => {
    expect(derivePaymentTotals({ authorized: 0, captures: [{ status: "succeeded", amount: 0, refunds: [{ status: "succeeded", amount: 0 }] }] })).toStrictEqual({
      authorized: 0,
      captured: 0,
      pending: 0,
      refunded: 0,
      refund_pending: 0,
      capturable: 0,
      not_owed: 0,
      refundable: 0,
    })
    expect(captureRefundBalance({ status: "succeeded", amount: 0, refunds: [] })).toBe(0)
  })

  it("a capture that has not succeeded is not checked further: its balance is 0", () => {
    expect(captureRefundBalance({ status: "failed", amount: -1, refunds: [] })).toBe(0)
  })
})
