/**
 * A store to sell in, made through Medusa's own admin API, and orders placed
 * through its store API — the same calls a storefront makes. Used by the demo
 * and by the integration tests.
 */

async function http(base, method, path, body, headers = {}) {
  const res = await fetch(base + path, {
    method,
    headers: { "content-type": "application/json", ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  const text = await res.text()
  let parsed
  try {
    parsed = text ? JSON.parse(text) : {}
  } catch {
    parsed = { raw: text }
  }
  return { status: res.status, body: parsed }
}

async function ok(promise, what) {
  const { status, body } = await promise
  if (status >= 300) throw new Error(`${what}: HTTP ${status} ${JSON.stringify(body)}`)
  return body
}

async function adminToken(base, admin) {
  const { access_token } = await ok(http(base, "POST", "/admin/auth/token", admin), "admin token")
  return access_token
}

/**
 * Region EUR (nl, de) and JPY (jp) with the captures-sandbox provider and the
 * manual fulfillment provider, a flat shipping option each, one product.
 */
async function seedStore({ medusaUrl: base, admin: credentials, paymentProviders = ["captures-sandbox"] }) {
  const token = await adminToken(base, credentials)
  const auth = { authorization: `Bearer ${token}` }
  const admin = (method, path, body) => ok(http(base, method, path, body, auth), `${method} ${path}`)

  await admin("POST", "/admin/store", { currencies: ["usd", "eur", "jpy"] })
  const region = async (name, currency_code, countries, tax_rate = 0) =>
    (
      await admin("POST", "/admin/regions", {
        name,
        currency_code,
        tax_rate,
        payment_providers: paymentProviders,
        fulfillment_providers: ["manual"],
        countries,
      })
    ).region.id
  const regionId = await region("Europe", "eur", ["nl", "de"])
  const jpyRegionId = await region("Japan", "jpy", ["jp"])
  // Clover is a North American gateway; this region also has sales tax, for level 2 data.
  const usRegionId = await region("United States", "usd", ["us"], 10)

  const { shipping_profiles } = await admin("GET", "/admin/shipping-profiles")
  const profile = shipping_profiles.find((p) => p.type === "default") ?? shipping_profiles[0]
  const shippingOption = async (region_id, amount) =>
    (
      await admin("POST", "/admin/shipping-options", {
        name: "Standard",
        region_id,
        provider_id: "manual",
        data: { id: "manual-fulfillment" },
        price_type: "flat_rate",
        amount,
        profile_id: profile.id,
      })
    ).shipping_option.id
  const shippingOptionId = await shippingOption(regionId, 1000)
  const jpyShippingOptionId = await shippingOption(jpyRegionId, 500)
  const usShippingOptionId = await shippingOption(usRegionId, 1000)

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
          { currency_code: "usd", amount: 10000 },
        ],
        options: [{ value: "One size" }],
      },
    ],
  })

  return {
    adminToken: token,
    regionId,
    jpyRegionId,
    usRegionId,
    variantId: product.variants[0].id,
    shippingOptionId,
    jpyShippingOptionId,
    usShippingOptionId,
  }
}

/** Where a shopper paying in each currency lives: the region, its shipping option, an address. */
const MARKETS = {
  eur: {
    region: "regionId",
    shipping: "shippingOptionId",
    address: { address_1: "Keizersgracht 1", city: "Amsterdam", country_code: "nl", postal_code: "1015 CS" },
  },
  jpy: {
    region: "jpyRegionId",
    shipping: "jpyShippingOptionId",
    address: { address_1: "1-1 Chiyoda", city: "Tokyo", country_code: "jp", postal_code: "100-0001" },
  },
  usd: {
    region: "usRegionId",
    shipping: "usShippingOptionId",
    address: { address_1: "1 Market St", city: "San Francisco", province: "CA", country_code: "us", postal_code: "94105" },
  },
}

/**
 * Cart → payment session → complete: a real order with an authorized payment.
 * `provider` picks the payment provider; `beforeComplete(sessionData)` is where
 * the shopper acts at a hosted checkout (Mollie) before the cart completes.
 */
async function placeOrder(
  store,
  { medusaUrl: base },
  { quantity = 1, source, currency = "eur", provider = "captures-sandbox", beforeComplete, giftCardCode } = {}
) {
  const call = (method, path, body) => ok(http(base, method, path, body), `${method} ${path}`)
  const where = MARKETS[currency]
  if (!where) throw new Error(`no market for ${currency}`)
  const { cart } = await call("POST", "/store/carts", { region_id: store[where.region] })
  await call("POST", `/store/carts/${cart.id}/line-items`, { variant_id: store.variantId, quantity })
  await call("POST", `/store/carts/${cart.id}`, {
    email: "shopper@captures.test",
    shipping_address: { first_name: "Ada", last_name: "Lovelace", ...where.address },
  })
  await call("POST", `/store/carts/${cart.id}/shipping-methods`, { option_id: store[where.shipping] })
  if (giftCardCode) await call("POST", `/store/carts/${cart.id}`, { gift_cards: [{ code: giftCardCode }] })
  await call("POST", `/store/carts/${cart.id}/payment-sessions`)
  const selected = await call("POST", `/store/carts/${cart.id}/payment-session`, { provider_id: provider })
  if (source) {
    await call("POST", `/store/carts/${cart.id}/payment-sessions/${provider}`, { data: { source } })
  }
  if (beforeComplete) await beforeComplete(selected.cart.payment_session.data)
  const completed = await call("POST", `/store/carts/${cart.id}/complete`)
  if (completed.type !== "order") throw new Error(`cart did not complete: ${JSON.stringify(completed)}`)
  const order = completed.data
  const payment = order.payments[0]
  return {
    orderId: order.id,
    displayId: order.display_id,
    paymentId: payment.id,
    total: payment.amount,
    currency: payment.currency_code,
    paymentRef: payment.data.payment_ref,
  }
}

module.exports = { http, seedStore, placeOrder }
