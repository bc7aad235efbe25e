/**
 * A store to sell in, made through Medusa's own admin API, and orders placed
 * through its store API — the same calls a storefront makes.
 */
export type TestContext = {
  medusaUrl: string
  sandboxUrl: string
  sandboxApiKey: string
  databaseUrl: string
  adminToken: string
  regionId: string
  /** A region whose currency has no minor unit (JPY). */
  jpyRegionId: string
  variantId: string
  shippingOptionId: string
  jpyShippingOptionId: string
  serverEnv: Record<string, string>
}

type Json = Record<string, any> // eslint-disable-line @typescript-eslint/no-explicit-any

export async function http(
  base: string,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {}
): Promise<{ status: number; body: Json }> {
  const res = await fetch(base + path, {
    method,
    headers: { "content-type": "application/json", ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  const text = await res.text()
  let parsed: Json
  try {
    parsed = text ? JSON.parse(text) : {}
  } catch {
    parsed = { raw: text }
  }
  return { status: res.status, body: parsed }
}

async function ok(p: Promise<{ status: number; body: Json }>, what: string): Promise<Json> {
  const { status, body } = await p
  if (status >= 300) throw new Error(`${what}: HTTP ${status} ${JSON.stringify(body)}`)
  return body
}

export async function seedStore(opts: {
  medusaUrl: string
  sandboxUrl: string
  sandboxApiKey: string
  databaseUrl: string
  admin: { email: string; password: string }
  serverEnv: Record<string, string>
}): Promise<TestContext> {
  const base = opts.medusaUrl
  const { access_token } = await ok(http(base, "POST", "/admin/auth/token", opts.admin), "admin token")
  const auth = { authorization: `Bearer ${access_token}` }
  const admin = (method: string, path: string, body?: unknown) => ok(http(base, method, path, body, auth), `${method} ${path}`)

  await admin("POST", "/admin/store", { currencies: ["usd", "eur", "jpy"] })
  const region = async (name: string, currency: string, countries: string[]) =>
    (
      await admin("POST", "/admin/regions", {
        name,
        currency_code: currency,
        tax_rate: 0,
        payment_providers: ["captures-sandbox"],
        fulfillment_providers: ["manual"],
        countries,
      })
    ).region.id as string
  const regionId = await region("Europe", "eur", ["nl", "de"])
  const jpyRegionId = await region("Japan", "jpy", ["jp"])

  const { shipping_profiles } = await admin("GET", "/admin/shipping-profiles")
  const profile = shipping_profiles.find((p: Json) => p.type === "default") ?? shipping_profiles[0]
  const shippingOption = async (regionId: string, amount: number) =>
    (
      await admin("POST", "/admin/shipping-options", {
        name: "Standard",
        region_id: regionId,
        provider_id: "manual",
        data: { id: "manual-fulfillment" },
        price_type: "flat_rate",
        amount,
        profile_id: profile.id,
      })
    ).shipping_option.id as string
  const shippingOptionId = await shippingOption(regionId, 1000)
  const jpyShippingOptionId = await shippingOption(jpyRegionId, 500)

  const { product } = await admin("POST", "/admin/products", {
    title: "Capture Test Mug",
    status: "published",
    options: [{ title: "Size" }],
    variants: [
      {
        title: "One size",
        manage_inventory: false,
        prices: [
          { currency_code: "eur", amount: 10000 },
          { currency_code: "jpy", amount: 12000 },
        ],
        options: [{ value: "One size" }],
      },
    ],
  })

  return {
    medusaUrl: base,
    sandboxUrl: opts.sandboxUrl,
    sandboxApiKey: opts.sandboxApiKey,
    databaseUrl: opts.databaseUrl,
    adminToken: access_token,
    regionId,
    jpyRegionId,
    variantId: product.variants[0].id,
    shippingOptionId,
    jpyShippingOptionId,
    serverEnv: opts.serverEnv,
  }
}

export function testContext(): TestContext {
  const raw = process.env.CAPTURES_TEST_CONTEXT
  if (!raw) throw new Error("integration-tests/setup/global-setup.ts did not run")
  return JSON.parse(raw)
}

export type PlacedOrder = { orderId: string; paymentId: string; total: number; currency: string; paymentRef: string }

/** Cart → sandbox payment session → complete: a real order with an authorized payment. */
export async function placeOrder(
  ctx: TestContext,
  opts: { quantity?: number; source?: string; currency?: "eur" | "jpy" } = {}
): Promise<PlacedOrder> {
  const base = ctx.medusaUrl
  const store = (method: string, path: string, body?: unknown) => ok(http(base, method, path, body), `${method} ${path}`)
  const jpy = opts.currency === "jpy"
  const { cart } = await store("POST", "/store/carts", { region_id: jpy ? ctx.jpyRegionId : ctx.regionId })
  await store("POST", `/store/carts/${cart.id}/line-items`, { variant_id: ctx.variantId, quantity: opts.quantity ?? 1 })
  await store("POST", `/store/carts/${cart.id}`, {
    email: "shopper@captures.test",
    shipping_address: {
      first_name: "Ada",
      last_name: "Lovelace",
      address_1: jpy ? "1-1 Chiyoda" : "Keizersgracht 1",
      city: jpy ? "Tokyo" : "Amsterdam",
      country_code: jpy ? "jp" : "nl",
      postal_code: jpy ? "100-0001" : "1015 CS",
    },
  })
  await store("POST", `/store/carts/${cart.id}/shipping-methods`, {
    option_id: jpy ? ctx.jpyShippingOptionId : ctx.shippingOptionId,
  })
  await store("POST", `/store/carts/${cart.id}/payment-sessions`)
  await store("POST", `/store/carts/${cart.id}/payment-session`, { provider_id: "captures-sandbox" })
  if (opts.source) {
    await store("POST", `/store/carts/${cart.id}/payment-sessions/captures-sandbox`, { data: { source: opts.source } })
  }
  const completed = await store("POST", `/store/carts/${cart.id}/complete`)
  if (completed.type !== "order") throw new Error(`cart did not complete: ${JSON.stringify(completed)}`)
  const order = completed.data
  const payment = order.payments[0]
  return {
    orderId: order.id,
    paymentId: payment.id,
    total: payment.amount,
    currency: payment.currency_code,
    paymentRef: payment.data.payment_ref,
  }
}
