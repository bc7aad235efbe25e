import fc from "fast-check"
import { amountUpTo, fulfillmentShare, shareNeedsTotals, type OrderFulfillment, type OrderLine } from "../fulfillment-share"

// Three mugs at 33.33 each with tax (total 99.99), shipping 10.00: 109.99 authorized.
const lines = [{ id: "item_mug", quantity: 3, total: 9999 }]
const base = { lines, shippingTotal: 1000, authorized: 10999 }
const f = (id: string, quantity: number, item_id = "item_mug"): OrderFulfillment => ({ id, items: [{ item_id, quantity }] })

describe("fulfillmentShare", () => {
  it.each([
    ["one fulfillment of everything takes what is left to capture", [f("ful_1", 3)], "ful_1", { upTo: null, first: true, last: true }],
    ["the first of two brings the payment up to its items and the shipping", [f("ful_1", 1), f("ful_2", 2)], "ful_1", { upTo: 3333 + 1000, first: true, last: false }],
    ["the last of two takes what is left to capture", [f("ful_1", 1), f("ful_2", 2)], "ful_2", { upTo: null, first: false, last: true }],
    ["a middle fulfillment adds its items to the ones before", [f("ful_1", 1), f("ful_2", 1), f("ful_3", 1)], "ful_2", { upTo: 4333 + 3333, first: false, last: false }],
    ["the last of three takes what is left", [f("ful_1", 1), f("ful_2", 1), f("ful_3", 1)], "ful_3", { upTo: null, first: false, last: true }],
    ["a fulfillment not yet completing the order is not last", [f("ful_1", 1)], "ful_1", { upTo: 4333, first: true, last: false }],
    ["two of three units: two thirds of the line, rounded, and the shipping", [f("ful_1", 2)], "ful_1", { upTo: 6666 + 1000, first: true, last: false }],
  ])("%s", (_name, fulfillments, id, expected) => {
    expect(fulfillmentShare({ ...base, fulfillments, fulfillmentId: id })).toEqual(expected)
  })

  it("two incomplete fulfillments bring the payment up to their own items, not to everything", () => {
    const fulfillments = [f("ful_1", 1), f("ful_2", 1)]
    expect(fulfillmentShare({ ...base, fulfillments, fulfillmentId: "ful_1" }).upTo).toBe(4333)
    expect(fulfillmentShare({ ...base, fulfillments, fulfillmentId: "ful_2" })).toEqual({ upTo: 4333 + 3333, first: false, last: false })
  })

  it("a fulfillment canceled and made again is worth what it was: the goods are not counted twice", () => {
    // ful_1 (1 mug) was canceled: the live fulfillments are ful_2 (the same mug again) and ful_3.
    const fulfillments = [f("ful_2", 1), f("ful_3", 1)]
    expect(fulfillmentShare({ ...base, fulfillments, fulfillmentId: "ful_2" }).upTo).toBe(4333)
    // The payment captured 43.33 for ful_1 already: nothing more for ful_2.
    expect(amountUpTo(4333, { captured: 4333, pending: 0, capturable: 10999 - 4333 })).toBe(0)
  })

  it("handles several lines, completed in either order, and a line fulfilled in parts", () => {
    const twoLines = [
      { id: "a", quantity: 2, total: 2001 },
      { id: "b", quantity: 1, total: 500 },
    ]
    const input = { lines: twoLines, shippingTotal: 0, authorized: 2501 }
    const bFirst: OrderFulfillment[] = [
      { id: "f1", items: [{ item_id: "b", quantity: 1 }] },
      { id: "f2", items: [{ item_id: "a", quantity: 1 }] },
      { id: "f3", items: [{ item_id: "a", quantity: 1 }] },
    ]
    expect(fulfillmentShare({ ...input, fulfillments: bFirst, fulfillmentId: "f1" })).toEqual({ upTo: 500, first: true, last: false })
    expect(fulfillmentShare({ ...input, fulfillments: bFirst, fulfillmentId: "f2" })).toEqual({ upTo: 500 + 1001, first: false, last: false })
    expect(fulfillmentShare({ ...input, fulfillments: bFirst, fulfillmentId: "f3" }).last).toBe(true)
    const aFirst: OrderFulfillment[] = [
      { id: "f1", items: [{ item_id: "a", quantity: 2 }] },
      { id: "f2", items: [{ item_id: "b", quantity: 1 }] },
    ]
    expect(fulfillmentShare({ ...input, fulfillments: aFirst, fulfillmentId: "f1" })).toEqual({ upTo: 2001, first: true, last: false })
    expect(fulfillmentShare({ ...input, fulfillments: aFirst, fulfillmentId: "f2" }).upTo).toBeNull()
  })

  it("scales by what the payment collects when a gift card paid part: two lines of 10.00, 15.00 by gift card, 5.00 authorized", () => {
    const twoLines = [
      { id: "a", quantity: 1, total: 1000 },
      { id: "b", quantity: 1, total: 1000 },
    ]
    const fulfillments: OrderFulfillment[] = [
      { id: "f1", items: [{ item_id: "a", quantity: 1 }] },
      { id: "f2", items: [{ item_id: "b", quantity: 1 }] },
    ]
    const input = { lines: twoLines, shippingTotal: 0, authorized: 500, fulfillments }
    expect(fulfillmentShare({ ...input, fulfillmentId: "f1" }).upTo).toBe(250)
    expect(fulfillmentShare({ ...input, fulfillmentId: "f2" }).upTo).toBeNull()
  })

  it("spreads a fulfillment over two payments in proportion, never above what it is worth (an edit's second payment)", () => {
    // A mug 100.00, two plates at 25.00, shipping 10.00; 60.00 on the first payment, 100.00 on the edit's.
    const order: OrderLine[] = [
      { id: "mug", quantity: 1, total: 10000 },
      { id: "plate", quantity: 2, total: 5000 },
    ]
    const fulfillments: OrderFulfillment[] = [{ id: "f1", items: [{ item_id: "plate", quantity: 1 }] }]
    const share = (authorized: number) =>
      fulfillmentShare({ lines: order, shippingTotal: 1000, authorized, orderAuthorized: 16000, fulfillments, fulfillmentId: "f1" })
        .upTo as number
    expect(share(6000)).toBe(1312) // 35.00 × 60/160, rounded down
    expect(share(10000)).toBe(2187) // 35.00 × 100/160, rounded down
    expect(share(6000) + share(10000)).toBeLessThanOrEqual(3500)
  })

  it("does not give each of two payments the whole value when each alone could pay the order", () => {
    const one = [{ id: "a", quantity: 2, total: 2000 }]
    const fulfillments = [f("f1", 1, "a"), f("f2", 1, "a")]
    const share = fulfillmentShare({ lines: one, shippingTotal: 0, authorized: 2000, orderAuthorized: 4000, fulfillments, fulfillmentId: "f1" })
    expect(share.upTo).toBe(500)
  })

  it("takes discounted line totals as they are (Medusa's totals are after discounts)", () => {
    const discounted = [{ id: "a", quantity: 4, total: 3600 }] // 4 × 10.00 less 10 %
    const input = { lines: discounted, shippingTotal: 0, authorized: 3600, fulfillments: [f("f1", 1, "a"), f("f2", 3, "a")] }
    expect(fulfillmentShare({ ...input, fulfillmentId: "f1" }).upTo).toBe(900)
  })

  it("is the same whichever event arrives first (it reads the order, not the arrival)", () => {
    const fulfillments = [f("ful_1", 1), f("ful_2", 2)]
    expect(fulfillmentShare({ ...base, fulfillments, fulfillmentId: "ful_1" }).upTo).toBe(4333)
  })

  it("refuses a fulfillment that is not the order's", () => {
    expect(() => fulfillmentShare({ ...base, fulfillments: [f("ful_1", 1)], fulfillmentId: "ful_x" })).toThrow(/not among/)
  })

  describe("properties", () => {
    const scenario = fc
      .record({
        lines: fc.array(fc.record({ quantity: fc.integer({ min: 1, max: 5 }), total: fc.integer({ min: 0, max: 100_000 }) }), {
          minLength: 1,
          maxLength: 4,
        }),
        shippingTotal: fc.integer({ min: 0, max: 5_000 }),
        payments: fc.array(fc.integer({ min: 1, max: 200_000 }), { minLength: 1, maxLength: 3 }),
        seed: fc.array(fc.nat(), { minLength: 20, maxLength: 20 }),
      })
      .map(({ lines: raw, shippingTotal, payments, seed }) => {
        const orderLines = raw.map((l, i) => ({ id: `l${i}`, ...l }))
        // Split every line's units into fulfillments, in an order drawn from the seed.
        const units = orderLines.flatMap((l) => Array.from({ length: l.quantity }, () => l.id))
        const fulfillments: OrderFulfillment[] = []
        let k = 0
        while (units.length > 0) {
          const take = 1 + (seed[k % seed.length] % units.length)
          const picked = units.splice(seed[(k + 1) % seed.length] % units.length, Math.min(take, units.length))
          const items = new Map<string, number>()
          for (const id of picked) items.set(id, (items.get(id) ?? 0) + 1)
          fulfillments.push({ id: `f${k}`, items: [...items].map(([item_id, quantity]) => ({ item_id, quantity })) })
          k += 1
        }
        return { lines: orderLines, shippingTotal, payments, fulfillments }
      })

    const valueOf = (lines: OrderLine[], shippingTotal: number, fs: OrderFulfillment[], index: number) =>
      (index === 0 ? shippingTotal : 0) +
      fs[index].items.reduce((sum, it) => {
        const line = lines.find((l) => l.id === it.item_id)!
        return sum + Math.round((line.total * it.quantity) / line.quantity)
      }, 0)

    it("before the last, the payments together are brought up to at most what the goods fulfilled so far are worth", () => {
      fc.assert(
        fc.property(scenario, ({ lines, shippingTotal, payments, fulfillments }) => {
          const orderValue = shippingTotal + lines.reduce((s, l) => s + l.total, 0)
          const collected = payments.reduce((s, p) => s + p, 0)
          let worth = 0
          fulfillments.forEach((ful, i) => {
            worth += valueOf(lines, shippingTotal, fulfillments, i)
            const shares = payments.map((authorized) =>
              fulfillmentShare({ lines, shippingTotal, authorized, orderAuthorized: collected, fulfillments, fulfillmentId: ful.id })
            )
            if (shares[0].last) {
              expect(shares.every((s) => s.upTo === null)).toBe(true)
              return
            }
            const total = shares.reduce((s, x) => s + (x.upTo as number), 0)
            expect(total).toBeLessThanOrEqual(worth)
            if (orderValue > 0) expect(total).toBeLessThanOrEqual(Math.ceil((worth * collected) / orderValue))
            // Each payment's part never falls as more is fulfilled, and never passes what it collects.
            shares.forEach((share, p) => expect(share.upTo as number).toBeLessThanOrEqual(payments[p]))
          })
        })
      )
    })

    it("never falls as fulfillments follow one another (a later one never asks for less than an earlier one)", () => {
      fc.assert(
        fc.property(scenario, ({ lines, shippingTotal, payments, fulfillments }) => {
          const collected = payments.reduce((s, p) => s + p, 0)
          for (const authorized of payments) {
            const upTos = fulfillments
              .map((ful) => fulfillmentShare({ lines, shippingTotal, authorized, orderAuthorized: collected, fulfillments, fulfillmentId: ful.id }).upTo)
              .filter((u): u is number => u !== null)
            for (let i = 1; i < upTos.length; i++) expect(upTos[i]).toBeGreaterThanOrEqual(upTos[i - 1])
          }
        })
      )
    })

    it("only the fulfillment that completes the order takes what is left, and exactly one does", () => {
      fc.assert(
        fc.property(scenario, ({ lines, shippingTotal, payments, fulfillments }) => {
          const lasts = fulfillments.filter(
            (ful) => fulfillmentShare({ lines, shippingTotal, authorized: payments[0], fulfillments, fulfillmentId: ful.id }).last
          )
          expect(lasts.map((x) => x.id)).toEqual([fulfillments[fulfillments.length - 1].id])
        })
      )
    })
  })
})

describe("amountUpTo", () => {
  it.each([
    ["nothing captured: the whole way", 4333, { captured: 0, pending: 0, capturable: 10999 }, 4333],
    ["captured by hand before: only the rest of the way", 4333, { captured: 3000, pending: 0, capturable: 7999 }, 1333],
    ["a capture on its way counts", 4333, { captured: 0, pending: 4000, capturable: 6999 }, 333],
    ["already there (a canceled fulfillment's capture paid for these goods): nothing", 4333, { captured: 4333, pending: 0, capturable: 6666 }, 0],
    ["beyond: nothing, never negative", 4333, { captured: 5000, pending: 0, capturable: 5999 }, 0],
    ["never more than is capturable", 9000, { captured: 0, pending: 0, capturable: 2000 }, 2000],
    ["exactly what is capturable", 2000, { captured: 0, pending: 0, capturable: 2000 }, 2000],
  ])("%s", (_name, upTo, totals, expected) => {
    expect(amountUpTo(upTo, totals)).toBe(expected)
  })
})

describe("shareNeedsTotals", () => {
  it.each([
    ["one fulfillment of everything", [f("ful_1", 3)], "ful_1", false],
    ["the first of two", [f("ful_1", 1), f("ful_2", 2)], "ful_1", true],
    ["the last of two (it takes what is left)", [f("ful_1", 1), f("ful_2", 2)], "ful_2", false],
    ["a first fulfillment that does not complete the order", [f("ful_1", 2)], "ful_1", true],
  ])("%s → %s", (_name, fulfillments, id, expected) => {
    expect(shareNeedsTotals({ lines, fulfillments, fulfillmentId: id })).toBe(expected)
  })

  it("ignores lines of quantity 0, as fulfillmentShare does", () => {
    const withEmpty = [...lines, { id: "item_gone", quantity: 0, total: 0 }]
    expect(shareNeedsTotals({ lines: withEmpty, fulfillments: [f("ful_1", 3)], fulfillmentId: "ful_1" })).toBe(false)
  })

  it("says no exactly when fulfillmentShare would answer 'what is left', whatever the totals", () => {
    const fulfillments: OrderFulfillment[] = [
      { id: "ful_1", items: [{ item_id: "a", quantity: 1 }] },
      { id: "ful_2", items: [{ item_id: "a", quantity: 1 }, { item_id: "b", quantity: 1 }] },
    ]
    const quantities = [
      { id: "a", quantity: 2 },
      { id: "b", quantity: 1 },
    ]
    for (const id of ["ful_1", "ful_2"]) {
      for (const [ta, tb, shipping] of [[0, 0, 0], [2001, 500, 995], [99999, 1, 0]]) {
        const share = fulfillmentShare({
          lines: [{ ...quantities[0], total: ta }, { ...quantities[1], total: tb }],
          shippingTotal: shipping,
          authorized: 7777,
          fulfillments,
          fulfillmentId: id,
        })
        expect(shareNeedsTotals({ lines: quantities, fulfillments, fulfillmentId: id })).toBe(share.upTo !== null)
      }
    }
  })

  it("refuses a fulfillment that is not the order's", () => {
    expect(() => shareNeedsTotals({ lines, fulfillments: [f("ful_1", 1)], fulfillmentId: "ful_x" })).toThrow(/not among/)
  })
})
