/**
 * fulfillmentShare / amountUpTo / shareNeedsTotals at the edges the main table does not reach:
 * lines with no quantity, negative totals, over-fulfilled lines, unknown items, a zero order.
 * Kept apart from fulfillment-share.spec.ts; see docs/mutation-testing.md.
 */
import fc from "fast-check"
import { amountUpTo, fulfillmentShare, shareNeedsTotals, type OrderFulfillment, type OrderLine } from "../fulfillment-share"

const ful = (id: string, ...items: Array<[string, number]>): OrderFulfillment => ({
  id,
  items: items.map(([item_id, quantity]) => ({ item_id, quantity })),
})
const a2: OrderLine = { id: "a", quantity: 2, total: 1000 }

describe("fulfillmentShare: the order's value", () => {
  it("a line with no quantity adds nothing to the order's value", () => {
    const lines = [a2, { id: "z", quantity: 0, total: 5000 }]
    const fulfillments = [ful("f1", ["a", 1]), ful("f2", ["a", 1])]
    // 500 of 1000 worth of goods, the payment collects 500: 250.
    expect(fulfillmentShare({ lines, shippingTotal: 0, authorized: 500, fulfillments, fulfillmentId: "f1" })).toStrictEqual({
      upTo: 250,
      first: true,
      last: false,
    })
  })

  it("a line with a negative total adds nothing to the order's value", () => {
    const lines = [a2, { id: "d", quantity: 1, total: -200 }]
    const fulfillments = [ful("f1", ["a", 1]), ful("f2", ["a", 1], ["d", 1])]
    expect(fulfillmentShare({ lines, shippingTotal: 0, authorized: 500, fulfillments, fulfillmentId: "f1" }).upTo).toBe(250)
  })

  it("shipping is part of the order's value", () => {
    const fulfillments = [ful("f1", ["a", 1]), ful("f2", ["a", 1])]
    // worth 300 + 500 of 1300, the payment collects 650: 400.
    expect(fulfillmentShare({ lines: [a2], shippingTotal: 300, authorized: 650, fulfillments, fulfillmentId: "f1" }).upTo).toBe(400)
  })

  it("the larger of the payment's and all payments' amounts scales the share", () => {
    const fulfillments = [ful("f1", ["a", 1]), ful("f2", ["a", 1])]
    const share = (authorized: number, orderAuthorized?: number) =>
      fulfillmentShare({ lines: [a2], shippingTotal: 0, authorized, orderAuthorized, fulfillments, fulfillmentId: "f1" }).upTo
    expect(share(2000)).toBe(500)
    expect(share(2000, 100)).toBe(500)
    expect(share(2000, 4000)).toBe(250)
    expect(share(700)).toBe(350)
    expect(share(700, 700)).toBe(350)
    expect(share(999)).toBe(499) // 500 × 999 / 1000 = 499.5, rounded down
  })

  it("a zero order, zero payment: up to 0, not NaN", () => {
    const lines = [{ id: "a", quantity: 2, total: 0 }]
    expect(fulfillmentShare({ lines, shippingTotal: 0, authorized: 0, fulfillments: [ful("f1", ["a", 1]), ful("f2", ["a", 1])], fulfillmentId: "f1" })).toStrictEqual({
      upTo: 0,
      first: true,
      last: false,
    })
  })
})

describe("fulfillmentShare: a fulfillment's value", () => {
  const big = 1_000_000 // the payment collects more than the order is worth: upTo is the goods' value

  it("items of lines with no quantity, or of no line at all, are worth nothing", () => {
    const lines = [a2, { id: "z", quantity: 0, total: 5000 }]
    const fulfillments = [ful("f1", ["z", 1], ["ghost", 3], ["a", 1]), ful("f2", ["a", 1])]
    expect(fulfillmentShare({ lines, shippingTotal: 0, authorized: big, fulfillments, fulfillmentId: "f1" }).upTo).toBe(500)
  })

  it("an over-fulfilled line is worth its total, not more", () => {
    const lines = [a2, { id: "b", quantity: 2, total: 600 }]
    const fulfillments = [ful("f1", ["a", 3]), ful("f2", ["b", 2])]
    expect(fulfillmentShare({ lines, shippingTotal: 0, authorized: big, fulfillments, fulfillmentId: "f1" })).toStrictEqual({
      upTo: 1000,
      first: true,
      last: false,
    })
  })

  it("a fulfillment worth less than nothing counts as nothing", () => {
    const lines = [a2, { id: "d", quantity: 1, total: -200 }, { id: "b", quantity: 1, total: 100 }]
    const fulfillments = [ful("f1", ["d", 1]), ful("f2", ["a", 1]), ful("f3", ["a", 1], ["b", 1])]
    expect(fulfillmentShare({ lines, shippingTotal: 0, authorized: big, fulfillments, fulfillmentId: "f1" })).toStrictEqual({
      upTo: 0,
      first: true,
      last: false,
    })
    expect(fulfillmentShare({ lines, shippingTotal: 0, authorized: big, fulfillments, fulfillmentId: "f2" })).toStrictEqual({
      upTo: 500,
      first: false,
      last: false,
    })
  })

  it("shipping goes with the first fulfillment only, and is counted once", () => {
    const lines = [{ id: "a", quantity: 3, total: 900 }]
    const fulfillments = [ful("f1", ["a", 1]), ful("f2", ["a", 1]), ful("f3", ["a", 1])]
    const upTo = (id: string) => fulfillmentShare({ lines, shippingTotal: 50, authorized: big, fulfillments, fulfillmentId: id }).upTo
    expect(upTo("f1")).toBe(350)
    expect(upTo("f2")).toBe(650)
    expect(upTo("f3")).toBeNull()
  })

  it("rounds each line's part to the minor unit, half up", () => {
    const lines = [{ id: "a", quantity: 4, total: 1002 }] // 250.5 a unit
    const fulfillments = [ful("f1", ["a", 1]), ful("f2", ["a", 3])]
    expect(fulfillmentShare({ lines, shippingTotal: 0, authorized: big, fulfillments, fulfillmentId: "f1" }).upTo).toBe(251)
  })
})

describe("fulfillmentShare: which fulfillment completes the order", () => {
  it("lines with no quantity need no fulfillment", () => {
    const lines = [{ id: "a", quantity: 1, total: 100 }, { id: "z", quantity: 0, total: 50 }]
    expect(fulfillmentShare({ lines, shippingTotal: 0, authorized: 150, fulfillments: [ful("f1", ["a", 1])], fulfillmentId: "f1" })).toStrictEqual({
      upTo: null,
      first: true,
      last: true,
    })
  })

  it("the fulfillment after which every line is complete, even when later ones exist", () => {
    const lines = [{ id: "a", quantity: 1, total: 100 }]
    const fulfillments = [ful("f1", ["a", 1]), ful("f2", ["a", 1])]
    expect(fulfillmentShare({ lines, shippingTotal: 0, authorized: 100, fulfillments, fulfillmentId: "f1" }).last).toBe(true)
    expect(fulfillmentShare({ lines, shippingTotal: 0, authorized: 100, fulfillments, fulfillmentId: "f2" })).toStrictEqual({
      upTo: 200,
      first: false,
      last: false,
    })
  })

  it("a line fulfilled one unit short is not complete", () => {
    const lines = [{ id: "a", quantity: 3, total: 300 }]
    expect(fulfillmentShare({ lines, shippingTotal: 0, authorized: 300, fulfillments: [ful("f1", ["a", 2])], fulfillmentId: "f1" })).toStrictEqual({
      upTo: 200,
      first: true,
      last: false,
    })
  })

  it("an order that is never completed has no last fulfillment", () => {
    const lines = [{ id: "a", quantity: 5, total: 500 }]
    const fulfillments = [ful("f1", ["a", 1]), ful("f2", ["a", 1])]
    expect(fulfillmentShare({ lines, shippingTotal: 0, authorized: 500, fulfillments, fulfillmentId: "f2" })).toStrictEqual({
      upTo: 200,
      first: false,
      last: false,
    })
  })

  it("refuses a fulfillment that is not the order's, naming it", () => {
    expect(() => fulfillmentShare({ lines: [a2], shippingTotal: 0, authorized: 1, fulfillments: [ful("f1", ["a", 1])], fulfillmentId: "fx" })).toThrow(
      new Error("fulfillment fx is not among the order's fulfillments")
    )
  })
})

describe("shareNeedsTotals", () => {
  const lines = [{ id: "a", quantity: 2 }]
  it.each<[string, OrderFulfillment[], string, boolean]>([
    ["the one fulfillment of everything", [ful("f1", ["a", 2])], "f1", false],
    ["the first of two", [ful("f1", ["a", 1]), ful("f2", ["a", 1])], "f1", true],
    ["the last of two", [ful("f1", ["a", 1]), ful("f2", ["a", 1])], "f2", false],
    ["an order not complete", [ful("f1", ["a", 1])], "f1", true],
    ["after the completing one", [ful("f1", ["a", 2]), ful("f2", ["a", 1])], "f2", true],
  ])("%s -> %s", (_, fulfillments, id, expected) => {
    expect(shareNeedsTotals({ lines, fulfillments, fulfillmentId: id })).toBe(expected)
  })

  it("refuses a fulfillment that is not the order's, naming it", () => {
    expect(() => shareNeedsTotals({ lines, fulfillments: [ful("f1", ["a", 1])], fulfillmentId: "fx" })).toThrow(
      new Error("fulfillment fx is not among the order's fulfillments")
    )
  })
})

describe("amountUpTo", () => {
  it.each<[number, { captured: number; pending: number; capturable: number }, number]>([
    [1000, { captured: 300, pending: 200, capturable: 600 }, 500],
    [1000, { captured: 300, pending: 200, capturable: 400 }, 400],
    [1000, { captured: 300, pending: 200, capturable: 500 }, 500],
    [500, { captured: 300, pending: 200, capturable: 100 }, 0],
    [400, { captured: 300, pending: 200, capturable: 100 }, 0],
    [501, { captured: 300, pending: 200, capturable: 100 }, 1],
    [1000, { captured: 0, pending: 0, capturable: 0 }, 0],
  ])("up to %i from %j: %i", (upTo, totals, expected) => {
    expect(amountUpTo(upTo, totals)).toBe(expected)
  })

  it("is the gap to upTo, bounded by 0 and capturable (property)", () => {
    const n = fc.integer({ min: 0, max: 1_000_000 })
    fc.assert(
      fc.property(n, n, n, n, (upTo, captured, pending, capturable) => {
        const gap = upTo - captured - pending
        const expected = gap <= 0 ? 0 : gap < capturable ? gap : capturable
        expect(amountUpTo(upTo, { captured, pending, capturable })).toBe(expected)
      })
    )
  })
})
