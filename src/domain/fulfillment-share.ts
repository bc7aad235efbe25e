/**
 * How much a fulfillment (or its shipment) captures, from the order's lines.
 * Pure, so the rule is table-tested:
 * - each fulfilled line contributes its total (after discounts, with tax)
 *   times the fulfilled share of its quantity, rounded to the minor unit;
 * - the first fulfillment (in creation order) also carries the shipping;
 * - the fulfillment that completes the order carries what the others did not,
 *   so rounding never strands a cent: its amount is the authorized amount
 *   minus the shares of the fulfillments before it.
 * The result depends only on the order's fulfillments, not on the order in
 * which their events arrive. The caller caps it by what is still capturable.
 */
export type OrderLine = { id: string; quantity: number; total: number }
export type FulfillmentLine = { item_id: string; quantity: number }
export type OrderFulfillment = { id: string; items: FulfillmentLine[] }

export type FulfillmentShare = { amount: number; first: boolean; last: boolean }

export function fulfillmentShare(input: {
  lines: OrderLine[]
  /** Shipping total with tax. */
  shippingTotal: number
  authorized: number
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
  if (!last) return { amount: Math.max(0, shareOf(input.fulfillments[index], index)), first, last }
  const before = input.fulfillments.slice(0, index).reduce((sum, f, i) => sum + shareOf(f, i), 0)
  return { amount: Math.max(0, input.authorized - before), first, last }
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
 * does not when the fulfillment is both the first and the one that completes
 * the order (everything shipped at once): it then carries the whole
 * authorized amount. Working out Medusa's line totals costs a dozen queries,
 * which this common case can skip; only the lines' quantities are needed.
 */
export function shareNeedsTotals(input: {
  lines: ReadonlyArray<{ id: string; quantity: number }>
  fulfillments: OrderFulfillment[]
  fulfillmentId: string
}): boolean {
  const index = input.fulfillments.findIndex((f) => f.id === input.fulfillmentId)
  if (index === -1) throw new Error(`fulfillment ${input.fulfillmentId} is not among the order's fulfillments`)
  return !(index === 0 && completingIndex(input.lines, input.fulfillments) === 0)
}
