import { Pool } from "pg"
import { placeStripeOrder } from "../helpers/stripe"
import { placeOrder, testContext, type PlacedOrder, type TestContext } from "../helpers/store"
import { verify, type SentOp } from "./support/faults/checks"
import { SandboxDriver, type GatewayDriver } from "./support/faults/gateways"
import { StripeDriver } from "./support/faults/stripe-driver"
import { callsAreOver, readLedger, unsettledCount } from "./support/faults/ledger"
import { adminRequest, pool, seededRandom, sleep, type Json } from "./support/faults/util"

// eslint-disable-next-line @typescript-eslint/no-var-requires
const { startServer } = require("../../scripts/lib/start-server")

type Server = { url: string; pid: number; stop(signal?: string): Promise<void> }

/**
 * A second Medusa server on the same database takes 200 small partial captures (sandbox
 * gateway; then 100 on Stripe, multicapture cards, each capture non-final as the order is never
 * captured in full) and is SIGKILLed every 20–40 requests (seeded), at a random moment while requests
 * are in flight, then started again. Some captures are held at the gateway for a moment (a
 * delay below the client's timeout), so kills also land between the gateway's answer and the
 * ledger's second write. A request that died with the server is sent again, as a client would,
 * with the same Idempotency-Key once the server is back; a 409 ("still at the gateway") is
 * retried a little later. At the end: reconciliation, then the ledger and the sandbox must
 * agree exactly — the same captures by gateway id, the same amounts per payment, no double
 * capture, nothing requested or pending, and every planned capture taken exactly once.
 * CRASH_SEED=<n> replays a run.
 */
const SEED = Number(process.env.CRASH_SEED ?? 4_711)
const CAPTURES_PER_ORDER = 10
const WORKERS = 5

type GatewayCase = {
  name: string
  orders: number
  driver(ctx: TestContext): GatewayDriver
  place(ctx: TestContext, index: number): Promise<PlacedOrder>
}

const GATEWAYS: GatewayCase[] = [
  { name: "captures-sandbox", orders: 20, driver: (ctx) => new SandboxDriver(ctx), place: (ctx) => placeOrder(ctx) },
  {
    name: "stripe-captures",
    orders: 10,
    driver: (ctx) => new StripeDriver(ctx),
    place: (ctx, i) => placeStripeOrder(ctx, i % 2 === 0 ? "pm_card_visa" : "pm_card_mastercard"),
  },
]

type Job = {
  key: string
  payment: PlacedOrder
  amount: number
  /** Not before this time (ms): a 409 is retried a little later. */
  notBefore: number
  conflicts: number
  /** Sends that died with the server. */
  died: number
  last?: { status: number; body: Json }
}

describe.each(GATEWAYS)("captures across SIGKILLs of the server ($name)", (gw) => {
  const ctx = testContext()
  const db = new Pool({ connectionString: ctx.databaseUrl, max: 3 })
  const sandbox = gw.driver(ctx)
  const ORDERS = gw.orders
  let server: Server | null = null

  afterAll(async () => {
    await server?.stop()
    await sandbox.clearFaults()
    await db.end()
  })

  it("ends with the ledger and the gateway in exact agreement", async () => {
    const started = Date.now()
    const rng = seededRandom(SEED)
    const runId = `crash-${gw.name}-${SEED.toString(36)}-${Date.now().toString(36)}`

    // Orders through the suite's main server; the captures go to the one that gets killed.
    const payments: PlacedOrder[] = new Array(ORDERS)
    await pool(
      Array.from({ length: ORDERS }, (_, i) => i),
      3,
      async (i) => {
        for (let attempt = 1; ; attempt++) {
          try {
            payments[i] = await gw.place(ctx, i)
            return
          } catch (err) {
            if (attempt >= 3) throw err
            await sleep(200 * attempt)
          }
        }
      }
    )
    const paymentIds = payments.map((p) => p.paymentId)

    // Captures of 3.00–10.00, ten per order (at most 100.00 of each 110.00), shuffled.
    const jobs: Job[] = []
    payments.forEach((payment, i) => {
      for (let n = 0; n < CAPTURES_PER_ORDER; n++) {
        jobs.push({ key: `${runId}-${i}-${n}`, payment, amount: rng.int(300, 1000), notBefore: 0, conflicts: 0, died: 0 })
      }
    })
    for (let i = jobs.length - 1; i > 0; i--) {
      const j = rng.int(0, i)
      ;[jobs[i], jobs[j]] = [jobs[j], jobs[i]]
    }

    // --- the server under test, and its killer ---------------------------------------------
    let generation = 0
    let up: Promise<void>
    const boot = async (): Promise<void> => {
      server = await startServer({ env: ctx.serverEnv, port: 0 })
      generation += 1
    }
    up = boot()
    await up
    const kills: Array<{ afterRequests: number; inFlight: number; restartMs: number }> = []
    let sent = 0
    let inFlight = 0
    let nextKillAt = rng.int(20, 40)
    let killing = false
    // The last kill may still be sleeping towards its moment when the last request is answered:
    // it is awaited before the end, or its restarted server would outlive the suite (and keep
    // jest from exiting).
    let lastKill: Promise<void> = Promise.resolve()
    const kill = async (): Promise<void> => {
      killing = true
      await sleep(rng.int(0, 300))
      const victim = server!
      const t0 = Date.now()
      const restarted = (async () => {
        kills.push({ afterRequests: sent, inFlight, restartMs: 0 })
        await victim.stop("SIGKILL")
        await boot()
        kills[kills.length - 1].restartMs = Date.now() - t0
      })()
      up = restarted
      await restarted
      nextKillAt = sent + rng.int(20, 40)
      killing = false
    }

    // --- the client -------------------------------------------------------------------------
    const queue = [...jobs]
    const leftToReconciliation: Job[] = []
    let outstanding = queue.length
    const stats = { died: 0, conflicts: 0, delayed: 0, serverErrors: 0, replayed: 0 }

    const attempt = async (job: Job): Promise<"done" | "again"> => {
      await up
      const gen = generation
      const url = server!.url
      if (rng.chance(0.35)) {
        // Held at the gateway for a moment (below the client's 1.5 s timeout): a kill can land mid-call.
        stats.delayed += 1
        await sandbox.addFault(sandbox.faultPath("capture", job.payment.paymentRef).path, { kind: "delay", delayMs: rng.int(200, 900) })
      }
      sent += 1
      inFlight += 1
      if (!killing && sent >= nextKillAt && outstanding > 0) lastKill = kill()
      try {
        const res = await adminRequest(
          url,
          ctx.adminToken,
          "POST",
          `/admin/payments/${job.payment.paymentId}/captures`,
          { amount: job.amount },
          { "idempotency-key": job.key },
          30_000
        )
        job.last = { status: res.status, body: res.body }
        if (res.headers.get("idempotent-replayed") === "true") stats.replayed += 1
        if (res.status === 409) {
          // The first request with this key is still at the gateway — or died there with its server.
          job.conflicts += 1
          stats.conflicts += 1
          if (job.conflicts > 8) {
            leftToReconciliation.push(job)
            return "done"
          }
          job.notBefore = Date.now() + 1000
          return "again"
        }
        if (res.status >= 500) {
          stats.serverErrors += 1
          job.notBefore = Date.now() + 500
          return "again"
        }
        if (res.status === 202) leftToReconciliation.push(job)
        return "done"
      } catch {
        // No answer: the server died under the request. Same key again once a new one is up.
        job.died += 1
        stats.died += 1
        const deadline = Date.now() + 10_000
        while (generation === gen && Date.now() < deadline) await sleep(50)
        return "again"
      } finally {
        inFlight -= 1
      }
    }

    await Promise.all(
      Array.from({ length: WORKERS }, async () => {
        while (outstanding > 0) {
          const index = queue.findIndex((j) => j.notBefore <= Date.now())
          if (index < 0) {
            await sleep(50)
            continue
          }
          const [job] = queue.splice(index, 1)
          if ((await attempt(job)) === "again") queue.push(job)
          else outstanding -= 1
        }
      })
    )
    await lastKill
    await up
    const driveSeconds = (Date.now() - started) / 1000

    // --- reconciliation, once nothing is on its way any more ---------------------------------
    await sleep(1200) // the longest delay a killed server's call could still be held
    await sandbox.clearFaults()
    const api = (method: "GET" | "POST", path: string, body?: unknown, headers?: Record<string, string>) =>
      adminRequest(server!.url, ctx.adminToken, method, path, body, headers)
    await callsAreOver(db, paymentIds)
    let recorded = 0
    for (let i = 0; i < 4 && (await unsettledCount(db, paymentIds)) > 0; i++) {
      const report = await api("POST", "/admin/captures/reconcile", { older_than_seconds: 0, never_received_after_seconds: 0, limit: 1000 })
      expect(report.status).toBe(200)
      recorded += (report.body.recorded as Json[]).filter((r) => paymentIds.includes(r.payment_id)).length
    }
    expect(await unsettledCount(db, paymentIds)).toBe(0)

    // The client asks again about every capture whose answer it never got or that was unclear:
    // the same key now replays the settled outcome.
    const final = new Map<string, { status: number; body: Json }>()
    for (const job of jobs) {
      if (job.last && [201, 422].includes(job.last.status) && !leftToReconciliation.includes(job)) {
        final.set(job.key, job.last)
        continue
      }
      const again = await api("POST", `/admin/payments/${job.payment.paymentId}/captures`, { amount: job.amount }, { "idempotency-key": job.key })
      final.set(job.key, { status: again.status, body: again.body })
    }
    const finalStatuses = [...final.values()].map((a) => a.status)
    expect(finalStatuses.filter((s) => s !== 201 && s !== 422)).toEqual([])

    // Captures the gateway never received failed safely: the client captures them again, with a new key.
    const retried: Job[] = []
    for (const job of jobs) {
      if (final.get(job.key)!.status !== 422) continue
      const res = await api("POST", `/admin/payments/${job.payment.paymentId}/captures`, { amount: job.amount }, { "idempotency-key": `${job.key}-again` })
      expect(res.status).toBe(201)
      retried.push(job)
    }

    // --- the ledger and the sandbox agree exactly --------------------------------------------
    const refs = new Set(payments.map((p) => p.paymentRef))
    const [gateway, ledger] = await Promise.all([sandbox.snapshot(refs), readLedger(db, paymentIds)])
    const sentOps: SentOp[] = jobs.map((job) => ({
      key: job.key,
      kind: "capture",
      paymentId: job.payment.paymentId,
      status: final.get(job.key)!.status,
      rowId: final.get(job.key)!.body.capture?.id,
    }))
    const violations = verify({ gateway, ledger, payments: new Map(payments.map((p) => [p.paymentId, p.paymentRef])), sent: sentOps })

    const gatewayCaptures = gateway.ops.filter((o) => o.kind === "capture")
    const ledgerSucceeded = ledger.captures.filter((c) => c.status === "succeeded")
    // The same set of captures, by gateway id, with the same amounts.
    expect(ledgerSucceeded.map((c) => `${c.gateway_capture_id}:${c.amount}`).sort()).toEqual(
      gatewayCaptures.map((o) => `${o.id}:${o.amount}`).sort()
    )
    // No double capture: one gateway capture per ledger row (its id is the key the plugin sent).
    const keys = gatewayCaptures.map((o) => o.key)
    expect(new Set(keys).size).toBe(keys.length)
    // Every planned capture was taken exactly once, under its own key or its second one.
    for (const job of jobs) {
      const rows = ledgerSucceeded.filter((c) => c.payment_id === job.payment.paymentId && (c.idempotency_key === job.key || c.idempotency_key === `${job.key}-again`))
      expect({ key: job.key, taken: rows.map((r) => r.amount) }).toEqual({ key: job.key, taken: [job.amount] })
    }
    // Amounts per payment: the plan, the ledger and the gateway.
    for (const p of payments) {
      const planned = jobs.filter((j) => j.payment === p).reduce((s, j) => s + j.amount, 0)
      const inLedger = ledgerSucceeded.filter((c) => c.payment_id === p.paymentId).reduce((s, c) => s + c.amount, 0)
      expect({ payment: p.paymentId, ledger: inLedger, gateway: gateway.payments.get(p.paymentRef)!.captured }).toEqual({
        payment: p.paymentId,
        ledger: planned,
        gateway: planned,
      })
      expect(inLedger).toBeLessThanOrEqual(p.total)
    }
    expect(recorded).toBe(0)

    const failedRows = ledger.captures.filter((c) => c.status === "failed")
    // Rows a crash left between the two ledger writes, settled by a reconciler (the scheduled job or the route).
    const settledByReconciler = (
      await db.query(`SELECT count(DISTINCT capture_id)::int AS n FROM capture_event WHERE payment_id = ANY($1) AND type = 'reconciled'`, [paymentIds])
    ).rows[0].n
    console.log(
      [
        `crash test, ${gw.name} (seed ${SEED}): ${jobs.length} captures on ${ORDERS} orders, ${sent} requests sent, ${(
          (Date.now() - started) / 1000
        ).toFixed(1)} s (driving ${driveSeconds.toFixed(1)} s)`,
        `  SIGKILLs: ${kills.length} (${kills.map((k) => `after ${k.afterRequests} req, ${k.inFlight} in flight, back in ${(k.restartMs / 1000).toFixed(1)} s`).join("; ")})`,
        `  requests that died with the server: ${stats.died}; 409 answers retried: ${stats.conflicts}; captures held at the gateway: ${stats.delayed}; 5xx answers retried: ${stats.serverErrors}`,
        `  answers replayed for a key sent before: ${stats.replayed}; captures settled by a reconciler after a crash: ${settledByReconciler}`,
        `  left to reconciliation: ${leftToReconciliation.length}; failed as never received and captured again: ${retried.length} (ledger failed rows: ${failedRows.length}: ${[
          ...new Set(failedRows.map((r) => r.error_code)),
        ].join(", ")})`,
        `  final: ledger ${ledgerSucceeded.length} succeeded captures = gateway ${gatewayCaptures.length}; violations: ${violations.length}`,
        ...violations.map((v) => `  ! [${v.kind}] ${v.detail}`),
      ].join("\n")
    )
    expect(violations).toEqual([])
  }, 180_000)
})
