/**
 * Bad-input suite: property-based requests (fast-check) to every admin and
 * webhook route of the plugin — wrong types, huge and negative numbers,
 * NaN-ish strings, RTL/emoji/NUL/lone-surrogate text, oversized and deeply
 * nested metadata, SQL and JSON injection, prototype keys (every metadata
 * route gets each of Object.prototype's names in every run), missing and wrong
 * credentials, missing, forged and stale Stripe signatures, malformed JSON,
 * wrong content types and encodings, unknown query parameters, and ids that
 * look right but do not exist here or belong to another kind of object —
 * mixed with real ids of a few real orders.
 *
 * For every case (support/bad-input/harness.ts): no 5xx; 401 without valid
 * admin credentials; every other 4xx has a message naming the problem; a
 * refused request changes nothing in the database (ledger fingerprint, the
 * payments, orders and core refunds of this suite); an accepted one answers
 * what was asked and leaves the money invariants true.
 *
 * BAD_INPUT_SEED=<n> replays a run (route i uses seed n + i).
 * BAD_INPUT_COLLECT=<file> records every failing case to <file> (JSON lines)
 * instead of stopping at the first one per route.
 * BAD_INPUT_SCALE=<x> multiplies the number of cases (a longer soak).
 * BAD_INPUT_TRACE=<file> writes every case's route, status and message to <file>.
 */
import * as fs from "node:fs"
import fc from "fast-check"
import { testContext } from "../helpers/store"
import { BadInputHarness, report } from "./support/bad-input/harness"
import { RawClient } from "./support/bad-input/http"
import { LedgerProbe } from "./support/bad-input/ledger"
import { ROUTE_NAMES, caseArb, describeRequest, metadataKeyExamples, type Case, type RouteName } from "./support/bad-input/routes"
import { buildWorld, type World } from "./support/bad-input/world"

const RUNS: Record<RouteName, number> = {
  "POST /admin/payments/:id/captures": 320,
  "GET /admin/payments/:id/captures": 150,
  "GET /admin/captures": 320,
  "GET /admin/captures/:id": 160,
  "POST /admin/captures/:id": 280,
  "GET /admin/captures/:id/refunds": 130,
  "POST /admin/captures/:id/refunds": 300,
  "POST /admin/captures/:id/retry": 150,
  "POST /admin/captures/:id/reconcile": 130,
  "POST /admin/captures/reconcile": 200,
  "GET /admin/orders/:id/captures": 140,
  "POST /admin/payments/:id/release": 120,
  "POST /hooks/captures/mollie": 250,
  "POST /hooks/captures/stripe": 250,
}
/** 2,900 planned; the issue asks for at least 2,000. */
const MIN_CASES = 2000
const SCALE = Number(process.env.BAD_INPUT_SCALE ?? 1)

const SEED = process.env.BAD_INPUT_SEED ? Number(process.env.BAD_INPUT_SEED) : Date.now() % 2 ** 31
const COLLECT = process.env.BAD_INPUT_COLLECT
const TRACE = process.env.BAD_INPUT_TRACE

describe("bad input to every route of the plugin", () => {
  const ctx = testContext()
  let world: World
  let ledger: LedgerProbe
  let client: RawClient
  let harness: BadInputHarness

  beforeAll(async () => {
    world = await buildWorld(ctx)
    ledger = await LedgerProbe.open(ctx.databaseUrl, { payments: [...world.payments.map((p) => p.id), world.stripe.paymentId], orders: [...world.orders, world.stripe.orderId] })
    client = new RawClient(ctx.medusaUrl)
    harness = new BadInputHarness(client, ledger)
    const broken = await ledger.invariantViolations()
    if (broken.length) throw new Error(`the ledger is broken before the suite starts: ${broken.join("; ")}`)
    if (COLLECT) fs.writeFileSync(COLLECT, "")
    if (TRACE) fs.writeFileSync(TRACE, "")
  }, 120_000)

  afterAll(async () => {
    client?.close()
    await ledger?.close()
  })

  ROUTE_NAMES.forEach((route, i) => {
    it(`${route}: no 5xx, 4xx name the problem, refusals change nothing`, async () => {
      const seed = (SEED + i) % 2 ** 31
      let collected = 0
      try {
        await fc.assert(
          fc.asyncProperty(caseArb(route, world), async (c) => {
            const verdict = await harness.run(c)
            if (TRACE) {
              const r = verdict.response
              fs.appendFileSync(TRACE, `${route}\t${r?.status}\t${String(r?.json?.message ?? r?.text ?? "").slice(0, 160).replace(/\s+/g, " ")}\n`)
            }
            if (verdict.violations.length === 0) return
            if (COLLECT) {
              collected++
              fs.appendFileSync(
                COLLECT,
                JSON.stringify({ route, request: describeRequest(c), status: verdict.response?.status, body: verdict.response?.text.slice(0, 500), violations: verdict.violations }) + "\n"
              )
              return
            }
            throw new Error(report(c, verdict))
          }),
          {
            numRuns: Math.ceil(RUNS[route] * SCALE),
            seed,
            // Run first, whatever the seed: metadata keys named like Object.prototype's members.
            examples: metadataKeyExamples(route, world).map((c): [Case] => [c]),
            includeErrorInReport: true,
            interruptAfterTimeLimit: 100_000,
            markInterruptAsFailure: true,
          }
        )
      } catch (err) {
        throw new Error(`bad-input ${route}: replay with BAD_INPUT_SEED=${SEED} (this route's seed ${seed})\n${(err as Error).message}`)
      }
      if (collected) throw new Error(`${collected} failing cases for ${route}, written to ${COLLECT}`)
    }, 150_000)
  })

  it(`ran at least ${MIN_CASES} cases over all ${ROUTE_NAMES.length} routes`, async () => {
    const lines = ROUTE_NAMES.map((r) => {
      const statuses = [...(harness.statuses.get(r) ?? new Map<number, number>()).entries()].sort((a, b) => a[0] - b[0])
      return `${String(harness.counts.get(r) ?? 0).padStart(5)}  ${r.padEnd(36)} ${statuses.map(([s, n]) => `${s}×${n}`).join(" ")}`
    })
    const total = ROUTE_NAMES.reduce((n, r) => n + (harness.counts.get(r) ?? 0), 0)
    process.stdout.write(`\nbad-input cases per route (seed ${SEED}):\n${lines.join("\n")}\n${String(total).padStart(5)}  in total\n`)
    // A route whose property failed stops at its first counterexample (then shrinks): it shows up here too.
    const short = ROUTE_NAMES.filter((r) => (harness.counts.get(r) ?? 0) < Math.ceil(RUNS[r] * SCALE))
    expect({ routesShortOfTheirRuns: short }).toEqual({ routesShortOfTheirRuns: [] })
    expect(total).toBeGreaterThanOrEqual(MIN_CASES)
    // The ledger's invariants hold at the end, whatever was accepted on the way.
    expect(await ledger.invariantViolations()).toEqual([])
  })
})
