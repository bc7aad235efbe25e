import fc from "fast-check"
import { derivePaymentTotals, orderStillOwes, type LedgerCapture } from ".."

const captured = (amount: number, refunded = 0): LedgerCapture => ({
  status: "succeeded",
  amount,
  refunds: refunded ? [{ status: "succeeded", amount: refunded }] : [],
})

describe("orderStillOwes", () => {
  it("is the order's total less what its payments captured or have on the way", () => {
    expect(orderStillOwes(11_000, [{ captured: 3_000, pending: 0 }])).toBe(8_000)
    expect(orderStillOwes(11_000, [{ captured: 3_000, pending: 2_000 }])).toBe(6_000)
    expect(orderStillOwes(16_000, [{ captured: 6_000, pending: 0 }, { captured: 3_500, pending: 1_000 }])).toBe(5_500)
    expect(orderStillOwes(11_000, [])).toBe(11_000)
  })

  it("is never negative: an order edited below what was captured owes nothing", () => {
    expect(orderStillOwes(6_000, [{ captured: 7_000, pending: 0 }])).toBe(0)
    expect(orderStillOwes(6_000, [{ captured: 6_000, pending: 1 }])).toBe(0)
    expect(orderStillOwes(6_000, [{ captured: 5_999, pending: 0 }])).toBe(1)
  })

  it("property: never negative, and exactly total − taken while that is positive", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 10_000_000 }),
        fc.array(fc.record({ captured: fc.integer({ min: 0, max: 1_000_000 }), pending: fc.integer({ min: 0, max: 1_000_000 }) })),
        (total, payments) => {
          const taken = payments.reduce((s, p) => s + p.captured + p.pending, 0)
          expect(orderStillOwes(total, payments)).toBe(Math.max(0, total - taken))
        }
      )
    )
  })
})

describe("derivePaymentTotals with what the order owes", () => {
  it("an edit lowered the order from 210.00 to 110.00 after 30.00 was captured: 80.00 capturable, 100.00 not owed", () => {
    const t = derivePaymentTotals({ authorized: 21_000, captures: [captured(3_000)], orderOwes: 8_000 })
    expect(t).toMatchObject({ authorized: 21_000, captured: 3_000, capturable: 8_000, not_owed: 10_000, refundable: 3_000 })
  })

  it("a refund does not make money capturable again", () => {
    const t = derivePaymentTotals({ authorized: 21_000, captures: [captured(11_000, 2_000)], orderOwes: 0 })
    expect(t).toMatchObject({ captured: 11_000, refunded: 2_000, capturable: 0, not_owed: 10_000, refundable: 9_000 })
  })

  it("an order owing more than the payment has left caps nothing", () => {
    const t = derivePaymentTotals({ authorized: 6_000, captures: [captured(1_000)], orderOwes: 15_000 })
    expect(t).toMatchObject({ capturable: 5_000, not_owed: 0 })
    expect(derivePaymentTotals({ authorized: 6_000, captures: [captured(1_000)], orderOwes: 5_000 })).toMatchObject({
      capturable: 5_000,
      not_owed: 0,
    })
    expect(derivePaymentTotals({ authorized: 6_000, captures: [captured(1_000)], orderOwes: 4_999 })).toMatchObject({
      capturable: 4_999,
      not_owed: 1,
    })
  })

  it("no limit (null or absent) is the authorization's rest; a closed authorization has nothing, owed or not", () => {
    expect(derivePaymentTotals({ authorized: 6_000, captures: [], orderOwes: null })).toMatchObject({ capturable: 6_000, not_owed: 0 })
    expect(derivePaymentTotals({ authorized: 6_000, captures: [] })).toMatchObject({ capturable: 6_000, not_owed: 0 })
    expect(derivePaymentTotals({ authorized: 6_000, captures: [], canceled: true, orderOwes: 1_000 })).toMatchObject({
      capturable: 0,
      not_owed: 0,
    })
  })

  it("an order owing 0 leaves nothing capturable", () => {
    expect(derivePaymentTotals({ authorized: 6_000, captures: [], orderOwes: 0 })).toMatchObject({ capturable: 0, not_owed: 6_000 })
  })

  it("refuses a negative or fractional limit", () => {
    expect(() => derivePaymentTotals({ authorized: 6_000, captures: [], orderOwes: -1 })).toThrow(/orderOwes/)
    expect(() => derivePaymentTotals({ authorized: 6_000, captures: [], orderOwes: 1.5 })).toThrow(/orderOwes/)
  })

  it("property: capturable ≤ what the order owes, capturable + not_owed = what is left of the authorization", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 1_000_000 }),
        fc.array(fc.integer({ min: 1, max: 200_000 }), { maxLength: 5 }),
        fc.integer({ min: 0, max: 1_000_000 }),
        (authorized, amounts, owes) => {
          const t = derivePaymentTotals({ authorized, captures: amounts.map((a) => captured(a)), orderOwes: owes })
          const left = Math.max(0, authorized - t.captured - t.pending)
          expect(t.capturable).toBeLessThanOrEqual(owes)
          expect(t.capturable + t.not_owed).toBe(left)
          expect(t.capturable).toBe(Math.min(left, owes))
        }
      )
    )
  })
})
