/**
 * How far a fulfillment (or its shipment) brings a payment's captures, from
 * the order's lines. Pure, so the rule is table-tested:
 * - a fulfillment's value: each fulfilled line's total (after discounts, with
 *   tax) times the fulfilled share of its quantity, rounded to the minor
 *   unit; the first live fulfillment (in creation order) also carries the
 *   shipping;
 * - the goods fulfilled so far are worth the values of the order's live
 *   fulfillments up to this one; this payment's part of that is it times what
 *   the payment collects over the larger of the order's value and what all its
 *   payments collect, rounded down (one payment for the whole order: all of
 *   it; a gift card or a second payment paid the rest: its part; several
 *   payments never add up to more than the goods are worth);
 * - the capture then takes what brings the payment's captures up to that
 *   (amountUpTo, decided by the ledger under the payment's lock): what was
 *   captured by hand, or for a fulfillment that was canceled and fulfilled
 *   again, is never taken twice;
 * - the fulfillment that completes the order takes whatever the payment still
 *   has to capture (`upTo: null`): rounding never strands a cent.
 * The result depends only on the order's live fulfillments, not on the order
 * in which their events arrive.
 */
export type OrderLine = { id: string; quantity: number; total: number }
export type FulfillmentLine = { item_id: string; quantity: number }
export type OrderFulfillment = { id: string; items: FulfillmentLine[] }

/**
 * `upTo`: the payment's captures (succeeded and on their way) once this
 * fulfillment is paid for; null for the completing fulfillment, which takes
 * what the payment still has to capture.
 */
export type FulfillmentShare = { upTo: number | null; first: boolean; last: boolean }

export function fulfillmentShare(input: {
  lines: OrderLine[]
  /** Shipping total with tax. */
  shippingTotal: number
  /** What this payment collects for the order: its authorized amount. */
  authorized: number
  /** What all the order's live payments collect together (default: this payment's `authorized`). */
  orderAuthorized?: number
  /** The order's fulfillments that are not canceled, in creation order; must include `fulfillmentId`. */
  fulfillments: OrderFulfillment[]
  fulfillmentId: string
}): FulfillmentShare {
  const index = input.fulfillments.findIndex((f) => f.id === input.fulfillmentId)
  if (index === -1) throw new Error(`fulfillment ${input.fulfillmentId} is not among the order's fulfillments`)
  const lines = new Map(input.lines.map((l) => [l.id, l]))

  const shareOf = (f: OrderFulfillment, position: number): number => {
    let amount = position === 0 ? input.shippingTotal : 0
    for (const fl of f.items) {
      const line = lines.get(fl.item_id)
      if (!line || line.quantity <= 0) continue
      amount += Math.round((line.total * Math.min(fl.quantity, line.quantity)) / line.quantity)
    }
    return amount
  }

  const last = index === completingIndex(input.lines, input.fulfillments)
  const first = index === 0
  if (last) return { upTo: null, first, last }
  let value = 0
  for (let i = 0; i <= index; i++) value += Math.max(0, shareOf(input.fulfillments[i], i))
  const orderValue = input.shippingTotal + input.lines.reduce((sum, l) => sum + (l.quantity > 0 ? Math.max(0, l.total) : 0), 0)
  const whole = Math.max(orderValue, input.orderAuthorized ?? input.authorized, input.authorized)
  if (whole === 0) return { upTo: 0, first, last }
  return { upTo: Math.floor((value * input.authorized) / whole), first, last }
}

/**
 * What a capture that brings a payment's captures up to `upTo` takes now:
 * the difference to what it has captured or has on its way, never more than
 * is still capturable, never negative (refunds do not make money capturable
 * again: `captured` counts refunded captures too).
 */
export function amountUpTo(upTo: number, totals: { captured: number; pending: number; capturable: number }): number {
  return Math.max(0, Math.min(totals.capturable, upTo - totals.captured - totals.pending))
}

/** The position of the fulfillment after which every line is fully fulfilled (the last one), or -1. */
function completingIndex(lines: ReadonlyArray<{ id: string; quantity: number }>, fulfillments: OrderFulfillment[]): number {
  const fulfilled = new Map<string, number>()
  for (let i = 0; i < fulfillments.length; i++) {
    for (const fl of fulfillments[i].items) fulfilled.set(fl.item_id, (fulfilled.get(fl.item_id) ?? 0) + fl.quantity)
    if (lines.every((l) => l.quantity <= 0 || (fulfilled.get(l.id) ?? 0) >= l.quantity)) return i
  }
  return -1
}

/**
 * Whether a fulfillment's share depends on the line and shipping totals. It
 * does not when the fulfillment completes the order: it then takes whatever
 * the payment still has to capture. Working out Medusa's line totals costs a
 * dozen queries, which this common case (one fulfillment ships the whole
 * order, or the last part of it) can skip: only the lines' quantities are
 * needed to know it.
 */
export function shareNeedsTotals(input: {
  lines: ReadonlyArray<{ id: string; quantity: number }>
  fulfillments: OrderFulfillment[]
  fulfillmentId: string
}): boolean {
  const index = input.fulfillments.findIndex((f) => f.id === input.fulfillmentId)
  if (index === -1) throw new Error(`fulfillment ${input.fulfillmentId} is not among the order's fulfillments`)
  return completingIndex(input.lines, input.fulfillments) !== index
}
