import { writeFileSync } from "node:fs"
import { Pool } from "pg"
import { testContext } from "../helpers/store"
import { CloverDriver, MollieDriver, SandboxDriver, type GatewayName } from "./support/faults/gateways"
import { StripeDriver } from "./support/faults/stripe-driver"
import { MOLLIE_ONLY_FAULTS, SIMULATOR_FAULTS, runCase, type CaseResult, type FaultName } from "./support/faults/runner"
import { formatTable } from "./support/faults/table"

/**
 * Every gateway under every fault that applies to it: at least 50 captures and refunds per
 * (gateway, fault) through the admin routes, a share of them faulted at the simulator (a delay
 * past the client's 1.5 s timeout, resets before and after the gateway acted, lost responses,
 * 5xx, 429 with Retry-After, malformed bodies; for Mollie also captures that settle failed,
 * duplicate and reordered webhooks), then reconciliation, then the properties of
 * support/faults/checks.ts against the simulator's own records: no double captures or refunds,
 * nothing lost, the invariants. The gateways: the sandbox, Mollie, Clover (its simulator as
 * documented, and under its strictest contract: no idempotency on refunds, no amount_captured),
 * Stripe. FAULTS_SEED=<n> replays a run; the table is printed at the end.
 */
const BASE_SEED = Number(process.env.FAULTS_SEED ?? 20_240_611)

const CASES: Array<[GatewayName, FaultName]> = [
  ...SIMULATOR_FAULTS.map((f): [GatewayName, FaultName] => ["captures-sandbox", f]),
  ...[...SIMULATOR_FAULTS, ...MOLLIE_ONLY_FAULTS].map((f): [GatewayName, FaultName] => ["mollie", f]),
  ...SIMULATOR_FAULTS.map((f): [GatewayName, FaultName] => ["clover", f]),
  ...SIMULATOR_FAULTS.map((f): [GatewayName, FaultName] => ["clover-strictest", f]),
  ...SIMULATOR_FAULTS.map((f): [GatewayName, FaultName] => ["stripe-captures", f]),
]

describe("faults at the gateway: no double captures, nothing lost, invariants hold", () => {
  const ctx = testContext()
  const db = new Pool({ connectionString: ctx.databaseUrl, max: 4 })
  const env = {
    ctx,
    db,
    drivers: {
      "captures-sandbox": new SandboxDriver(ctx),
      mollie: new MollieDriver(ctx),
      clover: new CloverDriver(ctx),
      "clover-strictest": new CloverDriver(ctx, "strictest"),
      "stripe-captures": new StripeDriver(ctx),
    },
  }
  const results: CaseResult[] = []
  const suiteStarted = Date.now()

  afterAll(async () => {
    console.log(`fault suite (seed ${BASE_SEED}, ${((Date.now() - suiteStarted) / 1000).toFixed(1)} s)\n${formatTable(results)}`)
    if (process.env.FAULTS_DUMP) writeFileSync(process.env.FAULTS_DUMP, JSON.stringify(results, null, 2))
    await db.end()
  })

  CASES.forEach(([gateway, fault], index) => {
    it(`${gateway}: ${fault}`, async () => {
      const result = await runCase(env, gateway, fault, BASE_SEED + 7919 * (index + 1))
      results.push(result)
      expect(result.ops).toBeGreaterThanOrEqual(50)
      expect(result.faulted).toBeGreaterThan(0)
      expect(result.violations).toEqual([])
    }, 120_000)
  })
})
