import request from "supertest"
import { cloverToken } from "../helpers/clover"
import { adminApi } from "../helpers/api"
import { placeOrder, testContext } from "../helpers/store"

type Json = Record<string, any> // eslint-disable-line @typescript-eslint/no-explicit-any

/**
 * An order edit that raises the total asks the shopper for the difference
 * through a payment collection. Clover needs a card token from the storefront,
 * and Medusa v1's payment-collection routes cannot pass one: the session is
 * refused when it is made, saying why, instead of failing at authorization
 * with "No card token".
 */
describe("Clover and an order edit's payment collection", () => {
  const ctx = testContext()
  const api = adminApi(ctx)

  it("refuses a Clover session for the difference, saying a card token cannot be passed there", async () => {
    const order = await placeOrder(ctx, { provider: "clover", currency: "usd", source: cloverToken() })
    const edit = await api.post(`/admin/order-edits`, { order_id: order.orderId })
    expect(edit.status).toBe(200)
    const editId = edit.body.order_edit.id
    expect((await api.post(`/admin/order-edits/${editId}/items`, { variant_id: ctx.variantId, quantity: 1 })).status).toBe(200)
    const requested = await api.post(`/admin/order-edits/${editId}/request`)
    expect(requested.status).toBe(200)
    const collectionId = requested.body.order_edit.payment_collection_id
    expect(collectionId).toMatch(/^paycol_/)

    const store = request(ctx.medusaUrl)
    const session = await store.post(`/store/payment-collections/${collectionId}/sessions`).send({ provider_id: "clover" })
    expect(session.status).toBe(400)
    expect(session.body.message).toMatch(/clover needs a card token .* cannot pass one/)
    const collection = (await store.get(`/store/payment-collections/${collectionId}`)).body.payment_collection as Json
    expect(collection.payment_sessions ?? []).toHaveLength(0)
  })
})
