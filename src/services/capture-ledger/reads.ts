import type { PaymentTotals } from "../../domain"
import { Capture } from "../../models/capture"
import { ledgerErrors } from "../ledger/errors"
import { needsOrderLimit, orderOwes } from "../ledger/order-limit"
import { SELECT_LEDGER_PAYMENT, type LockedPayment } from "../ledger/payment-lock"
import { listCaptures, type CaptureFilters, type CaptureList, type Page } from "../ledger/queries"
import type { LedgerContext } from "./context"
import { capturesOf, sortRelations } from "./rows"

export type Expand = Array<"refunds" | "events">

export type OrderSummary = {
  captures: Capture[]
  payments: Array<{ payment_id: string; provider_id: string; currency_code: string; totals: PaymentTotals }>
  totals: PaymentTotals
}

/** What the ledger shows: captures with their refunds and trail, and totals derived from the rows (never stored). */
export class CaptureReads {
  constructor(private readonly ctx: LedgerContext) {}

  async retrieve(id: string, expand: Expand = []): Promise<Capture> {
    const capture = await this.ctx.manager.getRepository(Capture).findOne({
      where: { id },
      relations: { refunds: expand.includes("refunds"), events: expand.includes("events") },
    })
    if (!capture) throw ledgerErrors.notFound("Capture", id)
    sortRelations(capture)
    return capture
  }

  async list(filters: CaptureFilters, page: Page, expand: Expand = []): Promise<CaptureList> {
    const list = await listCaptures(this.ctx.manager, filters, page, expand, this.ctx.options.listCountCap)
    list.captures.forEach(sortRelations)
    return list
  }

  async listForPayment(paymentId: string): Promise<Capture[]> {
    await this.ctx.requirePayment(paymentId)
    return (await this.list({ payment_id: paymentId }, { limit: 1000, offset: 0 }, ["refunds"])).captures
  }

  /** Totals of one payment. */
  async totalsForPayment(paymentId: string): Promise<PaymentTotals> {
    return this.ctx.totalsOf(this.ctx.manager, await this.ctx.requirePayment(paymentId))
  }

  /** A payment's totals with its currency (the release route's answer). */
  async paymentTotals(paymentId: string): Promise<{ totals: PaymentTotals; currency_code: string }> {
    const payment = await this.ctx.requirePayment(paymentId)
    return { totals: await this.ctx.totalsOf(this.ctx.manager, payment), currency_code: payment.currency_code }
  }

  /** An order's captures with totals per payment and for the whole order. */
  async summaryForOrder(orderId: string): Promise<OrderSummary> {
    const m = this.ctx.manager
    const orders: Array<{ id: string }> = await m.query(`SELECT id FROM "order" WHERE id = $1`, [orderId])
    if (orders.length === 0) throw ledgerErrors.notFound("Order", orderId)
    const payments: LockedPayment[] = await m.query(
      `${SELECT_LEDGER_PAYMENT} WHERE p.order_id = $1 OR s.order_id = $1 ORDER BY p.created_at`,
      [orderId]
    )
    // What the order still owes is one ceiling shared by its payments: worked
    // out once, and the order's capturable is never more than it.
    const limited = payments.find(needsOrderLimit)
    const owes = limited ? await orderOwes(m, this.ctx.orderService(), limited.order_id as string) : null
    const perPayment = await Promise.all(
      payments.map(async (p) => ({
        payment_id: p.id,
        provider_id: p.provider_id,
        currency_code: p.currency_code,
        totals: this.ctx.totalsFrom(p, await capturesOf(m, p.id), needsOrderLimit(p) ? owes : null),
      }))
    )
    const { captures } = await this.list({ order_id: orderId }, { limit: 1000, offset: 0 }, ["refunds"])
    const totals = perPayment.reduce<PaymentTotals>(
      (sum, p) => {
        for (const k of Object.keys(sum) as Array<keyof PaymentTotals>) sum[k] += p.totals[k]
        return sum
      },
      { authorized: 0, captured: 0, pending: 0, refunded: 0, refund_pending: 0, capturable: 0, not_owed: 0, refundable: 0 }
    )
    if (owes !== null) {
      const ownCapturable = perPayment.reduce((sum, p, i) => sum + (needsOrderLimit(payments[i]) ? p.totals.capturable : 0), 0)
      const excess = Math.max(0, ownCapturable - owes)
      totals.capturable -= excess
      totals.not_owed += excess
    }
    return { captures, payments: perPayment, totals }
  }
}
