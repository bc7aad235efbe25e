import { TransactionBaseService, type OrderService } from "@medusajs/medusa"
import type { EntityManager } from "typeorm"
import { fulfillmentShare, shareNeedsTotals, type OrderFulfillment } from "../domain"
import { GatewayRegistry, isSingleCapture } from "../gateways/registry"
import { captureOnFor, parsePluginOptions, type CaptureTrigger, type PluginOptions } from "../types/options"
import type CaptureService from "./capture"
import type { Capture } from "../models/capture"

/** The ledger's answers that mean "no capture to make", not a failure. */
function isNothingToDo(err: unknown): boolean {
  const e = err as { type?: string; code?: string }
  return (e?.type === "not_allowed" && e.code === "nothing_to_capture") || e?.type === "conflict"
}

export type FulfillmentEvent = {
  /** What the event is about: an order, a swap or a claim. */
  source: "order" | "swap" | "claim"
  trigger: Exclude<CaptureTrigger, "manual">
  /** The order's, swap's or claim's id (the event's `id`). */
  id: string
  fulfillment_id: string
}

type Deps = {
  manager: EntityManager
  captureService: CaptureService
  orderService: OrderService
  logger?: { info(msg: string): void; warn(msg: string): void; error(msg: string, err?: unknown): void }
}

/** `amount`: the authorized amount (the ledger's record of it once it has one). */
type PaymentRow = { id: string; provider_id: string; amount: number; data: Record<string, unknown> | null }
type FulfillmentItemRow = { id: string; item_id: string; quantity: number }
type LineRow = { id: string; quantity: number }
/** An event's payments, and for an order its live fulfillments (oldest first) and line quantities. */
type EventFacts = { payments: PaymentRow[]; fulfillments: OrderFulfillment[]; lines: LineRow[] }

/**
 * Captures on fulfillment or shipment (`captureOn`), from the event Medusa
 * emits for it. Each fulfillment captures its share of the order
 * (domain/fulfillment-share); the capture is keyed by the fulfillment, so a
 * repeated event is answered with the capture already made. A failed capture
 * stays on the ledger (with its error and event) for an operator to retry; it
 * never throws back into the event bus, so fulfilling is never blocked.
 */
export default class AutoCaptureService extends TransactionBaseService {
  static LIFE_TIME = "SINGLETON"

  private readonly options: PluginOptions
  private readonly registry: GatewayRegistry

  constructor(private readonly deps: Deps, options?: unknown) {
    super(deps, options as Record<string, unknown>)
    this.options = parsePluginOptions(options)
    this.registry = new GatewayRegistry(this.options)
  }

  async handle(event: FulfillmentEvent): Promise<void> {
    try {
      await this.captureFor(event)
    } catch (err) {
      this.deps.logger?.error(
        `captures: automatic capture for ${event.source} ${event.id}, fulfillment ${event.fulfillment_id} failed: ${(err as Error).message}`,
        err
      )
    }
  }

  private async captureFor(event: FulfillmentEvent): Promise<void> {
    if (event.source === "claim") return // claims carry no payment of their own in Medusa v1
    const facts = await this.factsFor(event)
    for (const payment of facts.payments) {
      if (captureOnFor(this.options, payment.provider_id) !== event.trigger) continue
      const registered = this.registry.get(payment.provider_id)
      if (!registered) continue
      // A swap's payment is the difference only: its first fulfillment takes all
      // of it. A single-capture gateway cannot be captured twice, so its first
      // capture takes everything. Either way "everything" is what is still
      // capturable, decided by the ledger under the payment's lock; so is the
      // amount that brings the payment up to its share of the goods fulfilled (up_to).
      const share =
        event.source === "swap" || isSingleCapture(registered, payment.data) ? undefined : await this.orderShare(event, facts, payment)
      if (share === 0) continue
      let capture: Capture
      try {
        ;({ capture } = await this.deps.captureService.captures.createCapture({
          payment_id: payment.id,
          up_to: share,
          fulfillment_id: event.fulfillment_id,
          description: `${event.trigger === "shipment" ? "Shipment" : "Fulfillment"} ${event.fulfillment_id}`,
          idempotency_key: `${event.trigger}_${event.fulfillment_id}`,
          actor: { type: "subscriber", id: `${event.source}.${event.trigger}` },
        }))
      } catch (err) {
        // Nothing left on this payment (captured by hand, or by an earlier
        // fulfillment), or this fulfillment's capture is on its way already
        // (a repeated event): nothing to do.
        if (isNothingToDo(err)) continue
        throw err
      }
      if (capture.status === "failed") {
        this.deps.logger?.warn(
          `captures: automatic capture ${capture.id} of ${event.source} ${event.id} was declined: ${capture.message ?? "no reason"}; retry it with POST /admin/captures/${capture.id}/retry`
        )
      }
    }
  }

  /**
   * The event's payments, and for an order also its fulfillments' items and its
   * line quantities (what a fulfillment's share is worked out from), in one
   * query.
   */
  private async factsFor(event: FulfillmentEvent): Promise<EventFacts> {
    const column = event.source === "swap" ? "swap_id" : "order_id"
    const order = event.source === "order"
    const rows: Array<{ payments: PaymentRow[] | null; fulfillment_items: FulfillmentItemRow[] | null; lines: LineRow[] | null }> =
      await this.deps.manager.query(
        `SELECT
           (SELECT json_agg(json_build_object('id', p.id, 'provider_id', p.provider_id, 'data', p.data,
                                              'amount', COALESCE(a.authorized_amount, p.amount)) ORDER BY p.created_at)
              FROM payment p LEFT JOIN capture_authorization a ON a.payment_id = p.id
             WHERE p.${column} = $1 AND p.canceled_at IS NULL) AS payments,
           (SELECT json_agg(json_build_object('id', f.id, 'item_id', fi.item_id, 'quantity', fi.quantity) ORDER BY f.created_at, f.id)
              FROM fulfillment f JOIN fulfillment_item fi ON fi.fulfillment_id = f.id
             WHERE $2 AND f.order_id = $1 AND f.canceled_at IS NULL) AS fulfillment_items,
           (SELECT json_agg(json_build_object('id', id, 'quantity', quantity))
              FROM line_item WHERE $2 AND order_id = $1) AS lines`,
        [event.id, order]
      )
    const { payments, fulfillment_items, lines } = rows[0]
    const fulfillments: OrderFulfillment[] = []
    for (const row of fulfillment_items ?? []) {
      let f = fulfillments[fulfillments.length - 1]
      if (!f || f.id !== row.id) fulfillments.push((f = { id: row.id, items: [] }))
      f.items.push({ item_id: row.item_id, quantity: row.quantity })
    }
    return { payments: payments ?? [], fulfillments, lines: lines ?? [] }
  }

  /**
   * This fulfillment's share on this payment (domain fulfillment-share), from
   * Medusa's own line and shipping totals; undefined for the fulfillment that
   * completes the order, which takes whatever the payment still has to capture
   * (decided by the ledger under the payment's lock), without working out the
   * order's totals (a dozen queries); 0 when it was canceled meanwhile.
   */
  private async orderShare(
    event: FulfillmentEvent,
    { fulfillments, lines, payments }: EventFacts,
    payment: PaymentRow
  ): Promise<number | undefined> {
    const orderId = event.id
    const fulfillmentId = event.fulfillment_id
    if (!fulfillments.some((f) => f.id === fulfillmentId)) return 0 // canceled meanwhile
    if (!shareNeedsTotals({ lines, fulfillments, fulfillmentId })) return undefined

    const order = await this.deps.orderService.retrieveWithTotals(orderId)
    const share = fulfillmentShare({
      lines: (order.items ?? []).map((i) => ({ id: i.id, quantity: i.quantity, total: i.total ?? 0 })),
      shippingTotal: (order.shipping_methods ?? []).reduce((sum, m) => sum + (m.total ?? 0), 0),
      authorized: payment.amount,
      orderAuthorized: payments.reduce((sum, p) => sum + p.amount, 0),
      fulfillments,
      fulfillmentId,
    })
    return share.upTo ?? undefined
  }
}
