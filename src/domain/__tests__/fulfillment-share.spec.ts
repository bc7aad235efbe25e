import { fulfillmentShare, shareNeedsTotals, type OrderFulfillment } from "../fulfillment-share"

// Three mugs at 33.33 each with tax (total 99.99), shipping 10.00: 109.99 authorized.
const lines = [{ id: "item_mug", quantity: 3, total: 9999 }]
const base = { lines, shippingTotal: 1000, authorized: 10999 }
const f = (id: string, quantity: number, item_id = "item_mug"): OrderFulfillment => ({ id, items: [{ item_id, quantity }] })

describe("fulfillmentShare", () => {
  it.each([
    ["one fulfillment of everything takes everything", [f("ful_1", 3)], "ful_1", { amount: 10999, first: true, last: true }],
    ["the first of two carries its items and the shipping", [f("ful_1", 1), f("ful_2", 2)], "ful_1", { amount: 3333 + 1000, first: true, last: false }],
    ["the last of two carries the rest", [f("ful_1", 1), f("ful_2", 2)], "ful_2", { amount: 10999 - 4333, first: false, last: true }],
    ["a middle fulfillment carries only its items", [f("ful_1", 1), f("ful_2", 1), f("ful_3", 1)], "ful_2", { amount: 3333, first: false, last: false }],
    ["the last of three sweeps the rounding", [f("ful_1", 1), f("ful_2", 1), f("ful_3", 1)], "ful_3", { amount: 10999 - 4333 - 3333, first: false, last: true }],
    ["a fulfillment not yet completing the order is not last", [f("ful_1", 1)], "ful_1", { amount: 4333, first: true, last: false }],
  ])("%s", (_name, fulfillments, id, expected) => {
    expect(fulfillmentShare({ ...base, fulfillments, fulfillmentId: id })).toEqual(expected)
  })

  it("gives every fulfillment together exactly the authorized amount, whatever the split", () => {
    for (const split of [[1, 1, 1], [2, 1], [1, 2], [3]]) {
      const fulfillments = split.map((q, i) => f(`ful_${i}`, q))
      const sum = fulfillments.reduce((s, x) => s + fulfillmentShare({ ...base, fulfillments, fulfillmentId: x.id }).amount, 0)
      expect(sum).toBe(10999)
    }
  })

  it("handles several lines and a line fulfilled in parts", () => {
    const twoLines = [
      { id: "a", quantity: 2, total: 2001 },
      { id: "b", quantity: 1, total: 500 },
    ]
    const fulfillments: OrderFulfillment[] = [
      { id: "f1", items: [{ item_id: "a", quantity: 1 }] },
      { id: "f2", items: [{ item_id: "a", quantity: 1 }, { item_id: "b", quantity: 1 }] },
    ]
    const input = { lines: twoLines, shippingTotal: 0, authorized: 2501, fulfillments }
    expect(fulfillmentShare({ ...input, fulfillmentId: "f1" })).toEqual({ amount: 1001, first: true, last: false })
    expect(fulfillmentShare({ ...input, fulfillmentId: "f2" })).toEqual({ amount: 1500, first: false, last: true })
  })

  it("is the same whichever event arrives first (it reads the order, not the arrival)", () => {
    const fulfillments = [f("ful_1", 1), f("ful_2", 2)]
    const late = fulfillmentShare({ ...base, fulfillments, fulfillmentId: "ful_1" })
    expect(late.amount).toBe(4333)
  })

  it("never asks for a negative amount when the payment is smaller than the goods (gift cards)", () => {
    const r = fulfillmentShare({ ...base, authorized: 2000, fulfillments: [f("ful_1", 2), f("ful_2", 1)], fulfillmentId: "ful_2" })
    expect(r.amount).toBe(0)
  })

  it("refuses a fulfillment that is not the order's", () => {
    expect(() => fulfillmentShare({ ...base, fulfillments: [f("ful_1", 1)], fulfillmentId: "ful_x" })).toThrow(/not among/)
  })
})

describe("shareNeedsTotals", () => {
  it.each([
    ["one fulfillment of everything", [f("ful_1", 3)], "ful_1", false],
    ["the first of two", [f("ful_1", 1), f("ful_2", 2)], "ful_1", true],
    ["the last of two (it subtracts the first one's share)", [f("ful_1", 1), f("ful_2", 2)], "ful_2", true],
    ["a first fulfillment that does not complete the order", [f("ful_1", 2)], "ful_1", true],
  ])("%s → %s", (_name, fulfillments, id, expected) => {
    expect(shareNeedsTotals({ lines, fulfillments, fulfillmentId: id })).toBe(expected)
  })

  it("ignores lines of quantity 0, as fulfillmentShare does", () => {
    const withEmpty = [...lines, { id: "item_gone", quantity: 0, total: 0 }]
    expect(shareNeedsTotals({ lines: withEmpty, fulfillments: [f("ful_1", 3)], fulfillmentId: "ful_1" })).toBe(false)
  })

  it("when it says no, the share is the authorized amount whatever the totals", () => {
    const fulfillments: OrderFulfillment[] = [
      { id: "ful_1", items: [{ item_id: "a", quantity: 2 }, { item_id: "b", quantity: 1 }] },
    ]
    const quantities = [
      { id: "a", quantity: 2 },
      { id: "b", quantity: 1 },
    ]
    expect(shareNeedsTotals({ lines: quantities, fulfillments, fulfillmentId: "ful_1" })).toBe(false)
    for (const [ta, tb, shipping] of [[0, 0, 0], [2001, 500, 995], [99999, 1, 0]]) {
      const share = fulfillmentShare({
        lines: [{ ...quantities[0], total: ta }, { ...quantities[1], total: tb }],
        shippingTotal: shipping,
        authorized: 7777,
        fulfillments,
        fulfillmentId: "ful_1",
      })
      expect(share.amount).toBe(7777)
    }
  })

  it("refuses a fulfillment that is not the order's", () => {
    expect(() => shareNeedsTotals({ lines, fulfillments: [f("ful_1", 1)], fulfillmentId: "ful_x" })).toThrow(/not among/)
  })
})
