/**
 * Matching what Clover shows against what a ledger row asked for, and reading a list to its end:
 * pure functions, table-tested. The rule every case checks: a row is only settled by an
 * operation that is ours; anything that does not fit, or a list not read to its end, is a
 * discrepancy, never "none" (which would fail the row and get it done again).
 */
import {
  MAX_REFUND_PAGES,
  REFUND_MATCH_WINDOW,
  collectPages,
  inWindow,
  matchCapture,
  matchRefundById,
  matchRefundInList,
  type RefundWant,
} from "../lookup"
import type { CloverCharge, CloverList, CloverRefund } from "../types"

const CHARGE_ID = "CH0000000001A"
const T0 = Date.UTC(2026, 0, 15, 12, 0, 0)
const MIN = 60_000

const charge = (over: Partial<CloverCharge> = {}): CloverCharge => ({
  id: CHARGE_ID,
  amount: 5000,
  amount_captured: 0,
  amount_refunded: 0,
  currency: "usd",
  captured: false,
  paid: true,
  status: "succeeded",
  ...over,
})

let seq = 0
const refund = (over: Partial<CloverRefund> = {}): CloverRefund => ({
  id: `RF${String(++seq).padStart(11, "0")}`,
  amount: 500,
  charge: CHARGE_ID,
  currency: "usd",
  created: T0 + 2_000,
  status: "succeeded",
  ...over,
})
const keyed = (key: string, over: Partial<CloverRefund> = {}) => refund({ metadata: { idempotency_key: key }, ...over })

const want = (over: Partial<RefundWant> = {}): RefundWant => ({ chargeId: CHARGE_ID, key: "capref_ours", amount: 500, requestedAt: T0, ...over })

describe("matchCapture: the one capture of a charge, at our amount", () => {
  it("an uncaptured, released or failed charge shows no capture", () => {
    expect(matchCapture(charge(), { amount: 5000 })).toEqual({ kind: "none" })
    expect(matchCapture(charge({ refunded: true, amount_refunded: 5000 }), { amount: 5000 })).toEqual({ kind: "none" })
    expect(matchCapture(charge({ status: "failed", paid: false }), { amount: 5000 })).toEqual({ kind: "none" })
    // Clover's own capture sample: amount_captured set but captured: false is no proof (assumed 7).
    expect(matchCapture(charge({ amount_captured: 5000, captured: false }), { amount: 5000 })).toEqual({ kind: "none" })
  })

  it("a capture at our amount is ours", () => {
    const c = charge({ captured: true, amount_captured: 3000 })
    expect(matchCapture(c, { amount: 3000 })).toEqual({ kind: "match", item: c, by: "charge" })
  })

  it("a capture of 3 000 made elsewhere does not settle a request for 5 000 (nor the reverse)", () => {
    const elsewhere = charge({ captured: true, amount_captured: 3000 })
    const verdict = matchCapture(elsewhere, { amount: 5000 })
    expect(verdict).toMatchObject({
      kind: "discrepancy",
      reason: "mismatch",
      candidates: [{ id: `${CHARGE_ID}:capture`, amount: 3000, status: "succeeded" }],
    })
    expect(verdict.kind === "discrepancy" && verdict.message).toMatch(/captured for 3000, but this capture asked for 5000/)
    expect(matchCapture(charge({ captured: true, amount_captured: 5000 }), { amount: 3000 })).toMatchObject({ kind: "discrepancy", reason: "mismatch" })
  })

  it("without an amount to check (a caller that gives none) any capture is taken, as before", () => {
    expect(matchCapture(charge({ captured: true, amount_captured: 3000 }), {})).toMatchObject({ kind: "match" })
  })
})

describe("matchRefundById", () => {
  it("is ours when charge and amount agree", () => {
    const r = refund()
    expect(matchRefundById(r, { chargeId: CHARGE_ID, amount: 500 })).toEqual({ kind: "match", item: r, by: "id" })
  })

  it("another amount or another charge is a discrepancy", () => {
    expect(matchRefundById(refund({ amount: 499 }), { chargeId: CHARGE_ID, amount: 500 })).toMatchObject({ kind: "discrepancy", reason: "mismatch" })
    expect(matchRefundById(refund({ charge: "CHOTHER000001" }), { chargeId: CHARGE_ID, amount: 500 })).toMatchObject({
      kind: "discrepancy",
      reason: "mismatch",
    })
  })
})

describe("matchRefundInList", () => {
  it("our key wins, wherever and whenever the refund is", () => {
    const ours = keyed("capref_ours", { created: T0 + 3 * 60 * MIN })
    const list = [refund(), keyed("capref_other"), ours, refund({ amount: 1 })]
    expect(matchRefundInList(list, true, want())).toEqual({ kind: "match", item: ours, by: "key" })
    // Also in a list not read to its end: the refund carrying our key is ours.
    expect(matchRefundInList(list, false, want())).toEqual({ kind: "match", item: ours, by: "key" })
  })

  it("our key on a refund of another amount, or on two refunds, is a discrepancy", () => {
    expect(matchRefundInList([keyed("capref_ours", { amount: 400 })], true, want())).toMatchObject({ kind: "discrepancy", reason: "mismatch" })
    const twice = matchRefundInList([keyed("capref_ours"), keyed("capref_ours")], true, want())
    expect(twice).toMatchObject({ kind: "discrepancy", reason: "ambiguous" })
    expect(twice.kind === "discrepancy" && twice.candidates).toHaveLength(2)
  })

  it("without our key: the one refund on the documented fields (charge, amount, created in the window)", () => {
    const fits = refund()
    const list = [fits, refund({ amount: 499 }), refund({ charge: "CHOTHER000001" }), keyed("capref_other")]
    expect(matchRefundInList(list, true, want())).toEqual({ kind: "match", item: fits, by: "fields" })
  })

  it("a refund carrying another request's key is never a candidate, whatever its amount and time", () => {
    expect(matchRefundInList([keyed("capref_other"), keyed("capref_third")], true, want())).toEqual({ kind: "none" })
  })

  it("refunds created well before or after our request are not ours", () => {
    const early = refund({ created: T0 - REFUND_MATCH_WINDOW.beforeMs - 1 })
    const late = refund({ created: T0 + REFUND_MATCH_WINDOW.afterMs + 1 })
    expect(matchRefundInList([early, late], true, want())).toEqual({ kind: "none" })
  })

  it("two refunds that fit equally are ambiguous, not a guess", () => {
    const verdict = matchRefundInList([refund(), refund({ created: T0 + MIN })], true, want())
    expect(verdict).toMatchObject({ kind: "discrepancy", reason: "ambiguous" })
    expect(verdict.kind === "discrepancy" && verdict.candidates.map((c) => c.amount)).toEqual([500, 500])
  })

  it("a list not read to its end is never 'none', nor settled on documented fields alone", () => {
    expect(matchRefundInList([refund({ amount: 1 })], false, want())).toMatchObject({ kind: "discrepancy", reason: "incomplete" })
    expect(matchRefundInList([refund()], false, want())).toMatchObject({ kind: "discrepancy", reason: "incomplete" })
    expect(matchRefundInList([], false, want({ keyOnly: true }))).toMatchObject({ kind: "discrepancy", reason: "incomplete" })
  })

  it("keyOnly (after charge_already_refunded) takes only a refund carrying our key", () => {
    expect(matchRefundInList([refund()], true, want({ keyOnly: true }))).toEqual({ kind: "none" })
    expect(matchRefundInList([keyed("capref_ours")], true, want({ keyOnly: true }))).toMatchObject({ kind: "match", by: "key" })
  })
})

describe("inWindow", () => {
  it("bounds created by the row's time, minutes of clock difference allowed on both sides", () => {
    expect(inWindow(T0 - REFUND_MATCH_WINDOW.beforeMs, T0)).toBe(true)
    expect(inWindow(T0 + REFUND_MATCH_WINDOW.afterMs, T0)).toBe(true)
    expect(inWindow(T0 - REFUND_MATCH_WINDOW.beforeMs - 1, T0)).toBe(false)
    expect(inWindow(T0 + REFUND_MATCH_WINDOW.afterMs + 1, T0)).toBe(false)
  })

  it("an unknown time on either side cannot exclude a refund", () => {
    expect(inWindow(undefined, T0)).toBe(true)
    expect(inWindow(T0 - 365 * 24 * 60 * MIN, undefined)).toBe(true)
  })
})

describe("collectPages", () => {
  type Item = { id: string }
  const items = (n: number): Item[] => Array.from({ length: n }, (_, i) => ({ id: `R${String(i).padStart(4, "0")}` }))

  /** A list server paging `all` newest first; `inclusive`: starting_after answers the named item too. */
  function server(all: Item[], opts: { pageSize: number; inclusive: boolean; hasMore?: "omit" }) {
    const cursors: Array<string | undefined> = []
    const fetchPage = async (after: string | undefined): Promise<CloverList<Item>> => {
      cursors.push(after)
      let start = 0
      if (after !== undefined) start = all.findIndex((item) => item.id === after) + (opts.inclusive ? 0 : 1)
      const data = all.slice(start, start + opts.pageSize)
      return opts.hasMore === "omit" ? { data } : { data, has_more: start + opts.pageSize < all.length }
    }
    return { fetchPage, cursors }
  }

  it.each([
    ["excludes", false],
    ["includes (Clover's example)", true],
  ])("reads every page once when starting_after %s the named item", async (_label, inclusive) => {
    const all = items(23)
    const { fetchPage, cursors } = server(all, { pageSize: 10, inclusive })
    const got = await collectPages(fetchPage, { pageSize: 10, maxPages: 10 })
    expect(got.complete).toBe(true)
    expect(got.items.map((i) => i.id)).toEqual(all.map((i) => i.id))
    expect(cursors[0]).toBeUndefined()
    expect(cursors[1]).toBe(all[9].id)
  })

  it("without has_more: a full page is followed, a short page ends the list", async () => {
    const all = items(20)
    const got = await collectPages(server(all, { pageSize: 10, inclusive: false, hasMore: "omit" }).fetchPage, { pageSize: 10, maxPages: 10 })
    expect(got).toMatchObject({ complete: true })
    expect(got.items).toHaveLength(20)
  })

  it("stops at the page cap with complete: false (cannot tell), never as if the list had ended", async () => {
    let n = 0
    const endless = async (): Promise<CloverList<Item>> => ({ data: [{ id: `X${++n}` }], has_more: true })
    const got = await collectPages(endless, { pageSize: 1, maxPages: MAX_REFUND_PAGES })
    expect(got).toMatchObject({ complete: false, pages: MAX_REFUND_PAGES })
    expect(got.items).toHaveLength(MAX_REFUND_PAGES)
  })

  it("a cursor that does not move (has_more, nothing new) is incomplete, not an endless loop", async () => {
    const stuck = async (): Promise<CloverList<Item>> => ({ data: [{ id: "SAME" }], has_more: true })
    const got = await collectPages(stuck, { pageSize: 1, maxPages: 50 })
    expect(got).toMatchObject({ complete: false, pages: 2 })
  })
})
