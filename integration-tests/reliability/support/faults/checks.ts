/**
 * The properties every (gateway, fault) case must keep, checked against the gateway's own
 * records after reconciliation:
 * - no double captures or refunds: one ledger request never became two operations at the
 *   gateway, and the gateway holds exactly as many live captures / refunds as the ledger;
 * - nothing lost: every capture and refund the gateway made has exactly one ledger row with
 *   its gateway id, in the same state and amount (and every live ledger row is at the gateway);
 * - the invariants: per payment, captured (+ in flight) ≤ authorized, refunded ≤ captured, each
 *   capture's refunded_amount is the sum of its succeeded refunds, the ledger's totals equal the
 *   gateway's, Medusa's payment.amount_refunded follows the ledger;
 * - settled: nothing left requested/pending after reconciliation;
 * - the client's view: every request answered 201/202/422 has its ledger row (by Idempotency-Key).
 */
import type { GatewaySnapshot, OpKind } from "./gateways"
import { UNSETTLED, type LedgerView } from "./ledger"

export type ViolationKind = "double" | "lost" | "phantom" | "mismatch" | "invariant" | "unsettled" | "client"
export type Violation = { kind: ViolationKind; detail: string }

/** What the test sent, as far as the checks need it. */
export type SentOp = { key: string; kind: OpKind; paymentId: string; status: number; rowId?: string }

const LIVE = (status: string): boolean => status === "succeeded" || status === "pending" || status === "requested"
const sum = (values: number[]): number => values.reduce((a, b) => a + b, 0)

export function verify(input: {
  gateway: GatewaySnapshot
  ledger: LedgerView
  /** Ledger payment id → gateway reference. */
  payments: ReadonlyMap<string, string>
  sent: readonly SentOp[]
  /** Payments (ledger ids) whose authorization takes one capture: every Clover charge, Stripe cards without multicapture. */
  singleCapture?: ReadonlySet<string>
}): Violation[] {
  const { gateway, ledger, payments, sent } = input
  const out: Violation[] = []
  const add = (kind: ViolationKind, detail: string): void => void out.push({ kind, detail })

  for (const [paymentId, ref] of payments) {
    const where = `payment ${paymentId} (${ref})`
    const gwOps = gateway.ops.filter((o) => o.paymentRef === ref)
    const gwPayment = gateway.payments.get(ref)
    const lp = ledger.payments.get(paymentId)
    if (!gwPayment || !lp) {
      add("lost", `${where}: missing at the gateway or in the database`)
      continue
    }
    const caps = ledger.captures.filter((c) => c.payment_id === paymentId)
    const refs = ledger.refunds.filter((r) => r.payment_id === paymentId)

    for (const kind of ["capture", "refund"] as const) {
      const ops = gwOps.filter((o) => o.kind === kind)
      const rows: Array<{ id: string; status: string; amount: number; gatewayId: string | null }> =
        kind === "capture"
          ? caps.map((c) => ({ id: c.id, status: c.status, amount: c.amount, gatewayId: c.gateway_capture_id }))
          : refs.map((r) => ({ id: r.id, status: r.status, amount: r.amount, gatewayId: r.gateway_refund_id }))

      // One ledger request, one gateway operation: the key the plugin sent is the row id.
      const byKey = new Map<string, number>()
      for (const op of ops) if (op.key && op.status !== "failed") byKey.set(op.key, (byKey.get(op.key) ?? 0) + 1)
      for (const [key, n] of byKey) if (n > 1) add("double", `${where}: ${n} live gateway ${kind}s carry the key ${key}`)

      // As many live operations at the gateway as live rows in the ledger.
      const gwLive = kind === "capture" ? gwPayment.liveCaptures : ops.filter((o) => o.status !== "failed").length
      const ledgerLive = rows.filter((r) => LIVE(r.status)).length
      if (gwLive > ledgerLive) add("double", `${where}: the gateway holds ${gwLive} live ${kind}s, the ledger ${ledgerLive} succeeded/pending`)
      if (gwLive < ledgerLive) add("phantom", `${where}: the ledger holds ${ledgerLive} succeeded/pending ${kind}s, the gateway ${gwLive}`)
      if (kind === "capture" && input.singleCapture?.has(paymentId) && gwLive > 1) add("double", `${where}: ${gwLive} captures of one charge`)

      // Every gateway operation has exactly one row, by gateway id, agreeing with it.
      for (const op of ops) {
        const matched = rows.filter((r) => r.gatewayId === op.id && (!op.sharedId || r.id === op.key))
        if (matched.length === 0) {
          add("lost", `${where}: gateway ${kind} ${op.id} (${op.amount}, ${op.status}${op.key ? `, key ${op.key}` : ""}) has no ledger row`)
          continue
        }
        if (matched.length > 1) {
          add("double", `${where}: gateway ${kind} ${op.id} is on ${matched.length} ledger rows (${matched.map((r) => r.id).join(", ")})`)
          continue
        }
        const [row] = matched
        if (row.status !== op.status) add("mismatch", `${where}: ${kind} ${row.id} is ${row.status} in the ledger, ${op.status} at the gateway (${op.id})`)
        if (row.amount !== op.amount) add("mismatch", `${where}: ${kind} ${row.id} is ${row.amount} in the ledger, ${op.amount} at the gateway (${op.id})`)
        if (op.key && op.key !== row.id) add("mismatch", `${where}: gateway ${kind} ${op.id} carries key ${op.key} but is on row ${row.id}`)
      }
      // Every live row is at the gateway.
      for (const row of rows) {
        if (!LIVE(row.status)) continue
        if (!row.gatewayId || !ops.some((o) => o.id === row.gatewayId && (!o.sharedId || o.key === row.id))) {
          add("phantom", `${where}: ledger ${kind} ${row.id} (${row.status}, ${row.amount}, gateway id ${row.gatewayId ?? "none"}) is not at the gateway`)
        }
      }
      for (const row of rows) if (UNSETTLED.has(row.status)) add("unsettled", `${where}: ${kind} ${row.id} still ${row.status} after reconciliation`)
    }

    // Invariants.
    const captured = sum(caps.filter((c) => c.status === "succeeded").map((c) => c.amount))
    const inFlight = sum(caps.filter((c) => UNSETTLED.has(c.status)).map((c) => c.amount))
    const refunded = sum(refs.filter((r) => r.status === "succeeded").map((r) => r.amount))
    if (captured + inFlight > lp.authorized) add("invariant", `${where}: captured ${captured} + in flight ${inFlight} > authorized ${lp.authorized}`)
    if (refunded > captured) add("invariant", `${where}: refunded ${refunded} > captured ${captured}`)
    for (const c of caps) {
      const own = refs.filter((r) => r.capture_id === c.id)
      const ok = sum(own.filter((r) => r.status === "succeeded").map((r) => r.amount))
      if (c.refunded_amount !== ok) add("invariant", `${where}: capture ${c.id} says refunded ${c.refunded_amount}, its succeeded refunds sum to ${ok}`)
      if (ok > c.amount) add("invariant", `${where}: capture ${c.id} of ${c.amount} has ${ok} refunded`)
      if (c.status !== "succeeded" && own.some((r) => LIVE(r.status))) add("invariant", `${where}: capture ${c.id} is ${c.status} but has live refunds`)
    }
    if (captured !== gwPayment.captured) add("invariant", `${where}: ledger captured ${captured}, gateway captured ${gwPayment.captured}`)
    if (refunded !== gwPayment.refunded) add("invariant", `${where}: ledger refunded ${refunded}, gateway refunded ${gwPayment.refunded}`)
    if (Number(lp.amount_refunded) !== refunded) add("invariant", `${where}: Medusa's payment.amount_refunded ${lp.amount_refunded}, ledger refunded ${refunded}`)
  }

  // The client's view: what was accepted is on the ledger, under its key.
  for (const op of sent) {
    if (![201, 202, 422].includes(op.status)) continue
    const rows =
      op.kind === "capture"
        ? ledger.captures.filter((c) => c.payment_id === op.paymentId && c.idempotency_key === op.key)
        : ledger.refunds.filter((r) => r.payment_id === op.paymentId && r.idempotency_key === op.key)
    if (rows.length !== 1) add("client", `${op.kind} with Idempotency-Key ${op.key} answered ${op.status}: ${rows.length} ledger rows`)
    else if (op.rowId && rows[0].id !== op.rowId) add("client", `${op.kind} ${op.key} answered with ${op.rowId}, ledger row is ${rows[0].id}`)
  }
  return out
}
