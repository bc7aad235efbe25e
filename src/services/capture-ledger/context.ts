import type { OrderService } from "@medusajs/medusa"
import type { EntityManager } from "typeorm"
import { derivePaymentTotals, type PaymentTotals } from "../../domain"
import { GatewayRegistry, isSingleCapture, type CaptureContext, type RegisteredGateway } from "../../gateways/registry"
import type { Capture } from "../../models/capture"
import type { PluginOptions } from "../../types/options"
import { fromDatabaseError, fromDomainError, ledgerErrors } from "../ledger/errors"
import { needsOrderLimit, orderOwes } from "../ledger/order-limit"
import { SELECT_LEDGER_PAYMENT, type LockedPayment } from "../ledger/payment-lock"
import { retryTransientTransaction } from "../ledger/transaction-retry"
import { capturesOf } from "./rows"

export type LedgerLogger = { warn(msg: string): void; error(msg: string, err?: unknown): void }

/**
 * What every part of the ledger shares: the database, the configured gateways,
 * the options, and the ways the ledger reads a payment and writes under its
 * lock. One instance per process (the gateways' HTTP clients are shared).
 */
export class LedgerContext {
  readonly registry: GatewayRegistry

  constructor(
    readonly manager: EntityManager,
    readonly options: PluginOptions,
    /** Medusa's order service, resolved when first needed (it is registered after the plugin's services). */
    readonly orderService: () => OrderService,
    readonly logger?: LedgerLogger
  ) {
    this.registry = new GatewayRegistry(options)
  }

  write<T>(work: (m: EntityManager) => Promise<T>): Promise<T> {
    // Always a fresh transaction on the root manager: the ledger's commits
    // must not wait for (or roll back with) a caller's transaction. A
    // deadlock victim runs again (database work only; transaction-retry.ts).
    return this.guard(() => retryTransientTransaction(() => this.manager.transaction(work)))
  }

  /** Database and domain errors become the ledger's typed errors. */
  async guard<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work()
    } catch (err) {
      throw fromDomainError(fromDatabaseError(err))
    }
  }

  requireGateway(payment: LockedPayment): RegisteredGateway {
    const registered = this.registry.get(payment.provider_id)
    if (!registered) {
      throw ledgerErrors.notAllowed(
        `Payment ${payment.id} uses provider "${payment.provider_id}", which medusa-plugin-captures does not handle ` +
          `(configured: ${this.registry.providerIds().join(", ") || "none"})`,
        "provider_not_supported"
      )
    }
    return registered
  }

  /** A payment as the ledger reads it, without a lock. */
  async requirePayment(paymentId: string): Promise<LockedPayment> {
    const rows: LockedPayment[] = await this.manager.query(`${SELECT_LEDGER_PAYMENT} WHERE p.id = $1`, [paymentId])
    if (rows.length === 0) throw ledgerErrors.notFound("Payment", paymentId)
    return rows[0]
  }

  /** Totals of one payment, derived from its rows (never stored), within what its order owes. */
  async totalsOf(m: EntityManager, payment: LockedPayment): Promise<PaymentTotals> {
    const owes = needsOrderLimit(payment) ? await orderOwes(m, this.orderService(), payment.order_id) : null
    return this.totalsFrom(payment, await capturesOf(m, payment.id), owes)
  }

  totalsFrom(payment: LockedPayment, captures: Capture[], orderOwes: number | null = null): PaymentTotals {
    // On a single-capture gateway the first capture that was not refused uses
    // the authorization up: nothing it left can be captured (whether the gateway
    // released it is the gateway's: Clover does not document it). A closed
    // authorization (released by the operator) has nothing left either.
    const spent = isSingleCapture(this.registry.get(payment.provider_id), payment.data) && captures.some((c) => c.status !== "failed")
    return derivePaymentTotals({
      authorized: payment.amount,
      canceled: payment.canceled_at !== null || payment.closed_at != null || spent,
      captures: captures.map((c) => ({ status: c.status, amount: c.amount, refunds: c.refunds ?? [] })),
      orderOwes,
    })
  }

  /** The order facts a gateway may want with a capture (Clover's receipt email and level 2 tax). */
  async captureContext(payment: LockedPayment, amount: number): Promise<CaptureContext> {
    const ctx: CaptureContext = { amount, authorized: payment.amount, orderEmail: null, orderDisplayId: null, orderTaxTotal: null }
    if (!payment.order_id) return ctx
    const order = await this.orderService().retrieveWithTotals(payment.order_id)
    return { ...ctx, orderEmail: order.email ?? null, orderDisplayId: order.display_id ?? null, orderTaxTotal: order.tax_total ?? null }
  }
}
