/**
 * Finding a capture or a refund again at Clover when the answer to our call was lost: reading a
 * charge's whole refund list, and deciding whether what Clover shows is the ledger row's
 * operation. Pure except `collectPages`, whose only I/O is the page function it is given.
 *
 * Three answers, never more: it is ours (settle the row as Clover says), there is nothing (the
 * call never arrived), or a discrepancy (something that does not match, several that fit, or a
 * list we could not read to its end), which the gateway throws as `GatewayLookupDiscrepancy` so
 * the row is left as it is and shown to a person. "Not found" is only said after the whole list
 * was read.
 *
 * What is matched, in this order (docs/gateways/clover.md#finding-an-operation-again):
 * - a capture: the charge (Clover captures a charge once) and the captured amount; Clover has no
 *   capture object, no capture time and no capture metadata, so an amount equal to ours is all
 *   that tells our capture from another;
 * - a refund by id: its charge and amount;
 * - a refund without id: our key in its `metadata` when Clover keeps it (undocumented, assumed 10),
 *   else the documented fields: charge, amount and `created` within a window around the row's
 *   creation. A refund carrying another key is another request's and never a candidate.
 */
import type { LookupCandidate, LookupDiscrepancyReason } from "../gateway"
import { captureIdOf, capturedAmountOf } from "./mapper"
import type { CloverCharge, CloverList, CloverRefund } from "./types"

/** Key under which our idempotency key is stored in a refund's metadata (assumed 10). */
export const REFUND_KEY_METADATA = "idempotency_key"

/** Clover's hard limit per list request ("The hard limit is 100 items per request"). */
export const REFUND_PAGE_SIZE = 100

/**
 * Pages read at most for one lookup: 2 000 refunds on one charge. Past that the answer is
 * "cannot tell" (a discrepancy), never "not found", which would get the refund made again.
 */
export const MAX_REFUND_PAGES = 20

/**
 * Around the row's `created_at`, the times a refund of ours can carry at Clover: the call is sent
 * right after the row is written and gives up within 120 s (docs/ledger.md, "When it runs"); minutes
 * of margin on both sides absorb a clock difference between this server and Clover's.
 */
export const REFUND_MATCH_WINDOW = { beforeMs: 5 * 60_000, afterMs: 15 * 60_000 } as const

export type LookupVerdict<T> =
  | { kind: "match"; item: T; by: "key" | "id" | "fields" | "charge" }
  | { kind: "none" }
  | { kind: "discrepancy"; reason: LookupDiscrepancyReason; message: string; candidates: LookupCandidate[] }

const discrepancy = (reason: LookupDiscrepancyReason, message: string, candidates: LookupCandidate[]): LookupVerdict<never> => ({
  kind: "discrepancy",
  reason,
  message,
  candidates,
})

const iso = (ms: number | undefined): string | undefined =>
  typeof ms === "number" && Number.isFinite(ms) ? new Date(ms).toISOString() : undefined

export const refundCandidate = (refund: CloverRefund): LookupCandidate => ({
  id: refund.id,
  amount: refund.amount,
  status: refund.status,
  created: iso(refund.created),
})

// --- captures ----------------------------------------------------------------------------------

/**
 * The capture a charge shows, checked against what the row asked for. Without an amount (a caller
 * that does not say) any capture is taken, as before. A charge that says it is captured without
 * saying for how much cannot be matched: a discrepancy for a person, never ours at our amount.
 */
export function matchCapture(charge: CloverCharge, want: { amount?: number }): LookupVerdict<CloverCharge> {
  const captured = capturedAmountOf(charge)
  if (captured === 0) return { kind: "none" }
  if (captured === null) {
    return discrepancy(
      "amount_unknown",
      `Clover shows charge ${charge.id} captured but not for how much (no amount_captured)` +
        (want.amount === undefined ? "" : `; this capture asked for ${want.amount}`) +
        ". Whether it was this request's capture cannot be told: the capture is left as it is for someone to check the charge in Clover.",
      [{ id: captureIdOf(charge.id), amount: want.amount ?? 0, status: "succeeded" }]
    )
  }
  if (want.amount === undefined || captured === want.amount) return { kind: "match", item: charge, by: "charge" }
  return discrepancy(
    "mismatch",
    `Clover shows charge ${charge.id} captured for ${captured}, but this capture asked for ${want.amount}. ` +
      "Clover captures a charge once, so that capture was not made at this amount by this request: " +
      "the capture is left as it is for someone to check the charge in Clover.",
    [{ id: captureIdOf(charge.id), amount: captured, status: "succeeded" }]
  )
}

// --- refunds -----------------------------------------------------------------------------------

/** A refund fetched by the id we stored: ours, unless its charge or amount say otherwise. */
export function matchRefundById(refund: CloverRefund, want: { chargeId: string; amount?: number }): LookupVerdict<CloverRefund> {
  if (refund.charge !== want.chargeId) {
    return discrepancy(
      "mismatch",
      `Clover refund ${refund.id} belongs to charge ${refund.charge}, not to this payment's charge ${want.chargeId}.`,
      [refundCandidate(refund)]
    )
  }
  if (want.amount !== undefined && refund.amount !== want.amount) {
    return discrepancy(
      "mismatch",
      `Clover refund ${refund.id} on charge ${want.chargeId} is for ${refund.amount}, but this refund asked for ${want.amount}.`,
      [refundCandidate(refund)]
    )
  }
  return { kind: "match", item: refund, by: "id" }
}

export type RefundWant = {
  chargeId: string
  /** Our idempotency key (the ledger row's id), sent in the refund's metadata. */
  key: string
  amount?: number
  /** The row's creation, unix ms. */
  requestedAt?: number
  /** Only a refund carrying our key counts (the gateway's own check after `charge_already_refunded`). */
  keyOnly?: boolean
  /** Refund ids the ledger holds for its other refunds of this payment: never this one's. */
  claimedIds?: readonly string[]
}

const keyOf = (refund: CloverRefund): string | undefined => {
  const value = refund.metadata?.[REFUND_KEY_METADATA]
  return typeof value === "string" ? value : undefined
}

/** A refund without a known `created`, or a row without a time, cannot be placed outside the window. */
export function inWindow(created: number | undefined, requestedAt: number | undefined, window = REFUND_MATCH_WINDOW): boolean {
  if (requestedAt === undefined || typeof created !== "number" || !Number.isFinite(created)) return true
  return created >= requestedAt - window.beforeMs && created <= requestedAt + window.afterMs
}

/**
 * Our refund in a charge's refund list. `complete` says whether the list was read to its end:
 * without it, "none" and a match on documented fields alone cannot be concluded (another page
 * might hold our refund, or a second candidate).
 */
export function matchRefundInList(
  refunds: readonly CloverRefund[],
  complete: boolean,
  want: RefundWant,
  window = REFUND_MATCH_WINDOW
): LookupVerdict<CloverRefund> {
  const onCharge = refunds.filter((refund) => refund.charge === want.chargeId)
  const keyed = onCharge.filter((refund) => keyOf(refund) === want.key)
  if (keyed.length > 1) {
    return discrepancy(
      "ambiguous",
      `${keyed.length} refunds on Clover charge ${want.chargeId} carry this refund's key: the charge may have been refunded more than once.`,
      keyed.map(refundCandidate)
    )
  }
  if (keyed.length === 1) {
    const [refund] = keyed
    if (want.amount !== undefined && refund.amount !== want.amount) {
      return discrepancy(
        "mismatch",
        `Clover refund ${refund.id} carries this refund's key but is for ${refund.amount}, not the ${want.amount} asked for.`,
        [refundCandidate(refund)]
      )
    }
    return { kind: "match", item: refund, by: "key" }
  }

  const unread = `Clover's refund list of charge ${want.chargeId} could not be read to its end`
  if (want.keyOnly || want.amount === undefined) {
    return complete ? { kind: "none" } : discrepancy("incomplete", `${unread}; no refund read so far carries this refund's key.`, [])
  }
  // Documented fields: a refund at our amount, made when ours was sent, that is not another request's
  // (no other key on it, and not a refund the ledger already holds for another row).
  const claimed = new Set(want.claimedIds ?? [])
  const fits = onCharge.filter(
    (refund) =>
      keyOf(refund) === undefined && !claimed.has(refund.id) && refund.amount === want.amount && inWindow(refund.created, want.requestedAt, window)
  )
  if (!complete) {
    return discrepancy(
      "incomplete",
      `${unread}: ${fits.length} refund(s) of ${want.amount} read so far could be this one, more may follow.`,
      fits.map(refundCandidate)
    )
  }
  if (fits.length === 0) return { kind: "none" }
  if (fits.length === 1) return { kind: "match", item: fits[0], by: "fields" }
  return discrepancy(
    "ambiguous",
    `${fits.length} refunds of ${want.amount} on Clover charge ${want.chargeId}, made when this one was sent and without its key, could each be this refund.`,
    fits.map(refundCandidate)
  )
}

// --- paging ------------------------------------------------------------------------------------

export type Collected<T> = {
  items: T[]
  /** Read to the end (`has_more: false`, or a short page when Clover leaves `has_more` out). */
  complete: boolean
  pages: number
}

/**
 * Reads a Clover list to its end with `starting_after` (the last id of the previous page), at most
 * `maxPages` pages. Items are kept once by id: Clover's example of `starting_after` includes the
 * object it names ("a specific order and the four following it"), a Stripe-like API excludes it,
 * and both work. A page that brings nothing new while Clover says `has_more` cannot move the
 * cursor: the list is then incomplete, like a list cut by the page cap.
 */
export async function collectPages<T extends { id: string }>(
  fetchPage: (startingAfter: string | undefined) => Promise<CloverList<T>>,
  opts: { pageSize: number; maxPages: number }
): Promise<Collected<T>> {
  const seen = new Set<string>()
  const items: T[] = []
  let cursor: string | undefined
  for (let pages = 1; pages <= opts.maxPages; pages++) {
    const page = await fetchPage(cursor)
    let fresh = 0
    for (const item of page.data) {
      if (seen.has(item.id)) continue
      seen.add(item.id)
      items.push(item)
      fresh += 1
    }
    // No `has_more` at all: a full page may have a next one, a short page is the last.
    const more = page.has_more === true || (page.has_more === undefined && page.data.length >= opts.pageSize)
    if (!more) return { items, complete: true, pages }
    if (fresh === 0) return { items, complete: page.has_more === undefined, pages }
    cursor = page.data[page.data.length - 1].id
  }
  return { items, complete: false, pages: opts.maxPages }
}
