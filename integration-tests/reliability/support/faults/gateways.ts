/**
 * One driver per simulator: where a fault for one capture or refund is aimed, how a fault
 * the plugin's client did not use up is consumed, and the simulator's own view of every
 * capture and refund, normalised so that the checks are the same for every gateway.
 */
import type { TestContext } from "../../../helpers/store"
import { control, type Json } from "./util"

/** `clover-strictest`: Clover, its simulator promising nothing Clover does not document. */
export type GatewayName = "captures-sandbox" | "mollie" | "clover" | "clover-strictest" | "stripe-captures"

export const isClover = (gateway: GatewayName): boolean => gateway === "clover" || gateway === "clover-strictest"
export type OpKind = "capture" | "refund"
export type GatewayStatus = "succeeded" | "pending" | "failed"

/** A capture or refund as the gateway holds it. */
export type GatewayOp = {
  kind: OpKind
  /** The id the ledger stores as gateway_capture_id / gateway_refund_id. */
  id: string
  paymentRef: string
  amount: number
  status: GatewayStatus
  /** The idempotency key the plugin sent with it (the ledger row id), when the gateway keeps it. */
  key?: string
  /**
   * The gateway names several operations with one id (Stripe: every capture of an intent is on its
   * one charge): such an operation is matched to its ledger row by id and key together.
   */
  sharedId?: boolean
}

export type GatewayPayment = {
  ref: string
  /** Money captured (settled captures only). */
  captured: number
  /** Money refunded or on its way back. */
  refunded: number
  /** Captures that took money or may still (not failed). Clover: the charge's own counter. */
  liveCaptures: number
}

export type GatewaySnapshot = { ops: GatewayOp[]; payments: Map<string, GatewayPayment> }

/** What the simulators' control API takes (src/sandbox/common/faults.ts). */
export type SimFault = { kind: string; delayMs?: number; retryAfterSeconds?: number; times?: number }

export interface GatewayDriver {
  readonly name: GatewayName
  readonly url: string
  /**
   * The path (substring of the request target) of the POST that carries this operation to the
   * gateway. `shared`: other operations POST to the same path, so a fault cannot be aimed.
   */
  faultPath(kind: OpKind, paymentRef: string): { path: string; shared: boolean }
  addFault(path: string, fault: SimFault): Promise<void>
  /** Uses of queued faults on this path that no request took. */
  leftover(path: string): Promise<number>
  /** Sends one harmless request (refused by validation, changes nothing) that takes one queued fault on the path. */
  drain(kind: OpKind, paymentRef: string): Promise<void>
  clearFaults(): Promise<void>
  snapshot(refs: ReadonlySet<string>): Promise<GatewaySnapshot>
  /** Before and after a case: the simulator's settings it runs under. */
  setUp?(): Promise<void>
  tearDown?(): Promise<void>
}

async function leftoverOn(url: string, path: string): Promise<number> {
  const { faults } = await control(url, "GET", "faults")
  return (faults as Json[]).filter((f) => f.match?.path === path).reduce((n, f) => n + (f.remaining ?? 1), 0)
}

/** A request whose only purpose is to take a fault: any answer, or none, is fine. */
export async function harmless(url: string, init: RequestInit): Promise<void> {
  try {
    const res = await fetch(url, { ...init, signal: AbortSignal.timeout(5000) })
    await res.text()
  } catch {
    // reset, lost response, timeout: the fault was taken all the same.
  }
}

export abstract class BaseDriver implements GatewayDriver {
  abstract readonly name: GatewayName
  constructor(readonly url: string) {}
  abstract faultPath(kind: OpKind, paymentRef: string): { path: string; shared: boolean }
  abstract drain(kind: OpKind, paymentRef: string): Promise<void>
  abstract snapshot(refs: ReadonlySet<string>): Promise<GatewaySnapshot>

  async addFault(path: string, fault: SimFault): Promise<void> {
    await control(this.url, "POST", "faults", { faults: [{ ...fault, match: { method: "POST", path } }] })
  }

  leftover(path: string): Promise<number> {
    return leftoverOn(this.url, path)
  }

  async clearFaults(): Promise<void> {
    await control(this.url, "DELETE", "faults")
  }
}

export class SandboxDriver extends BaseDriver {
  readonly name = "captures-sandbox" as const
  constructor(private readonly ctx: TestContext) {
    super(ctx.sandboxUrl)
  }

  faultPath(kind: OpKind, ref: string) {
    return { path: `/v1/payments/${ref}/${kind === "capture" ? "captures" : "refunds"}`, shared: false }
  }

  async drain(kind: OpKind, ref: string): Promise<void> {
    await harmless(`${this.url}${this.faultPath(kind, ref).path}`, {
      method: "POST",
      headers: {
        authorization: `Bearer ${this.ctx.sandboxApiKey}`,
        "content-type": "application/json",
        "idempotency-key": `drain-${Date.now()}-${Math.random().toString(36).slice(2)}`,
      },
      body: JSON.stringify({ amount: -1 }),
    })
  }

  async snapshot(refs: ReadonlySet<string>): Promise<GatewaySnapshot> {
    const state = await control(this.url, "GET", "state")
    const ops: GatewayOp[] = []
    for (const c of state.captures as Json[]) {
      if (!refs.has(c.payment)) continue
      ops.push({ kind: "capture", id: c.id, paymentRef: c.payment, amount: c.amount, status: opStatus(c.status), key: c.idempotency_key })
    }
    for (const r of state.refunds as Json[]) {
      if (!refs.has(r.payment)) continue
      ops.push({ kind: "refund", id: r.id, paymentRef: r.payment, amount: r.amount, status: opStatus(r.status), key: r.idempotency_key })
    }
    const payments = new Map<string, GatewayPayment>()
    for (const p of state.payments as Json[]) {
      if (!refs.has(p.id)) continue
      payments.set(p.id, {
        ref: p.id,
        captured: p.amount_captured,
        refunded: p.amount_refunded,
        liveCaptures: ops.filter((o) => o.kind === "capture" && o.paymentRef === p.id && o.status !== "failed").length,
      })
    }
    return { ops, payments }
  }
}

/** Mollie money ("12.34" EUR) in minor units; the suite only uses two-decimal currencies there. */
const mollieMinor = (amount: Json): number => Math.round(Number(amount.value) * 100)

const MOLLIE_REFUND_STATUS: Record<string, GatewayStatus> = {
  queued: "pending",
  pending: "pending",
  processing: "pending",
  refunded: "succeeded",
  failed: "failed",
  canceled: "failed",
}

export class MollieDriver extends BaseDriver {
  readonly name = "mollie" as const
  constructor(private readonly ctx: TestContext) {
    super(ctx.mollieUrl)
  }

  faultPath(kind: OpKind, ref: string) {
    return { path: `/v2/payments/${ref}/${kind === "capture" ? "captures" : "refunds"}`, shared: false }
  }

  async drain(kind: OpKind, ref: string): Promise<void> {
    await harmless(`${this.url}${this.faultPath(kind, ref).path}`, {
      method: "POST",
      headers: {
        authorization: `Bearer ${this.ctx.mollieApiKey}`,
        "content-type": "application/json",
        "idempotency-key": `drain-${Date.now()}-${Math.random().toString(36).slice(2)}`,
      },
      body: JSON.stringify({ amount: { currency: "EUR", value: "not-money" } }),
    })
  }

  async snapshot(refs: ReadonlySet<string>): Promise<GatewaySnapshot> {
    const state = await control(this.url, "GET", "state")
    const ops: GatewayOp[] = []
    for (const c of state.captures as Json[]) {
      if (!refs.has(c.paymentId)) continue
      ops.push({
        kind: "capture",
        id: c.id,
        paymentRef: c.paymentId,
        amount: mollieMinor(c.amount),
        status: opStatus(c.status),
        key: c.metadata?.medusa_key,
      })
    }
    for (const r of state.refunds as Json[]) {
      if (!refs.has(r.paymentId)) continue
      ops.push({
        kind: "refund",
        id: r.id,
        paymentRef: r.paymentId,
        amount: mollieMinor(r.amount),
        status: MOLLIE_REFUND_STATUS[r.status] ?? "pending",
        key: r.metadata?.medusa_key,
      })
    }
    const payments = new Map<string, GatewayPayment>()
    for (const [ref, p] of Object.entries(state.perPayment as Record<string, Json>)) {
      if (!refs.has(ref)) continue
      payments.set(ref, {
        ref,
        captured: p.captured,
        refunded: p.refunded,
        liveCaptures: ops.filter((o) => o.kind === "capture" && o.paymentRef === ref && o.status !== "failed").length,
      })
    }
    return { ops, payments }
  }

  config(patch: Json): Promise<Json> {
    return control(this.url, "POST", "config", patch)
  }

  getConfig(): Promise<Json> {
    return control(this.url, "GET", "config")
  }

  /** Resends the payment's last webhook (a duplicate delivery); resolves when it was delivered. */
  async replayWebhook(ref: string): Promise<void> {
    try {
      await control(this.url, "POST", "webhooks/replay", { paymentId: ref })
    } catch {
      // No webhook was sent for this payment yet: nothing to duplicate.
    }
  }

  async flushWebhooks(order: "fifo" | "reverse"): Promise<number> {
    const { delivered } = await control(this.url, "POST", "webhooks/flush", { order })
    return (delivered as unknown[]).length
  }

  /** Deliveries of these payments not finished yet (held or being delivered). */
  async webhooksBusy(refs: ReadonlySet<string>): Promise<number> {
    const { webhooks } = await control(this.url, "GET", "webhooks")
    return (webhooks as Json[]).filter((d) => refs.has(d.paymentId) && (d.state === "held" || d.state === "delivering")).length
  }
}

export class CloverDriver extends BaseDriver {
  readonly name: "clover" | "clover-strictest"
  constructor(
    private readonly ctx: TestContext,
    private readonly contract: "documented" | "strictest" = "documented"
  ) {
    super(ctx.cloverUrl)
    this.name = contract === "documented" ? "clover" : "clover-strictest"
  }

  async setUp(): Promise<void> {
    await control(this.url, "POST", "config", { contract: this.contract })
  }

  async tearDown(): Promise<void> {
    await control(this.url, "POST", "config", { contract: "documented" })
  }

  /** Captures POST to the charge; every refund POSTs to /v1/refunds (the charge is in the body). */
  faultPath(kind: OpKind, ref: string) {
    return kind === "capture" ? { path: `/v1/charges/${ref}/capture`, shared: false } : { path: "/v1/refunds", shared: true }
  }

  async drain(kind: OpKind, ref: string): Promise<void> {
    const headers = {
      authorization: `Bearer ${this.ctx.cloverPrivateKey}`,
      "content-type": "application/json",
      "x-forwarded-for": "127.0.0.1",
      "idempotency-key": `drain-${Date.now()}-${Math.random().toString(36).slice(2)}`,
    }
    if (kind === "capture") {
      await harmless(`${this.url}/v1/charges/${ref}/capture`, { method: "POST", headers, body: JSON.stringify({ amount: -1 }) })
    } else {
      await harmless(`${this.url}/v1/refunds`, { method: "POST", headers, body: JSON.stringify({ charge: "NOSUCHCHARGE0", amount: 1 }) })
    }
  }

  async snapshot(refs: ReadonlySet<string>): Promise<GatewaySnapshot> {
    const state = await control(this.url, "GET", "state")
    const ops: GatewayOp[] = []
    const payments = new Map<string, GatewayPayment>()
    for (const charge of state.charges as Json[]) {
      if (!refs.has(charge.id)) continue
      // Clover has no capture object: a captured charge is one capture (the plugin's id: `<charge>:capture`).
      if (charge.captured) {
        ops.push({ kind: "capture", id: `${charge.id}:capture`, paymentRef: charge.id, amount: charge.amount_captured, status: "succeeded" })
      }
      payments.set(charge.id, {
        ref: charge.id,
        captured: charge.captured ? charge.amount_captured : 0,
        refunded: charge.captured ? charge.amount_refunded : 0,
        liveCaptures: charge.counts.captures,
      })
    }
    for (const r of state.refunds as Json[]) {
      if (!refs.has(r.charge)) continue
      ops.push({ kind: "refund", id: r.id, paymentRef: r.charge, amount: r.amount, status: opStatus(r.status), key: r.metadata?.idempotency_key })
    }
    return { ops, payments }
  }
}

export function opStatus(status: string): GatewayStatus {
  if (status === "succeeded") return "succeeded"
  if (status === "failed") return "failed"
  return "pending"
}
