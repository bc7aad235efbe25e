/**
 * The fault suite's view of the Stripe simulator. Stripe has no capture object: every capture of
 * an intent lands on its one charge (the id the ledger stores for each of them), so captures are
 * read from the simulator's own capture log and matched to ledger rows by charge and
 * Idempotency-Key together. Captures POST to the intent; every refund POSTs to /v1/refunds.
 */
import type { TestContext } from "../../../helpers/store"
import { BaseDriver, harmless, type GatewayOp, type GatewayPayment, type GatewaySnapshot, type GatewayStatus, type OpKind } from "./gateways"
import { control, type Json } from "./util"

/** Stripe's refund statuses as the checks count them (canceled gives the money back, like failed). */
const REFUND_STATUS: Record<string, GatewayStatus> = {
  pending: "pending",
  requires_action: "pending",
  succeeded: "succeeded",
  failed: "failed",
  canceled: "failed",
}

export class StripeDriver extends BaseDriver {
  readonly name = "stripe-captures" as const
  constructor(private readonly ctx: TestContext) {
    super(ctx.stripeUrl)
  }

  faultPath(kind: OpKind, ref: string) {
    return kind === "capture" ? { path: `/v1/payment_intents/${ref}/capture`, shared: false } : { path: "/v1/refunds", shared: true }
  }

  /** A form-encoded request Stripe refuses (negative amount, unknown intent): it only takes the fault. */
  async drain(kind: OpKind, ref: string): Promise<void> {
    const headers = {
      authorization: `Bearer ${this.ctx.stripeApiKey}`,
      "content-type": "application/x-www-form-urlencoded",
      "idempotency-key": `drain-${Date.now()}-${Math.random().toString(36).slice(2)}`,
    }
    const body = kind === "capture" ? "amount_to_capture=-1" : "payment_intent=pi_nosuchintent000&amount=1"
    await harmless(`${this.url}${this.faultPath(kind, ref).path}`, { method: "POST", headers, body })
  }

  async snapshot(refs: ReadonlySet<string>): Promise<GatewaySnapshot> {
    const state = await control(this.url, "GET", "state")
    const ops: GatewayOp[] = []
    for (const c of state.captures as Json[]) {
      if (!refs.has(c.paymentIntent)) continue
      ops.push({
        kind: "capture",
        id: c.charge,
        sharedId: true,
        paymentRef: c.paymentIntent,
        amount: c.amount,
        status: "succeeded",
        key: c.idempotencyKey ?? undefined,
      })
    }
    for (const r of state.refunds as Json[]) {
      if (!refs.has(r.payment_intent)) continue
      ops.push({
        kind: "refund",
        id: r.id,
        paymentRef: r.payment_intent,
        amount: r.amount,
        status: REFUND_STATUS[r.status] ?? "pending",
        key: r.metadata?.medusa_refund_id,
      })
    }
    const payments = new Map<string, GatewayPayment>()
    for (const intent of state.payment_intents as Json[]) {
      if (!refs.has(intent.id)) continue
      const own = ops.filter((o) => o.paymentRef === intent.id)
      payments.set(intent.id, {
        ref: intent.id,
        captured: intent.amount_received,
        refunded: own.filter((o) => o.kind === "refund" && o.status !== "failed").reduce((s, o) => s + o.amount, 0),
        liveCaptures: own.filter((o) => o.kind === "capture").length,
      })
    }
    return { ops, payments }
  }

  /** Webhook deliveries not finished yet (Stripe's events name no payment on the delivery: all of them). */
  async webhooksBusy(): Promise<number> {
    const { webhooks } = await control(this.url, "GET", "webhooks")
    return (webhooks as Json[]).filter((d) => d.state === "held" || d.state === "delivering").length
  }
}
