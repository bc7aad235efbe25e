import { operationRefunded, planOperationRefund, type RefundPart } from "../refund-plan"

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

describe("operationRefunded", () => {
  const settled = (amount: number, status: RefundPart["status"]): RefundPart => part("cap_a", amount, status)

  it("is true once every part settled and the succeeded ones cover the amount", () => {
    expect(operationRefunded(5000, [settled(5000, "succeeded")])).toBe(true)
    expect(operationRefunded(5000, [settled(3000, "succeeded"), settled(2000, "succeeded")])).toBe(true)
    // A declined part retried by Medusa: the later succeeded part covers it.
    expect(operationRefunded(5000, [settled(3000, "succeeded"), settled(2000, "failed"), settled(2000, "succeeded")])).toBe(true)
  })

  it("waits while a part is in flight, and is false while the succeeded parts fall short", () => {
    expect(operationRefunded(5000, [settled(3000, "succeeded"), settled(2000, "requested")])).toBe(false)
    expect(operationRefunded(5000, [settled(3000, "succeeded"), settled(2000, "pending")])).toBe(false)
    expect(operationRefunded(5000, [settled(3000, "succeeded"), settled(2000, "failed")])).toBe(false)
    expect(operationRefunded(5000, [settled(4999, "succeeded")])).toBe(false)
    expect(operationRefunded(5000, [])).toBe(false)
  })
})
