/**
 * The bounds of one webhook refresh, against the real Mollie simulator and MollieGateway. The
 * ledger side is a small stand-in (rows to look at, outcomes and events written down): the
 * database side is covered by integration-tests/mollie/mollie-webhook-storm.spec.ts.
 */
import type { EntityManager } from "typeorm"
import { MollieGateway } from "../../../gateways/mollie"
import { startMollieSandbox, type MollieSandboxHandle } from "../../../sandbox/mollie"
import { sleep } from "../../../sandbox/mollie/__tests__/helpers"
import type { OutcomePatch } from "../outcome"
import { REFRESH_MAX_LOOKUPS, REFRESH_MAX_PAGES, refreshFromGateway, type RefreshLedger } from "../webhook-refresh"

let sandbox: MollieSandboxHandle

beforeAll(async () => {
  sandbox = await startMollieSandbox({ multiCapture: true, captureDelayMs: 20 })
})
afterAll(async () => {
  await sandbox.close()
})

type Row = { kind: "capture" | "refund"; id: string; status: string; gateway_id: string | null }

function ledgerOf(rows: Row[]) {
  const applied: Array<{ id: string; status: string }> = []
  const events: Array<Record<string, unknown>> = []
  const manager = {
    // The unsettled rows, oldest first, as many as asked for (the LIMIT), with the total.
    query: async (_sql: string, params: unknown[]) => rows.slice(0, Number(params[1])).map((r) => ({ ...r, total: rows.length })),
    transaction: async <T>(work: (m: unknown) => Promise<T>) =>
      work({ getRepository: () => ({ create: (e: Record<string, unknown>) => e, save: async (e: Record<string, unknown>) => events.push(e) }) }),
  }
  const ledger: RefreshLedger = {
    manager: manager as unknown as EntityManager,
    applyCaptureOutcome: async (id: string, patch: OutcomePatch) => {
      applied.push({ id, status: patch.status })
      return { status: patch.status }
    },
    applyRefundOutcome: async (id: string, patch: OutcomePatch) => {
      applied.push({ id, status: patch.status })
      return { refund: { status: patch.status } }
    },
  }
  return { ledger, applied, events }
}

async function paymentWithCaptures(gateway: MollieGateway, keys: string[]): Promise<string> {
  const snapshot = await gateway.authorize({ amount: 10_000, currency: "eur", idempotencyKey: `auth_${keys[0]}`, description: "Order" })
  const res = await fetch(snapshot.redirectUrl!, { method: "POST", headers: { "Content-Type": "application/json" }, body: '{"action":"authorize"}' })
  expect(res.status).toBe(200)
  for (const key of keys) await gateway.capture({ paymentRef: snapshot.paymentRef, amount: 100, currency: "eur", idempotencyKey: key })
  return snapshot.paymentRef
}

describe("refreshFromGateway", () => {
  const actor = { type: "webhook" as const, id: "mollie" }
  // Pages of 2 instead of 250, so that a payment with a few captures already has several pages.
  const gateway = () =>
    new MollieGateway({
      apiKey: "test_refreshspec000000000000001",
      baseUrl: sandbox.url,
      redirectUrl: "https://shop.example/return",
      fetch: (input, init) => fetch(String(input).replace("limit=250", "limit=2"), init),
    })

  it(`looks up at most ${REFRESH_MAX_LOOKUPS} rows, each listing at most ${REFRESH_MAX_PAGES} pages; the rest is left; one event`, async () => {
    const mollie = gateway()
    const keys = Array.from({ length: 15 }, (_, i) => `cap_bound_${i + 1}`)
    const ref = await paymentWithCaptures(mollie, keys)
    await sleep(100) // Mollie settles them (captureDelayMs 20)
    // Rows whose answer was lost: no Mollie id, found again by listing.
    const { ledger, applied, events } = ledgerOf(keys.map((id) => ({ kind: "capture", id, status: "requested", gateway_id: null })))
    const before = sandbox.state.requests

    const result = await refreshFromGateway(ledger, mollie, { paymentId: "pay_1", paymentRef: ref, actor, webhooks: 7 })

    const requests = sandbox.state.requests - before
    // Captures 1–4 are on the first two pages (1+1+2+2 requests); 5–10 each stop after two pages
    // (2 requests each); 11–15 are not looked up at all.
    expect(result).toEqual({ settled: 4, looked: 10, left: 11 })
    expect(applied).toEqual(keys.slice(0, 4).map((id) => ({ id, status: "succeeded" })))
    expect(requests).toBe(6 + 6 * 2)
    expect(requests).toBeLessThanOrEqual(REFRESH_MAX_LOOKUPS * (REFRESH_MAX_PAGES + 1))
    expect(events).toEqual([
      expect.objectContaining({
        payment_id: "pay_1",
        type: "webhook.received",
        actor_type: "webhook",
        data: { payment_ref: ref, webhooks: 7, unsettled: 15 },
      }),
    ])
  })

  it("records no event when nothing changed (a webhook anyone can send adds nothing to the trail)", async () => {
    sandbox.state.config.captureDelayMs = 60_000
    try {
      const mollie = gateway()
      const ref = await paymentWithCaptures(mollie, ["cap_still_1", "cap_still_2"])
      const ids = sandbox.state.payments.get(ref)!.captureIds
      const { ledger, applied, events } = ledgerOf([
        { kind: "capture", id: "cap_still_1", status: "pending", gateway_id: ids[0] },
        { kind: "capture", id: "cap_still_2", status: "pending", gateway_id: ids[1] },
      ])
      const before = sandbox.state.requests
      expect(await refreshFromGateway(ledger, mollie, { paymentId: "pay_2", paymentRef: ref, actor, webhooks: 1 })).toEqual({
        settled: 0,
        looked: 2,
        left: 0,
      })
      // One request per row known by its Mollie id.
      expect(sandbox.state.requests - before).toBe(2)
      expect(applied).toEqual([])
      expect(events).toEqual([])
    } finally {
      sandbox.state.config.captureDelayMs = 20
    }
  })
})
