/** Real orders, placed through Medusa's store API (scripts/lib/seed.js placeOrder), many at a time. */
const { placeOrder } = require("../../scripts/lib/seed")

/** Runs `n` tasks with at most `concurrency` at once; results in index order. */
async function pool(n, concurrency, task) {
  const results = new Array(n)
  let next = 0
  const worker = async () => {
    while (next < n) {
      const i = next++
      results[i] = await task(i)
    }
  }
  await Promise.all(Array.from({ length: Math.min(concurrency, n) }, worker))
  return results
}

/**
 * Places `n` orders (one line, `quantity` mugs at 100.00 EUR + 10.00 EUR
 * shipping) paid with `provider`; each has one authorized payment.
 */
async function placeOrders(world, n, { provider = "captures-sandbox", concurrency = 6, quantity = 1, label = provider } = {}) {
  const started = Date.now()
  let done = 0
  // placeOrder uses one shopper email: the first order creates that customer,
  // which concurrent first orders would race for.
  if (!world.customerCreated) {
    await placeOrder(world.store, { medusaUrl: world.url }, { provider: "captures-sandbox" })
    world.customerCreated = true
  }
  const orders = await pool(n, concurrency, async () => {
    const order = await placeOrder(world.store, { medusaUrl: world.url }, { provider, quantity })
    done++
    if (done % 250 === 0 && done < n) world.log(`  ${label}: ${done}/${n} orders`)
    return order
  })
  const s = (Date.now() - started) / 1000
  world.log(`placed ${n} ${label} orders in ${s.toFixed(1)} s (${(n / s).toFixed(1)}/s)`)
  return orders
}

/** The orders' line items (id, quantity), from the database, keyed by order id. */
async function lineItems(world, orderIds) {
  const { rows } = await world.pg.query(`SELECT id, order_id, quantity FROM line_item WHERE order_id = ANY($1)`, [orderIds])
  const byOrder = new Map()
  for (const r of rows) {
    if (!byOrder.has(r.order_id)) byOrder.set(r.order_id, [])
    byOrder.get(r.order_id).push({ item_id: r.id, quantity: r.quantity })
  }
  return byOrder
}

module.exports = { pool, placeOrders, lineItems }
