/**
 * Runs one (gateway, fault) case: places orders, drives captures and refunds through the
 * plugin's admin routes with the fault injected on a share of them, waits for what is still
 * under way (late gateway calls, webhooks), reconciles, and checks the properties of checks.ts
 * against the simulator's own records.
 *
 * Operations on one payment run one after the other (each payment is a chain), a few payments
 * at a time. A fault is queued at the simulator just before its operation, matched on that
 * operation's path (the payment's captures or refunds), so only that operation's attempts can
 * take it; uses its client did not take are consumed right after (nothing leaks into the next
 * operation). Clover's refunds all POST to one path: a faulted refund holds the others back
 * until its attempts have taken the fault. Reordered Mollie webhooks need several operations
 * of a payment held at once: that case runs in rounds, webhooks flushed newest first every
 * two rounds.
 */
import type { Pool } from "pg"
import { cloverToken } from "../../../helpers/clover"
import { placeMollieOrder } from "../../../helpers/mollie"
import { placeStripeOrder } from "../../../helpers/stripe"
import { placeOrder, type PlacedOrder, type TestContext } from "../../../helpers/store"
import { verify, type SentOp, type Violation } from "./checks"
import { MollieDriver, isClover, type GatewayDriver, type GatewayName, type OpKind, type SimFault } from "./gateways"
import type { StripeDriver } from "./stripe-driver"
import { callsAreOver, readLedger, unsettledCount, UNSETTLED, type LedgerView } from "./ledger"
import { Mutex, ReadWriteLock, adminRequest, eventually, pool, seededRandom, sleep, type Json, type Rng } from "./util"

export type FaultName =
  | "delay"
  | "reset_before"
  | "reset_after"
  | "lost_response"
  | "5xx"
  | "429"
  | "malformed"
  | "pending_failed"
  | "duplicate_webhooks"
  | "reordered_webhooks"

export const SIMULATOR_FAULTS: readonly FaultName[] = ["delay", "reset_before", "reset_after", "lost_response", "5xx", "429", "malformed"]
export const MOLLIE_ONLY_FAULTS: readonly FaultName[] = ["pending_failed", "duplicate_webhooks", "reordered_webhooks"]

export type Outcome = "succeeded" | "pending" | "unresolved" | "failed" | "refused" | "conflict" | "error"

export type OpRecord = SentOp & {
  amount: number
  faulted: boolean
  fault?: string
  outcome: Outcome
  message?: string
  ms: number
}

export type CaseResult = {
  gateway: GatewayName
  fault: FaultName
  seed: number
  /** Requests the ledger took (answered 201, 202 or 422). */
  ops: number
  faulted: number
  outcomes: Record<Outcome, number>
  /** The ledger rows after reconciliation. */
  final: { succeeded: number; failed: number; unsettled: number }
  /** Captures the reconciler recorded because the gateway had money the ledger did not know of. */
  recorded: number
  /**
   * clover-strictest: captures left `requested` because Clover showed the charge captured without
   * saying how much (an `amount_unknown` discrepancy). Checked as a person would settle them.
   */
  leftToPerson: number
  reconcileErrors: string[]
  leftoverFaults: number
  violations: Violation[]
  seconds: number
  phases: { orders: number; operations: number; settle: number; reconcile: number }
  log: OpRecord[]
}

export type CaseEnv = {
  ctx: TestContext
  db: Pool
  drivers: Record<GatewayName, GatewayDriver>
}

/** singleCapture: the first capture closes the authorization (Clover; Stripe cards without multicapture). */
type Payment = PlacedOrder & { index: number; plan: OpKind[]; singleCapture: boolean }

/**
 * Stripe's test cards for the suite's orders: most allow multicapture (several partial captures,
 * non-final until the last), every fifth does not (its first capture releases the rest).
 */
const STRIPE_CARDS = ["pm_card_visa", "pm_card_mastercard", "pm_card_amex", "pm_card_visa", "pm_card_credit_disableEnterpriseCardFeatures"]
const STRIPE_SINGLE_CAPTURE_CARD = STRIPE_CARDS[4]

/** The plugin's gateway clients give up on an attempt after 1.5 s (global setup). */
const CLIENT_TIMEOUT_MS = 1500
const CONCURRENCY = 5

/** Orders, operations per order, share of faulted operations. */
function shape(gateway: GatewayName, fault: FaultName, rng: Rng): { orders: number; plans: OpKind[][]; share: number } {
  const share = fault === "reordered_webhooks" ? 1 : fault === "pending_failed" ? 0.5 : fault === "delay" ? 0.25 : 0.4
  if (isClover(gateway)) {
    // One capture per charge: one order per capture, then three or four refunds of it. A refund
    // whose outcome is unclear holds the charge's next refunds back until it is settled (Clover's
    // refunds can only be told apart by amount and time), and under the strictest contract a
    // capture whose answer was lost is left to a person and its refunds never come: enough orders
    // keep every case at 50 operations or more.
    const orders = gateway === "clover-strictest" ? 30 : 24
    const a: OpKind[] = ["capture", "refund", "refund", "refund", "refund"]
    const b: OpKind[] = ["capture", "refund", "refund", "refund"]
    return { orders, plans: Array.from({ length: orders }, (_, i) => (i % 2 === 0 ? a : b)), share }
  }
  // Several partial captures per payment: one chain of twelve operations per order, an order per worker
  // (Stripe: one more, as every fifth card there takes one capture and its chain runs out of work early).
  const orders = gateway === "stripe-captures" ? CONCURRENCY + 1 : CONCURRENCY
  const plan = (): OpKind[] => [
    "capture",
    ...Array.from({ length: 11 }, (_, i): OpKind => (i < 2 ? (["capture", "refund"] as OpKind[])[i] : rng.chance(0.5) ? "capture" : "refund")),
  ]
  return { orders, plans: Array.from({ length: orders }, plan), share }
}

/** The simulator fault for one operation (times: how many of its attempts it hits). */
function simFault(fault: FaultName, rng: Rng): SimFault | null {
  // 1: the client's retry gets through; 3: every attempt of the client hits the fault.
  const times = fault === "delay" ? rng.pick([1, 1, 1, 2, 3]) : rng.pick([1, 1, 2, 3])
  switch (fault) {
    case "delay":
      return { kind: "delay", delayMs: CLIENT_TIMEOUT_MS + rng.int(100, 300), times }
    case "reset_before":
    case "reset_after":
    case "lost_response":
      return { kind: fault, times }
    case "5xx":
      return { kind: rng.pick(["status_500", "status_503"]), times }
    case "429":
      return { kind: "status_429", retryAfterSeconds: rng.pick([0.2, 0.5]), times }
    case "malformed":
      return { kind: "malformed", times: 1 }
    default:
      return null
  }
}

function describeFault(f: SimFault): string {
  return `${f.kind}${f.delayMs ? ` ${f.delayMs}ms` : ""}${f.retryAfterSeconds ? ` retry-after ${f.retryAfterSeconds}s` : ""} x${f.times ?? 1}`
}

/** The shared store API sometimes trips over its own customer upsert when carts complete side by side. */
async function withRetries<T>(work: () => Promise<T>, attempts = 3): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await work()
    } catch (err) {
      if (i >= attempts) throw err
      await sleep(200 * i)
    }
  }
}

export async function runCase(env: CaseEnv, gateway: GatewayName, fault: FaultName, seed: number): Promise<CaseResult> {
  const started = Date.now()
  const phase = { orders: 0, operations: 0, settle: 0, reconcile: 0 }
  let mark = started
  const lap = (name: keyof typeof phase): void => {
    phase[name] = (Date.now() - mark) / 1000
    mark = Date.now()
  }
  const driver = env.drivers[gateway]
  const rng = seededRandom(seed)
  const { orders, plans, share } = shape(gateway, fault, rng)
  const stripe = gateway === "stripe-captures" ? (driver as StripeDriver) : null
  const caseId = `${gateway === "captures-sandbox" ? "sbx" : gateway === "stripe-captures" ? "stripe" : gateway}-${fault}-${seed.toString(36)}`
  await driver.setUp?.()
  try {
    return await runCaseOn({ env, gateway, fault, seed, driver, rng, orders, plans, share, stripe, caseId, started, phase, lap })
  } finally {
    await driver.tearDown?.()
  }
}

type CaseSetup = {
  env: CaseEnv
  gateway: GatewayName
  fault: FaultName
  seed: number
  driver: GatewayDriver
  rng: Rng
  orders: number
  plans: OpKind[][]
  share: number
  stripe: StripeDriver | null
  caseId: string
  started: number
  phase: CaseResult["phases"]
  lap: (name: keyof CaseResult["phases"]) => void
}

async function runCaseOn(setup: CaseSetup): Promise<CaseResult> {
  const { env, gateway, fault, seed, driver, rng, orders, plans, share, stripe, caseId, started, phase, lap } = setup
  const { ctx, db } = env
  const mollie = gateway === "mollie" ? (driver as MollieDriver) : null

  await driver.clearFaults()
  if (mollie) await mollie.config({ holdWebhooks: false, failCapturesFor: [], failNextCaptures: 0 })

  // The orders, placed through Medusa's store API (a few at a time).
  const payments: Payment[] = new Array(orders)
  await pool(
    Array.from({ length: orders }, (_, i) => i),
    4,
    async (i) => {
      const card = STRIPE_CARDS[i % STRIPE_CARDS.length]
      const place = (): Promise<PlacedOrder> =>
        gateway === "mollie"
          ? placeMollieOrder(ctx)
          : isClover(gateway)
            ? placeOrder(ctx, { provider: "clover", currency: "usd", source: cloverToken() })
            : stripe
              ? placeStripeOrder(ctx, card)
              : placeOrder(ctx)
      const singleCapture = isClover(gateway) || (stripe !== null && card === STRIPE_SINGLE_CAPTURE_CARD)
      payments[i] = { ...(await withRetries(place)), index: i, plan: plans[i], singleCapture }
    }
  )
  const paymentIds = payments.map((p) => p.paymentId)
  const refs = new Set(payments.map((p) => p.paymentRef))
  lap("orders")

  const log: OpRecord[] = []
  const background: Array<Promise<void>> = []
  const sharedLock = new ReadWriteLock()
  const configLock = new Mutex()
  let opCounter = 0

  /** Mollie: captures of this payment settle `failed` while on (decided when Mollie creates one). */
  const failCapturesOf = (ref: string, on: boolean): Promise<void> =>
    configLock.run(async () => {
      const current = new Set<string>((await mollie!.getConfig()).failCapturesFor)
      if (on) current.add(ref)
      else current.delete(ref)
      await mollie!.config({ failCapturesFor: [...current] })
    })

  const drainLeftovers = async (path: string, kind: OpKind, ref: string): Promise<void> => {
    for (let n = await driver.leftover(path); n > 0; n--) await driver.drain(kind, ref)
  }

  const send = async (p: Payment, kind: OpKind, amount: number, captureId: string | undefined, key: string, record: OpRecord): Promise<void> => {
    const t0 = Date.now()
    try {
      const res =
        kind === "capture"
          ? await adminRequest(ctx.medusaUrl, ctx.adminToken, "POST", `/admin/payments/${p.paymentId}/captures`, { amount }, { "idempotency-key": key })
          : await adminRequest(ctx.medusaUrl, ctx.adminToken, "POST", `/admin/captures/${captureId}/refunds`, { amount, reason: "other" }, { "idempotency-key": key })
      record.status = res.status
      const row = kind === "capture" ? res.body.capture : res.body.refund
      record.rowId = row?.id ?? /\b(capref_|cap_)[A-Za-z0-9]+/.exec(String(res.body.message ?? ""))?.[0]
      record.outcome = classify(res.status, row?.status)
      if (record.outcome !== "succeeded" && record.outcome !== "pending") record.message = row?.message ?? res.body.message
    } catch (err) {
      record.message = (err as Error).message
    }
    record.ms = Date.now() - t0
  }

  const runOp = async (p: Payment, planned: OpKind, step: number): Promise<void> => {
    let view = await readLedger(db, [p.paymentId])
    if (planned === "refund" && refundTargets(view).length === 0) {
      // The capture to refund is still unresolved: ask the gateway where it stands first, as an operator would.
      const unclear = view.captures.filter((c) => c.status === "requested" && c.message !== null)
      for (const c of unclear) await adminRequest(ctx.medusaUrl, ctx.adminToken, "POST", `/admin/captures/${c.id}/reconcile`, {})
      if (unclear.length > 0) view = await readLedger(db, [p.paymentId])
    }
    const choice = choose(view, p, planned, rng)
    if (!choice) return
    const { kind, amount, captureId } = choice
    const key = `${caseId}-${p.index}-${step}-${opCounter++}`
    const faulted = rng.chance(share) && !(fault === "pending_failed" && kind === "refund")
    const sim = faulted ? simFault(fault, rng) : null
    const { path, shared } = driver.faultPath(kind, p.paymentRef)
    const record: OpRecord = { key, kind, paymentId: p.paymentId, amount, faulted, status: 0, outcome: "error", ms: 0 }
    log.push(record)

    if (sim) {
      record.fault = describeFault(sim)
      if (!shared) {
        // Only this payment's operations use this path, and they run one at a time.
        await driver.addFault(path, sim)
        await send(p, kind, amount, captureId, key, record)
        await drainLeftovers(path, kind, p.paymentRef)
      } else {
        // Others POST to this path too: nobody else may go until this request's attempts took the fault.
        let request!: Promise<void>
        await sharedLock.run(true, async () => {
          await driver.addFault(path, sim)
          request = send(p, kind, amount, captureId, key, record)
          let finished = false
          void request.finally(() => (finished = true))
          while (!finished && (await driver.leftover(path)) > 0) await sleep(50)
          if (finished) await drainLeftovers(path, kind, p.paymentRef)
        })
        await request
      }
      return
    }

    if (faulted && fault === "pending_failed") {
      record.fault = "capture settles failed"
      await failCapturesOf(p.paymentRef, true)
      await send(p, kind, amount, captureId, key, record)
      await failCapturesOf(p.paymentRef, false)
      return
    }
    if (faulted && fault === "duplicate_webhooks") {
      // Duplicates of the payment's last webhook racing the request, and more right after it.
      record.fault = "webhook replayed during and after"
      const racing = mollie!.replayWebhook(p.paymentRef)
      await send(p, kind, amount, captureId, key, record)
      await racing
      background.push(mollie!.replayWebhook(p.paymentRef).then(() => mollie!.replayWebhook(p.paymentRef)))
      return
    }
    if (faulted && fault === "reordered_webhooks") record.fault = "webhooks held, delivered newest first"
    await (shared ? sharedLock.run(false, () => send(p, kind, amount, captureId, key, record)) : send(p, kind, amount, captureId, key, record))
  }

  /** Mollie settles captures and refunds asynchronously (then calls the webhook): let that land. */
  const settled = (ids: string[]): Promise<number> => eventually(() => pendingRows(db, ids), (n) => n === 0, 4000)

  if (fault === "reordered_webhooks") {
    await mollie!.config({ holdWebhooks: true })
    const rounds = Math.max(...payments.map((p) => p.plan.length))
    for (let round = 0; round < rounds; round++) {
      await pool(
        payments.filter((p) => p.plan.length > round),
        CONCURRENCY,
        (p) => runOp(p, p.plan[round], round)
      )
      if (round % 2 === 1 || round === rounds - 1) {
        await mollie!.flushWebhooks("reverse")
        await settled(paymentIds)
      }
    }
  } else {
    await pool(payments, CONCURRENCY, async (p) => {
      for (let step = 0; step < p.plan.length; step++) {
        await runOp(p, p.plan[step], step)
        if (mollie) await settled([p.paymentId])
      }
    })
  }
  lap("operations")

  // Everything still under way: duplicate webhooks, late attempts the client gave up on.
  await Promise.all(background)
  await sleep(fault === "delay" ? CLIENT_TIMEOUT_MS : 300)
  if (mollie) {
    if (fault === "reordered_webhooks") {
      await mollie.flushWebhooks("reverse")
      await mollie.config({ holdWebhooks: false })
    }
    await eventually(() => mollie.webhooksBusy(refs), (n) => n === 0, 5000)
    await settled(paymentIds)
  }
  if (stripe) await eventually(() => stripe.webhooksBusy(), (n) => n === 0, 5000)
  const leftoverFaults = await totalQueued(driver)
  await driver.clearFaults()
  if (mollie) await mollie.config({ holdWebhooks: false, failCapturesFor: [], failNextCaptures: 0 })
  lap("settle")

  // Reconcile everything left unclear, as an operator would once the gateway calls are over.
  await callsAreOver(db, paymentIds)
  let recorded = 0
  const reconcileErrors: string[] = []
  for (let attempt = 0; attempt < 4; attempt++) {
    const res = await adminRequest(ctx.medusaUrl, ctx.adminToken, "POST", "/admin/captures/reconcile", {
      older_than_seconds: 0,
      never_received_after_seconds: 0,
      limit: 1000,
    })
    if (res.status !== 200) throw new Error(`reconcile: HTTP ${res.status} ${JSON.stringify(res.body)}`)
    recorded += (res.body.recorded as Json[]).filter((r) => paymentIds.includes(r.payment_id)).length
    reconcileErrors.push(...(res.body.errors as Json[]).map((e) => `${e.id}: ${e.message}`))
    if ((await unsettledCount(db, paymentIds)) === 0) break
    await sleep(500)
  }

  const [gatewayView, ledger] = await Promise.all([driver.snapshot(refs), readLedger(db, paymentIds)])
  const leftToPerson = gateway === "clover-strictest" ? await amountUnknownCaptures(db, paymentIds) : new Set<string>()
  const violations = verify({
    gateway: gatewayView,
    ledger: settledByPerson(ledger, leftToPerson, new Map(payments.map((p) => [p.paymentId, p.paymentRef]))),
    payments: new Map(payments.map((p) => [p.paymentId, p.paymentRef])),
    sent: log,
    singleCapture: new Set(payments.filter((p) => p.singleCapture).map((p) => p.paymentId)),
  })
  for (const e of reconcileErrors) violations.push({ kind: "unsettled", detail: `reconcile error ${e}` })
  lap("reconcile")

  const outcomes = { succeeded: 0, pending: 0, unresolved: 0, failed: 0, refused: 0, conflict: 0, error: 0 } as Record<Outcome, number>
  for (const op of log) outcomes[op.outcome] += 1
  const rows = [...ledger.captures, ...ledger.refunds]
  return {
    gateway,
    fault,
    seed,
    ops: log.filter((op) => [201, 202, 422].includes(op.status)).length,
    faulted: log.filter((op) => op.faulted).length,
    outcomes,
    final: {
      succeeded: rows.filter((r) => r.status === "succeeded").length,
      failed: rows.filter((r) => r.status === "failed").length,
      unsettled: rows.filter((r) => UNSETTLED.has(r.status)).length,
    },
    recorded,
    leftToPerson: leftToPerson.size,
    reconcileErrors,
    leftoverFaults,
    violations,
    seconds: (Date.now() - started) / 1000,
    phases: phase,
    log,
  }
}

/** Capture rows whose trail holds an `amount_unknown` discrepancy (see CaseResult.leftToPerson). */
async function amountUnknownCaptures(db: Pool, paymentIds: readonly string[]): Promise<Set<string>> {
  const { rows } = await db.query<{ id: string }>(
    `SELECT DISTINCT e.capture_id AS id FROM capture_event e JOIN capture c ON c.id = e.capture_id
      WHERE e.payment_id = ANY($1) AND e.refund_id IS NULL AND c.status = 'requested'
        AND e.data->'discrepancy'->>'reason' = 'amount_unknown'`,
    [[...paymentIds]]
  )
  return new Set(rows.map((r) => r.id))
}

/**
 * The ledger as a person would leave it after checking the charges of `left` in Clover and finding
 * each captured for its row's own amount: succeeded, on that charge. The checks then prove that
 * this is exactly what Clover holds (no other amount, no second capture, nothing refunded).
 */
function settledByPerson(ledger: LedgerView, left: ReadonlySet<string>, refOf: ReadonlyMap<string, string>): LedgerView {
  if (left.size === 0) return ledger
  return {
    ...ledger,
    captures: ledger.captures.map((c) => (left.has(c.id) ? { ...c, status: "succeeded", gateway_capture_id: `${refOf.get(c.payment_id)}:capture` } : c)),
  }
}

async function totalQueued(driver: GatewayDriver): Promise<number> {
  const res = await fetch(`${driver.url}/__control/faults`)
  const { faults } = (await res.json()) as { faults: Json[] }
  return faults.length
}

async function pendingRows(db: Pool, paymentIds: readonly string[]): Promise<number> {
  const { rows } = await db.query<{ n: number }>(
    `SELECT (SELECT count(*) FROM capture WHERE payment_id = ANY($1) AND status = 'pending')::int +
            (SELECT count(*) FROM capture_refund WHERE payment_id = ANY($1) AND status = 'pending')::int AS n`,
    [[...paymentIds]]
  )
  return rows[0].n
}

function classify(status: number, rowStatus: string | undefined): Outcome {
  if (status === 201) return rowStatus === "pending" ? "pending" : "succeeded"
  if (status === 202) return "unresolved"
  if (status === 422) return "failed"
  if (status === 409) return "conflict"
  if (status === 400) return "refused"
  return "error"
}

/** Succeeded captures with something left to refund (refunds in flight count as taken). */
function refundTargets(view: LedgerView): Array<{ id: string; balance: number }> {
  return view.captures
    .filter((c) => c.status === "succeeded")
    .map((c) => ({
      id: c.id,
      balance: c.amount - view.refunds.filter((r) => r.capture_id === c.id && r.status !== "failed").reduce((s, r) => s + r.amount, 0),
    }))
    .filter((c) => c.balance > 0)
}

/**
 * What this step does, from the ledger as it is now: a capture of part of what is still
 * capturable, or a refund of part of a succeeded capture's balance. When the planned kind is
 * impossible (nothing refundable yet, nothing capturable left), the other one; null if neither.
 */
function choose(
  view: LedgerView,
  p: Payment,
  planned: OpKind,
  rng: Rng
): { kind: OpKind; amount: number; captureId?: string } | null {
  const live = view.captures.filter((c) => c.status !== "failed")
  const capturable = p.singleCapture && live.length > 0 ? 0 : Math.max(0, p.total - live.reduce((s, c) => s + c.amount, 0))
  const targets = refundTargets(view)

  const capture = (): { kind: OpKind; amount: number } | null => {
    if (capturable <= 0) return null
    const want = p.singleCapture ? rng.int(3000, 9000) : rng.int(300, 2500)
    return { kind: "capture", amount: Math.min(capturable, want) }
  }
  const refund = (): { kind: OpKind; amount: number; captureId: string } | null => {
    if (targets.length === 0) return null
    const target = rng.pick(targets)
    return { kind: "refund", amount: Math.min(target.balance, rng.int(100, Math.max(100, Math.ceil(target.balance * 0.6)))), captureId: target.id }
  }
  return planned === "capture" ? capture() ?? refund() : refund() ?? capture()
}
