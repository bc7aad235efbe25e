import request from "supertest"
import { testContext } from "../helpers/store"

/** Every plugin admin route sits behind Medusa's admin authentication. */
describe("admin routes require credentials", () => {
  const routes: Array<[string, string]> = [
    ["get", "/admin/payments/pay_x/captures"],
    ["post", "/admin/payments/pay_x/captures"],
    ["get", "/admin/captures"],
    ["get", "/admin/captures/cap_x"],
    ["post", "/admin/captures/cap_x"],
    ["get", "/admin/captures/cap_x/refunds"],
    ["post", "/admin/captures/cap_x/refunds"],
    ["get", "/admin/orders/order_x/captures"],
  ]

  it.each(routes)("%s %s answers 401 without credentials", async (method, path) => {
    const ctx = testContext()
    const res = await (request(ctx.medusaUrl) as any)[method](path).send({ amount: 100 }) // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(res.status).toBe(401)
  })

  it.each(routes)("%s %s answers 401 with a wrong token", async (method, path) => {
    const ctx = testContext()
    const res = await (request(ctx.medusaUrl) as any)[method](path).set("authorization", "Bearer not-a-jwt") // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(res.status).toBe(401)
  })
})
