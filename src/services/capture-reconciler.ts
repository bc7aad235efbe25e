import { TransactionBaseService } from "@medusajs/medusa"
import type { EntityManager } from "typeorm"
import { isLookupDiscrepancy, type LookupDiscrepancyReason } from "../gateways/gateway"
import { parsePluginOptions, type PluginOptions } from "../types/options"
import { NEVER_RECEIVED_CODE } from "./ledger/outcome"
import type CaptureService from "./capture"
import type { Actor } from "./capture"

type Deps = {
  manager: EntityManager
  captureService: CaptureService
  logger?: { warn(msg: string): void; error(msg: string, err?: unknown): void }
}

export type ReconcileOptions = {
  actor: Actor
  /** Rows untouched for at least this long are reconciled. Default: the `reconcileAfterSeconds` option. */
  olderThanSeconds?: number
  /** A row the gateway has no record of is failed once this old. Default: max(120, olderThanSeconds). */
  neverReceivedAfterSeconds?: number
  limit?: number
}

export type ReconcileReport = {
  captures: Array<{ id: string; before: string; after: string }>
  refunds: Array<{ id: string; before: string; after: string }>
  recorded: Array<{ id: string; payment_id: string; amount: number }>
  errors: Array<{ id: string; message: string }>
  /**
   * Rows the gateway shows something for that does not match them (another amount, several
   * candidates, a list that could not be read to its end). Left `requested`/`pending`, never
   * failed; reported on every run until someone settles them.
   */
  discrepancies: Array<{ id: string; kind: "capture" | "refund"; payment_id: string; reason: LookupDiscrepancyReason; message: string }>
}

/**
 * Settles what a lost answer, a crash or a missed webhook left unclear: every
 * capture and refund still `requested` or `pending` after a while is looked up
 * at its gateway (Reconciliation.reconcileCapture/Refund), then each payment
 * touched is checked for money the gateway captured outside the ledger. Runs as
 * a scheduled job where Redis is configured (jobs/reconcile-captures) and on
 * demand (POST /admin/captures/reconcile); safe to run on several servers at
 * once, as every write goes through the ledger's row locks.
 */
export default class CaptureReconcilerService extends TransactionBaseService {
  static LIFE_TIME = "SINGLETON"

  private readonly options: PluginOptions

  constructor(private readonly deps: Deps, options?: unknown) {
    super(deps, options as Record<string, unknown>)
    this.options = parsePluginOptions(options)
  }

  async reconcileStale(opts: ReconcileOptions): Promise<ReconcileReport> {
    const olderThan = opts.olderThanSeconds ?? this.options.reconcileAfterSeconds
    const neverReceivedAfterMs = 1000 * (opts.neverReceivedAfterSeconds ?? Math.max(120, olderThan))
    const limit = opts.limit ?? 100
    const report: ReconcileReport = { captures: [], refunds: [], recorded: [], errors: [], discrepancies: [] }
    const touched = new Set<string>()

    const stale = (table: "capture" | "capture_refund"): Promise<Array<{ id: string; payment_id: string; status: string }>> =>
      this.deps.manager.query(
        `SELECT id, payment_id, status FROM ${table}
          WHERE status IN ('requested', 'pending') AND updated_at <= now() - make_interval(secs => $1)
          ORDER BY updated_at LIMIT $2`,
        [olderThan, limit]
      )

    for (const row of await stale("capture")) {
      touched.add(row.payment_id)
      await this.guard(report, { ...row, kind: "capture" }, async () => {
        const after = await this.deps.captureService.reconciliation.reconcileCapture(row.id, opts.actor, { neverReceivedAfterMs })
        report.captures.push({ id: row.id, before: row.status, after: after.status })
      })
    }
    for (const row of await stale("capture_refund")) {
      touched.add(row.payment_id)
      await this.guard(report, { ...row, kind: "refund" }, async () => {
        const after = await this.deps.captureService.reconciliation.reconcileRefund(row.id, opts.actor, { neverReceivedAfterMs })
        report.refunds.push({ id: row.id, before: row.status, after: after.status })
      })
    }
    // Rows declared never received in the last day that the gateway shows after all (a call that
    // arrived very late): recorded, never dropped (Reconciliation.recheckNeverReceived).
    const declaredNeverReceived = (table: "capture" | "capture_refund"): Promise<Array<{ id: string; payment_id: string; status: string }>> =>
      this.deps.manager.query(
        `SELECT id, payment_id, status FROM ${table}
          WHERE status = 'failed' AND error_code = $1 AND updated_at > now() - interval '1 day'
          ORDER BY updated_at DESC LIMIT $2`,
        [NEVER_RECEIVED_CODE, limit]
      )
    for (const [table, kind] of [["capture", "capture"], ["capture_refund", "refund"]] as const) {
      for (const row of await declaredNeverReceived(table)) {
        await this.guard(report, { ...row, kind }, async () => {
          const late = await this.deps.captureService.reconciliation.recheckNeverReceived(kind, row.id, opts.actor)
          if (!late) return
          touched.add(row.payment_id)
          ;(kind === "capture" ? report.captures : report.refunds).push({ id: row.id, before: "failed", after: late.after })
        })
      }
    }
    for (const paymentId of touched) {
      await this.guard(report, { id: paymentId }, async () => {
        const recorded = await this.deps.captureService.reconciliation.recordUnknownCaptures(paymentId, opts.actor)
        if (recorded) report.recorded.push({ id: recorded.id, payment_id: paymentId, amount: recorded.amount })
      })
    }
    return report
  }

  /**
   * One row's failure (a gateway down) does not stop the others; it is reported and retried next
   * run. A discrepancy is not a failure to ask: the gateway answered with something that does
   * not match the row, which a person has to look at; it is reported apart.
   */
  private async guard(
    report: ReconcileReport,
    row: { id: string; payment_id?: string; kind?: "capture" | "refund" },
    work: () => Promise<void>
  ): Promise<void> {
    try {
      await work()
    } catch (err) {
      const message = (err as Error).message
      if (isLookupDiscrepancy(err) && row.kind && row.payment_id) {
        report.discrepancies.push({ id: row.id, kind: row.kind, payment_id: row.payment_id, reason: err.reason, message })
        this.deps.logger?.warn(`captures: ${row.kind} ${row.id} not settled, discrepancy at the gateway (${err.reason}): ${message}`)
        return
      }
      report.errors.push({ id: row.id, message })
      this.deps.logger?.warn(`captures: reconciling ${row.id} failed: ${message}`)
    }
  }
}
