import { TransactionBaseService, type OrderService } from "@medusajs/medusa"
import type { EntityManager } from "typeorm"
import type { RegisteredGateway } from "../gateways/registry"
import { parsePluginOptions } from "../types/options"
import { CaptureAnnotations } from "./capture-ledger/annotations"
import { LedgerContext, type LedgerLogger } from "./capture-ledger/context"
import { MedusaRefunds } from "./capture-ledger/medusa-refunds"
import { CaptureReads } from "./capture-ledger/reads"
import { Reconciliation } from "./capture-ledger/reconciliation"
import { CaptureRefunds } from "./capture-ledger/refunds"
import { AuthorizationRelease } from "./capture-ledger/release"
import { CaptureTaking } from "./capture-ledger/taking"

export type { Actor } from "./ledger/events"
// What callers of the ledger name, where the class used to hold it.
export {
  DESCRIPTION_MAX_LENGTH,
  METADATA_MAX_BYTES,
  type CreateCaptureInput,
  type LedgerResult,
  type RefundCaptureInput,
  type UpdateCaptureInput,
} from "./capture-ledger/inputs"
export type { MedusaRefundOutcome } from "./capture-ledger/medusa-refunds"
export { IN_FLIGHT_MARGIN_MS, NEVER_RECEIVED_AFTER_MS } from "./capture-ledger/rows"

type Deps = { manager: EntityManager; logger?: LedgerLogger }

/**
 * The capture ledger, registered in Medusa's container as `captureService`.
 * Its rules (docs/architecture.md, "The ledger"):
 * 1. the row (status `requested`), its event and idempotency key are committed
 *    before the gateway is called; the outcome is written in a second short
 *    transaction, so no transaction is open during a network call;
 * 2. every transaction locks the payment row first; the amounts are checked
 *    under that lock, and again by the database's triggers (a new capture may
 *    be decided from an unlocked read, but it is written only if, under the
 *    lock, the payment's ledger is still exactly what was read);
 * 3. the gateway gets the row id as its idempotency key, so a retried call can
 *    never capture twice; a client's Idempotency-Key replays the same row.
 *
 * The work is done by its parts (src/services/capture-ledger/), one per
 * thing a caller comes for; a route, subscriber or job uses the part it needs.
 */
export default class CaptureService extends TransactionBaseService {
  // One instance for the process: the gateways' HTTP clients are shared.
  static LIFE_TIME = "SINGLETON"

  /** Captures, their refunds and totals, as they stand. */
  readonly reads: CaptureReads
  /** Taking money: new captures, retries, the rest of a partly captured payment. */
  readonly captures: CaptureTaking
  /** Refunds of one capture. */
  readonly refunds: CaptureRefunds
  /** Medusa's refund hook: one amount per payment, spread over its captures. */
  readonly medusaRefunds: MedusaRefunds
  /** Asking the gateway about what is unclear (reconciler, webhooks). */
  readonly reconciliation: Reconciliation
  /** Releasing what is left of an authorization; Medusa's cancel. */
  readonly authorizations: AuthorizationRelease
  /** Metadata, references and trail notes that move no money. */
  readonly annotations: CaptureAnnotations

  private readonly ctx: LedgerContext

  constructor(deps: Deps, options?: unknown) {
    // eslint-disable-next-line prefer-rest-params
    super(deps, options as Record<string, unknown>)
    const orderService = () => (this.__container__ as { orderService: OrderService }).orderService
    this.ctx = new LedgerContext(deps.manager, parsePluginOptions(options), orderService, deps.logger)
    this.reads = new CaptureReads(this.ctx)
    this.captures = new CaptureTaking(this.ctx, this.reads)
    this.refunds = new CaptureRefunds(this.ctx, this.reads)
    this.medusaRefunds = new MedusaRefunds(this.ctx, this.reads, this.refunds)
    this.reconciliation = new Reconciliation(this.ctx, this.reads, this.captures, this.refunds)
    this.authorizations = new AuthorizationRelease(this.ctx, this.reads, this.refunds)
    this.annotations = new CaptureAnnotations(this.ctx)
  }

  /**
   * The ledger commits in transactions of its own, never in a caller's (a
   * capture's row must be committed before its gateway call, whatever the
   * caller does after): there is no copy bound to a caller's transaction.
   */
  override withTransaction(): this {
    return this
  }

  /** The gateway configured for a Medusa payment provider, if the plugin handles it. */
  gatewayFor(providerId: string): RegisteredGateway | undefined {
    return this.ctx.registry.get(providerId)
  }
}
