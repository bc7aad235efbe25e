import { planOperationRefund, settledRefundAmount, type RefundPart } from "../refund-plan"

const part = (captureId: string, amount: number, status: RefundPart["status"]): RefundPart => ({ captureId, amount, status })

describe("planOperationRefund: one Medusa refund as parts on captures, retried without refunding twice", () => {
  it("spreads a new refund newest capture first, taking each balance up to what is left", () => {
    expect(
      planOperationRefund(5000, [], [
        { captureId: "b", balance: 3000 },
        { captureId: "a", balance: 10000 },
      ])
    ).toEqual({ kind: "send", parts: [{ captureId: "b", amount: 3000 }, { captureId: "a", amount: 2000 }] })
  })

  it("skips captures with nothing left to refund", () => {
    expect(planOperationRefund(100, [], [{ captureId: "b", balance: 0 }, { captureId: "a", balance: 100 }])).toEqual({
      kind: "send",
      parts: [{ captureId: "a", amount: 100 }],
    })
  })

  it("sends nothing while a part's outcome is unknown (a timeout), whatever the balances say", () => {
    expect(planOperationRefund(5000, [part("a", 5000, "requested")], [{ captureId: "a", balance: 5000 }])).toEqual({
      kind: "unresolved",
      unknown: 5000,
    })
    expect(
      planOperationRefund(5000, [part("b", 3000, "succeeded"), part("a", 2000, "requested")], [{ captureId: "a", balance: 8000 }])
    ).toEqual({ kind: "unresolved", unknown: 2000 })
  })

  it("is complete once succeeded and settling parts cover the amount: a retry after Medusa rolled back moves no money", () => {
    expect(planOperationRefund(5000, [part("a", 5000, "succeeded")], [{ captureId: "a", balance: 5000 }])).toEqual({ kind: "complete" })
    expect(planOperationRefund(5000, [part("b", 3000, "succeeded"), part("a", 2000, "pending")], [])).toEqual({ kind: "complete" })
  })

  it("takes a declined part's amount again, and only that (the succeeded part is not refunded twice)", () => {
    expect(
      planOperationRefund(
        5000,
        [part("b", 3000, "succeeded"), part("a", 2000, "failed")],
        [
          { captureId: "b", balance: 0 },
          { captureId: "a", balance: 10000 },
        ]
      )
    ).toEqual({ kind: "send", parts: [{ captureId: "a", amount: 2000 }] })
  })

  it("says how much is left and how much can be refunded when the balances fall short", () => {
    expect(planOperationRefund(5000, [part("b", 1000, "succeeded")], [{ captureId: "a", balance: 2500 }])).toEqual({
      kind: "exceeds",
      rest: 4000,
      refundable: 2500,
    })
    expect(planOperationRefund(1, [], [])).toEqual({ kind: "exceeds", rest: 1, refundable: 0 })
  })

  it("takes exactly a balance that equals what is left, and nothing from the next capture", () => {
    expect(planOperationRefund(3000, [], [{ captureId: "b", balance: 3000 }, { captureId: "a", balance: 1 }])).toEqual({
      kind: "send",
      parts: [{ captureId: "b", amount: 3000 }],
    })
  })
})

describe("settledRefundAmount", () => {
  const settled = (amount: number, status: RefundPart["status"]): RefundPart => part("cap_a", amount, status)

  it("is the succeeded parts' sum once every part settled: all of it, or what went through before a decline", () => {
    expect(settledRefundAmount([settled(5000, "succeeded")])).toBe(5000)
    expect(settledRefundAmount([settled(3000, "succeeded"), settled(2000, "succeeded")])).toBe(5000)
    expect(settledRefundAmount([settled(3000, "succeeded"), settled(2000, "failed")])).toBe(3000)
    expect(settledRefundAmount([settled(3000, "succeeded"), settled(2000, "failed"), settled(2000, "succeeded")])).toBe(5000)
    expect(settledRefundAmount([settled(2000, "failed")])).toBe(0)
    expect(settledRefundAmount([])).toBe(0)
  })

  it("is null while a part is in flight (requested, or pending at the gateway)", () => {
    expect(settledRefundAmount([settled(3000, "succeeded"), settled(2000, "requested")])).toBeNull()
    expect(settledRefundAmount([settled(3000, "succeeded"), settled(2000, "pending")])).toBeNull()
    expect(settledRefundAmount([settled(2000, "pending")])).toBeNull()
  })
})
