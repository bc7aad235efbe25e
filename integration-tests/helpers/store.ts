/**
 * Typed access to the store the global setup seeded (scripts/lib/seed.js, shared
 * with the demo) and to orders placed through Medusa's store API.
 */
// eslint-disable-next-line @typescript-eslint/no-var-requires
const seed = require("../../scripts/lib/seed")

export type SeededStore = {
  adminToken: string
  regionId: string
  /** A region whose currency has no minor unit (JPY). */
  jpyRegionId: string
  /** USD with 10 % sales tax (Clover). */
  usRegionId: string
  variantId: string
  shippingOptionId: string
  jpyShippingOptionId: string
  usShippingOptionId: string
}

export type TestContext = SeededStore & {
  medusaUrl: string
  sandboxUrl: string
  sandboxApiKey: string
  mollieUrl: string
  mollieApiKey: string
  cloverUrl: string
  cloverPrivateKey: string
  stripeUrl: string
  stripeApiKey: string
  stripeWebhookSecret: string
  databaseUrl: string
  serverEnv: Record<string, string>
  /** Everything the suite's Medusa server wrote (its LOG_LEVEL is error). */
  serverLogFile: string
}

export type PlacedOrder = {
  orderId: string
  displayId: number
  paymentId: string
  total: number
  currency: string
  paymentRef: string
}

export const seedStore: (opts: {
  medusaUrl: string
  admin: { email: string; password: string }
  paymentProviders?: string[]
}) => Promise<SeededStore> =
  seed.seedStore

export type OrderOptions = {
  quantity?: number
  source?: string
  currency?: "eur" | "jpy" | "usd"
  provider?: "captures-sandbox" | "mollie" | "clover" | "stripe-captures"
  /** A gift card (POST /admin/gift-cards) applied to the cart: the payment then covers the rest. */
  giftCardCode?: string
  /** The shopper's step at a hosted checkout, with the payment session's data. */
  beforeComplete?: (sessionData: Record<string, any>) => Promise<void> // eslint-disable-line @typescript-eslint/no-explicit-any
}

export function placeOrder(ctx: TestContext, opts: OrderOptions = {}): Promise<PlacedOrder> {
  return seed.placeOrder(ctx, ctx, opts)
}

export function testContext(): TestContext {
  const raw = process.env.CAPTURES_TEST_CONTEXT
  if (!raw) throw new Error("integration-tests/setup/global-setup.ts did not run")
  return JSON.parse(raw)
}
