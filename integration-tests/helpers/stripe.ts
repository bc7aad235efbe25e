import Stripe from "stripe"
import { STRIPE_API_VERSION } from "../../src/types/options"
import { placeOrder, type PlacedOrder, type TestContext } from "./store"

type Json = Record<string, any> // eslint-disable-line @typescript-eslint/no-explicit-any

/** The official SDK pointed at the suite's Stripe simulator: what a test reads "at Stripe". */
export function stripeSdk(ctx: Pick<TestContext, "stripeUrl" | "stripeApiKey">): Stripe {
  const url = new URL(ctx.stripeUrl)
  return new Stripe(ctx.stripeApiKey, {
    apiVersion: STRIPE_API_VERSION,
    protocol: "http",
    host: url.hostname,
    port: Number(url.port),
    maxNetworkRetries: 0,
    telemetry: false,
  })
}

/** The simulator's control API (faults, config, events). */
export async function stripeControl(ctx: Pick<TestContext, "stripeUrl">, method: string, path: string, body?: unknown): Promise<Json> {
  const res = await fetch(`${ctx.stripeUrl}/__control/${path}`, {
    method,
    headers: body === undefined ? {} : { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  const text = await res.text()
  if (res.status >= 400) throw new Error(`stripe control ${method} ${path}: HTTP ${res.status} ${text}`)
  return text ? JSON.parse(text) : {}
}

/**
 * Cart → PaymentIntent (our processor) → the shopper confirms it with a test
 * payment method (the SDK standing in for Stripe.js and its client secret) →
 * the cart completes.
 */
export function placeStripeOrder(ctx: TestContext, paymentMethod = "pm_card_visa", quantity = 1): Promise<PlacedOrder> {
  return placeOrder(ctx, {
    provider: "stripe-captures",
    quantity,
    beforeComplete: async (session) => {
      await stripeSdk(ctx).paymentIntents.confirm(session.payment_ref, { payment_method: paymentMethod })
    },
  })
}

/** The intent as Stripe (the simulator) has it, with its latest charge. */
export function stripeIntent(ctx: TestContext, ref: string): Promise<Stripe.PaymentIntent> {
  return stripeSdk(ctx).paymentIntents.retrieve(ref, { expand: ["latest_charge"] })
}
