/**
 * Pins the Clover lookup verdicts with whole expected objects (messages and candidates
 * included) and the paging edges, so that mutation testing (docs/mutation-testing.md) finds no
 * changed comparison or literal that every test lets through.
 */
import {
  MAX_REFUND_PAGES,
  REFUND_KEY_METADATA,
  REFUND_MATCH_WINDOW,
  REFUND_PAGE_SIZE,
  collectPages,
  inWindow,
  matchCapture,
  matchRefundById,
  matchRefundInList,
  refundCandidate,
  type RefundWant,
} from "../lookup"
import type { CloverCharge, CloverList, CloverRefund } from "../types"

const CH = "CH1"
const T0 = Date.UTC(2026, 0, 15, 12, 0, 0)
const ISO0 = "2026-01-15T12:00:00.000Z"

const charge = (over: Partial<CloverCharge> = {}): CloverCharge => ({
  id: CH,
  amount: 5000,
  amount_captured: 0,
  currency: "usd",
  captured: false,
  status: "succeeded",
  ...over,
})
const refund = (id: string, over: Partial<CloverRefund> = {}): CloverRefund => ({
  id,
  amount: 500,
  charge: CH,
  currency: "usd",
  created: T0,
  status: "succeeded",
  ...over,
})
const keyed = (id: string, key: string, over: Partial<CloverRefund> = {}) => refund(id, { metadata: { idempotency_key: key }, ...over })
const want = (over: Partial<RefundWant> = {}): RefundWant => ({ chargeId: CH, key: "k", amount: 500, requestedAt: T0, ...over })
const cand = (id: string, amount = 500) => ({ id, amount, status: "succeeded", created: ISO0 })

describe("constants", () => {
  it("are Clover's limits and our window", () => {
    expect(REFUND_KEY_METADATA).toBe("idempotency_key")
    expect(REFUND_PAGE_SIZE).toBe(100)
    expect(MAX_REFUND_PAGES).toBe(20)
    expect(REFUND_MATCH_WINDOW).toEqual({ beforeMs: 300_000, afterMs: 900_000 })
  })
})

describe("refundCandidate", () => {
  it("names id, amount, status and created as an ISO time", () => {
    expect(refundCandidate(refund("R1"))).toStrictEqual({ id: "R1", amount: 500, status: "succeeded", created: ISO0 })
  })

  it.each([undefined, NaN, Infinity])("leaves out a created of %p", (created) => {
    expect(refundCandidate(refund("R1", { created }))).toStrictEqual({ id: "R1", amount: 500, status: "succeeded", created: undefined })
  })
})

describe("matchCapture", () => {
  it("a mismatch names both amounts and the capture", () => {
    expect(matchCapture(charge({ captured: true, amount_captured: 3000 }), { amount: 5000 })).toStrictEqual({
      kind: "discrepancy",
      reason: "mismatch",
      message:
        "Clover shows charge CH1 captured for 3000, but this capture asked for 5000. " +
        "Clover captures a charge once, so that capture was not made at this amount by this request: " +
        "the capture is left as it is for someone to check the charge in Clover.",
      candidates: [{ id: "CH1:capture", amount: 3000, status: "succeeded" }],
    })
  })

  it("a charge captured without amount_captured is a discrepancy (amount unknown), never ours at our amount", () => {
    const c = charge({ captured: true, amount_captured: undefined })
    expect(matchCapture(c, { amount: 5000 })).toStrictEqual({
      kind: "discrepancy",
      reason: "amount_unknown",
      message:
        "Clover shows charge CH1 captured but not for how much (no amount_captured); this capture asked for 5000. " +
        "Whether it was this request's capture cannot be told: the capture is left as it is for someone to check the charge in Clover.",
      candidates: [{ id: "CH1:capture", amount: 5000, status: "succeeded" }],
    })
    expect(matchCapture(c, {})).toMatchObject({ kind: "discrepancy", reason: "amount_unknown", candidates: [{ amount: 0 }] })
    expect(matchCapture(charge(), {})).toStrictEqual({ kind: "none" })
  })
})

describe("matchRefundById", () => {
  it("another charge", () => {
    expect(matchRefundById(refund("R1", { charge: "CH2" }), { chargeId: CH, amount: 500 })).toStrictEqual({
      kind: "discrepancy",
      reason: "mismatch",
      message: "Clover refund R1 belongs to charge CH2, not to this payment's charge CH1.",
      candidates: [cand("R1")],
    })
  })

  it("another amount", () => {
    expect(matchRefundById(refund("R1", { amount: 501 }), { chargeId: CH, amount: 500 })).toStrictEqual({
      kind: "discrepancy",
      reason: "mismatch",
      message: "Clover refund R1 on charge CH1 is for 501, but this refund asked for 500.",
      candidates: [cand("R1", 501)],
    })
  })

  it("without an amount, the charge is enough", () => {
    const r = refund("R1", { amount: 501 })
    expect(matchRefundById(r, { chargeId: CH })).toStrictEqual({ kind: "match", item: r, by: "id" })
  })
})

describe("matchRefundInList", () => {
  it("two refunds with our key", () => {
    expect(matchRefundInList([keyed("R1", "k"), keyed("R2", "k")], true, want())).toStrictEqual({
      kind: "discrepancy",
      reason: "ambiguous",
      message: "2 refunds on Clover charge CH1 carry this refund's key: the charge may have been refunded more than once.",
      candidates: [cand("R1"), cand("R2")],
    })
  })

  it("our key on another charge does not count", () => {
    expect(matchRefundInList([keyed("R1", "k", { charge: "CH2" })], true, want({ keyOnly: true }))).toStrictEqual({ kind: "none" })
  })

  it("a key that is not a string is no key", () => {
    const r = refund("R1", { metadata: { idempotency_key: 5 } })
    expect(matchRefundInList([r], true, want())).toStrictEqual({ kind: "match", item: r, by: "fields" })
    expect(matchRefundInList([r], true, want({ keyOnly: true }))).toStrictEqual({ kind: "none" })
  })

  it("our key at another amount", () => {
    expect(matchRefundInList([keyed("R1", "k", { amount: 400 })], true, want())).toStrictEqual({
      kind: "discrepancy",
      reason: "mismatch",
      message: "Clover refund R1 carries this refund's key but is for 400, not the 500 asked for.",
      candidates: [cand("R1", 400)],
    })
  })

  it("our key and no amount wanted: ours", () => {
    const r = keyed("R1", "k", { amount: 400 })
    expect(matchRefundInList([r], false, want({ amount: undefined }))).toStrictEqual({ kind: "match", item: r, by: "key" })
  })

  it("no amount wanted and no key found: none when complete, else incomplete", () => {
    expect(matchRefundInList([refund("R1")], true, want({ amount: undefined }))).toStrictEqual({ kind: "none" })
    expect(matchRefundInList([refund("R1")], false, want({ amount: undefined }))).toStrictEqual({
      kind: "discrepancy",
      reason: "incomplete",
      message: "Clover's refund list of charge CH1 could not be read to its end; no refund read so far carries this refund's key.",
      candidates: [],
    })
  })

  it("keyOnly with an incomplete list", () => {
    expect(matchRefundInList([refund("R1")], false, want({ keyOnly: true }))).toMatchObject({ kind: "discrepancy", reason: "incomplete", candidates: [] })
  })

  it("an incomplete list names the refunds read so far that fit", () => {
    expect(matchRefundInList([refund("R1"), refund("R2", { amount: 1 }), keyed("R3", "other")], false, want())).toStrictEqual({
      kind: "discrepancy",
      reason: "incomplete",
      message: "Clover's refund list of charge CH1 could not be read to its end: 1 refund(s) of 500 read so far could be this one, more may follow.",
      candidates: [cand("R1")],
    })
  })

  it("several fitting refunds", () => {
    expect(matchRefundInList([refund("R1"), refund("R2", { created: undefined })], true, want())).toStrictEqual({
      kind: "discrepancy",
      reason: "ambiguous",
      message:
        "2 refunds of 500 on Clover charge CH1, made when this one was sent and without its key, could each be this refund.",
      candidates: [cand("R1"), { id: "R2", amount: 500, status: "succeeded", created: undefined }],
    })
  })

  it("the window is the one given, at its edges", () => {
    const window = { beforeMs: 10, afterMs: 20 }
    const at = (created: number) => matchRefundInList([refund("R1", { created })], true, want(), window).kind
    expect(at(T0 - 10)).toBe("match")
    expect(at(T0 - 11)).toBe("none")
    expect(at(T0 + 20)).toBe("match")
    expect(at(T0 + 21)).toBe("none")
  })

  it("a refund on another charge never fits", () => {
    expect(matchRefundInList([refund("R1", { charge: "CH2" })], true, want())).toStrictEqual({ kind: "none" })
  })
})

describe("inWindow", () => {
  it.each<[number | undefined, number | undefined, boolean]>([
    [T0, T0, true],
    [T0 - 300_000, T0, true],
    [T0 - 300_001, T0, false],
    [T0 + 900_000, T0, true],
    [T0 + 900_001, T0, false],
    [undefined, T0, true],
    [NaN, T0, true],
    [Infinity, T0, true],
    [0, undefined, true],
  ])("created %p, requested %p -> %p", (created, requestedAt, expected) => {
    expect(inWindow(created, requestedAt)).toBe(expected)
  })

  it("a string time cannot be placed", () => {
    expect(inWindow("x" as unknown as number, T0)).toBe(true)
  })
})

describe("collectPages", () => {
  type Item = { id: string }
  const page = (ids: string[], has_more?: boolean): CloverList<Item> =>
    has_more === undefined ? { data: ids.map((id) => ({ id })) } : { data: ids.map((id) => ({ id })), has_more }

  function scripted(pages: Array<CloverList<Item>>) {
    const cursors: Array<string | undefined> = []
    let i = 0
    const fetchPage = async (after: string | undefined) => {
      cursors.push(after)
      return pages[i++] ?? page([], false)
    }
    return { fetchPage, cursors }
  }

  it("one short page without has_more is the whole list", async () => {
    const s = scripted([page(["a", "b"])])
    expect(await collectPages(s.fetchPage, { pageSize: 3, maxPages: 5 })).toStrictEqual({ items: [{ id: "a" }, { id: "b" }], complete: true, pages: 1 })
    expect(s.cursors).toEqual([undefined])
  })

  it("a full page without has_more is followed, from its last id", async () => {
    const s = scripted([page(["a", "b"]), page(["c"])])
    expect(await collectPages(s.fetchPage, { pageSize: 2, maxPages: 5 })).toStrictEqual({
      items: [{ id: "a" }, { id: "b" }, { id: "c" }],
      complete: true,
      pages: 2,
    })
    expect(s.cursors).toEqual([undefined, "b"])
  })

  it("has_more false ends the list even after a full page", async () => {
    const s = scripted([page(["a", "b"], false)])
    expect(await collectPages(s.fetchPage, { pageSize: 2, maxPages: 5 })).toStrictEqual({ items: [{ id: "a" }, { id: "b" }], complete: true, pages: 1 })
  })

  it("has_more true follows a short page; repeated items are kept once", async () => {
    const s = scripted([page(["a"], true), page(["a", "b"], false)])
    expect(await collectPages(s.fetchPage, { pageSize: 5, maxPages: 5 })).toStrictEqual({ items: [{ id: "a" }, { id: "b" }], complete: true, pages: 2 })
    expect(s.cursors).toEqual([undefined, "a"])
  })

  it("a page with nothing new while has_more is true: incomplete", async () => {
    const s = scripted([page(["a"], true), page(["a"], true)])
    expect(await collectPages(s.fetchPage, { pageSize: 5, maxPages: 5 })).toStrictEqual({ items: [{ id: "a" }], complete: false, pages: 2 })
  })

  it("a full page with nothing new and has_more absent: complete (the list repeats its end)", async () => {
    const s = scripted([page(["a", "b"]), page(["a", "b"])])
    expect(await collectPages(s.fetchPage, { pageSize: 2, maxPages: 5 })).toStrictEqual({ items: [{ id: "a" }, { id: "b" }], complete: true, pages: 2 })
  })

  it("an empty page with has_more true: incomplete at once", async () => {
    const s = scripted([page([], true)])
    expect(await collectPages(s.fetchPage, { pageSize: 2, maxPages: 5 })).toStrictEqual({ items: [], complete: false, pages: 1 })
  })

  it("stops at maxPages exactly", async () => {
    const s = scripted([page(["a"], true), page(["b"], true), page(["c"], true)])
    expect(await collectPages(s.fetchPage, { pageSize: 1, maxPages: 2 })).toStrictEqual({ items: [{ id: "a" }, { id: "b" }], complete: false, pages: 2 })
    expect(s.cursors).toEqual([undefined, "a"])
  })

  it("the last of maxPages pages may end the list", async () => {
    const s = scripted([page(["a"], true), page(["b"], false)])
    expect(await collectPages(s.fetchPage, { pageSize: 1, maxPages: 2 })).toStrictEqual({ items: [{ id: "a" }, { id: "b" }], complete: true, pages: 2 })
  })

  it("zero pages allowed reads nothing", async () => {
    const s = scripted([page(["a"], false)])
    expect(await collectPages(s.fetchPage, { pageSize: 1, maxPages: 0 })).toStrictEqual({ items: [], complete: false, pages: 0 })
    expect(s.cursors).toEqual([])
  })
})

describe("matchRefundInList: refunds the ledger already holds for other rows", () => {
  it("a refund of the same amount that another row already holds is never this row's (found by the fault suite under the strictest contract)", () => {
    const theirs = { id: "R1", object: "refund", amount: 1384, charge: "CH1", created: 1_000_000, status: "succeeded" } as never
    const ours = { id: "R2", object: "refund", amount: 1384, charge: "CH1", created: 1_000_500, status: "succeeded" } as never
    const want = { chargeId: "CH1", key: "capref_2", amount: 1384, requestedAt: 1_000_400 }
    expect(matchRefundInList([theirs], true, { ...want, claimedIds: ["R1"] })).toStrictEqual({ kind: "none" })
    expect(matchRefundInList([ours, theirs], true, { ...want, claimedIds: ["R1"] })).toMatchObject({ kind: "match", item: { id: "R2" }, by: "fields" })
    expect(matchRefundInList([ours, theirs], true, want)).toMatchObject({ kind: "discrepancy", reason: "ambiguous" })
  })
})
