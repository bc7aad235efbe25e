import path from "node:path"
import request from "supertest"
import { adminApi, sandboxFaults, sandboxPayment } from "../helpers/api"
import { cloverApi, cloverControl, cloverToken } from "../helpers/clover"
import { callIsOver, query } from "../helpers/db"
import { eventually, mollieControl, placeMollieOrder } from "../helpers/mollie"
import {
  SpecChecker,
  effectiveSecurity,
  loadOpenApi,
  operationsOf,
  pluginRoutes,
  structuralProblems,
  type HttpAnswer,
} from "../helpers/openapi"
import { placeOrder, testContext, type PlacedOrder, type TestContext } from "../helpers/store"
import { placeStripeOrder, stripeControl, stripeSdk } from "../helpers/stripe"
import { WEBHOOK_MIN_INTERVAL_MS } from "../../src/services/ledger/webhook-coalescing"

type Json = Record<string, any> // eslint-disable-line @typescript-eslint/no-explicit-any

/**
 * docs/openapi.yaml against the real server: the document is checked on its own, then every
 * documented operation is called and each real answer (status, headers, body) is validated
 * against the schema the document gives for that operation and status. The last test fails
 * when a documented (operation, status) was never seen, so the document cannot promise an
 * answer nobody checked, and the route test fails when the plugin has a route the document
 * lacks (or the other way round).
 */
const ROOT = path.resolve(__dirname, "../..")
const doc = loadOpenApi(path.join(ROOT, "docs/openapi.yaml"))

/**
 * Documented statuses that cannot be produced deterministically over HTTP, with the reason.
 * Keep it tiny: every entry is a promise of the document that no test checks.
 */
const NOT_REPRODUCIBLE: Record<string, string> = {}

/** A well-formed id that names nothing, for 401/404/413/415 answers that never reach a row. */
const UNKNOWN_ID = "zz_01openapiunknown"
const fill = (template: string, id: string) => template.replace(/\{[^}]+\}/g, id)

/** Polls until the ledger holds a row with this Idempotency-Key (its request is then at the gateway). */
async function rowWithKey(ctx: TestContext, table: "capture" | "capture_refund", key: string): Promise<void> {
  const rows = await eventually(
    () => query(ctx, `SELECT id FROM ${table} WHERE idempotency_key = $1`, [key]),
    (r) => r.length > 0,
    5000
  )
  if (!rows.length) throw new Error(`no ${table} row with Idempotency-Key ${key}`)
}

describe("docs/openapi.yaml", () => {
  const spec = new SpecChecker(doc)

  describe("the document", () => {
    it("is a structurally valid OpenAPI 3.1 document whose $refs all resolve", () => {
      expect(structuralProblems(doc)).toEqual([])
    })

    it("compiles every schema in strict mode, and every example matches its schema", () => {
      expect(spec.compileProblems()).toEqual([])
    })

    it("documents exactly the routes the plugin registers, with admin auth on the /admin ones", () => {
      const routes = pluginRoutes(path.join(ROOT, "src/api"))
      expect(routes.length).toBeGreaterThan(0)
      const registered = routes.map((r) => `${r.method} ${r.path}`).sort()
      const documented = operationsOf(doc)
        .map((o) => `${o.method.toUpperCase()} ${o.path}`)
        .sort()
      expect({ undocumented: registered.filter((r) => !documented.includes(r)) }).toEqual({ undocumented: [] })
      expect({ documentedButNotRegistered: documented.filter((d) => !registered.includes(d)) }).toEqual({ documentedButNotRegistered: [] })
      const securityMismatches = routes
        .filter((r) => {
          const op = doc.paths[r.path][r.method.toLowerCase()]
          return effectiveSecurity(doc, op).length > 0 !== r.authenticated
        })
        .map((r) => `${r.method} ${r.path} (${r.file}): ${r.authenticated ? "authenticated" : "public"} but documented otherwise`)
      expect(securityMismatches).toEqual([])
    })
  })

  describe("real answers match the document", () => {
    const ctx = testContext()
    const api = adminApi(ctx)
    const anonymous = request(ctx.medusaUrl)
    const check = <T extends HttpAnswer>(method: string, template: string, res: T): T => {
      spec.expectMatchesSpec(method, template, res)
      return res
    }
    const sent = <B>(method: string, template: string, body: B): B => {
      spec.expectRequestMatchesSpec(method, template, body)
      return body
    }

    let order: PlacedOrder
    let capture: Json

    beforeAll(async () => {
      order = await placeOrder(ctx)
    })
    afterEach(() => sandboxFaults(ctx, null))

    it("401 without credentials on every operation that requires them", async () => {
      const secured = operationsOf(doc).filter((o) => effectiveSecurity(doc, o.op).length > 0)
      expect(secured.length).toBeGreaterThan(0)
      for (const { method, path: template } of secured) {
        const res = await (anonymous as any)[method](fill(template, UNKNOWN_ID)).send({}) // eslint-disable-line @typescript-eslint/no-explicit-any
        expect(`${method} ${template} ${res.status}`).toBe(`${method} ${template} 401`)
        check(method, template, res)
      }
    })

    it("accepts each documented way to authenticate: API token, bearer JWT, session cookie", async () => {
      const schemes = Object.keys(doc.components.securitySchemes).sort()
      expect(schemes).toEqual(["api_token", "cookie_auth", "jwt_token"])

      check("get", "/admin/captures", await api.get("/admin/captures?limit=1"))

      const me = await api.get("/admin/auth")
      const token = `openapi-${Date.now()}`
      expect((await api.post(`/admin/users/${me.body.user.id}`, { api_token: token })).status).toBe(200)
      const byToken = await anonymous.get("/admin/captures?limit=1").set("x-medusa-access-token", token)
      expect(byToken.status).toBe(200)
      check("get", "/admin/captures", byToken)

      const login = await anonymous.post("/admin/auth").send({ email: ctx.serverEnv.ADMIN_EMAIL, password: ctx.serverEnv.ADMIN_PASSWORD })
      expect(login.status).toBe(200)
      const cookie = ([] as string[]).concat(login.headers["set-cookie"] ?? []).map((c) => c.split(";")[0])
      expect(cookie.join("; ")).toMatch(/^connect\.sid=/)
      const bySession = await anonymous.get("/admin/captures?limit=1").set("cookie", cookie.join("; "))
      expect(bySession.status).toBe(200)
      check("get", "/admin/captures", bySession)
    })

    it("413 for a body over Medusa's limit, 415 for a body that is neither JSON nor a form", async () => {
      const big = { pad: "x".repeat(150_000) }
      for (const { method, path: template, op } of operationsOf(doc)) {
        const target = fill(template, UNKNOWN_ID)
        const auth = effectiveSecurity(doc, op).length ? { authorization: `Bearer ${ctx.adminToken}` } : {}
        if (op.responses["413"]) {
          const res = await (anonymous as any)[method](target).set(auth).send(big) // eslint-disable-line @typescript-eslint/no-explicit-any
          expect(`${method} ${template} ${res.status}`).toBe(`${method} ${template} 413`)
          check(method, template, res)
        }
        if (op.responses["415"]) {
          const res = await (anonymous as any)[method](target).set(auth).set("content-type", "text/plain").send("amount=100") // eslint-disable-line @typescript-eslint/no-explicit-any
          expect(`${method} ${template} ${res.status}`).toBe(`${method} ${template} 415`)
          check(method, template, res)
        }
      }
    })

    it("404 for an id that names nothing, 400 for a path id that cannot be one", async () => {
      for (const { method, path: template, op } of operationsOf(doc)) {
        if (!template.includes("{id}")) continue
        const call = (id: string) => (method === "get" ? api.get(fill(template, id)) : api.post(fill(template, id), {}))
        if (op.responses["404"]) {
          const res = await call(UNKNOWN_ID)
          expect(`${method} ${template} ${res.status}`).toBe(`${method} ${template} 404`)
          check(method, template, res)
        }
        const bad = await call("bad.id")
        expect(`${method} ${template} ${bad.status} ${bad.body.code}`).toBe(`${method} ${template} 400 invalid_id`)
        check(method, template, bad)
      }
    })

    it("POST/GET /admin/payments/{id}/captures: capture, replay, refuse, list with totals", async () => {
      const P = "/admin/payments/{id}/captures"
      // Nothing captured yet: totals without a currency (it is taken from the first capture).
      const empty = check("get", P, await api.get(`/admin/payments/${order.paymentId}/captures`))
      expect(empty.status).toBe(200)
      expect(empty.body.count).toBe(0)

      const key = { "Idempotency-Key": `openapi-${order.paymentId}-1` }
      const body = sent("post", P, { amount: 2500, description: "first parcel", reference: "ERP-1001", reference_origin: "erp", metadata: { parcel: 1 } })
      const created = check("post", P, await api.post(`/admin/payments/${order.paymentId}/captures`, body, key))
      expect(created.status).toBe(201)
      capture = created.body.capture
      expect(capture).toMatchObject({ status: "succeeded", amount: 2500 })

      const replay = check("post", P, await api.post(`/admin/payments/${order.paymentId}/captures`, body, key))
      expect(replay.status).toBe(201)
      expect(replay.headers["idempotent-replayed"]).toBe("true")

      const reused = check("post", P, await api.post(`/admin/payments/${order.paymentId}/captures`, { ...body, amount: 2600 }, key))
      expect(reused.status).toBe(422)
      expect(reused.body.type).toBe("duplicate_error")

      for (const [bad, headers] of [
        [{ amount: 0 }, {}],
        [{ amount: 12.5 }, {}],
        [{ amount: 100, colour: "red" }, {}],
        [{ amount: 99_999_999 }, {}],
        [{ amount: 100 }, { "Idempotency-Key": "has space" }],
      ] as Array<[object, Record<string, string>]>) {
        const res = check("post", P, await api.post(`/admin/payments/${order.paymentId}/captures`, bad, headers))
        expect(`${JSON.stringify(bad)} → ${res.status}`).toBe(`${JSON.stringify(bad)} → 400`)
      }

      const listed = check("get", P, await api.get(`/admin/payments/${order.paymentId}/captures`))
      expect(listed.status).toBe(200)
      expect(listed.body.totals).toMatchObject({ captured: 2500, currency_code: "eur" })
    })

    it("POST /admin/payments/{id}/release: refused before a capture and for a body, then releases the rest, then nothing", async () => {
      const R = "/admin/payments/{id}/release"
      const own = await placeOrder(ctx)
      const early = check("post", R, await api.post(`/admin/payments/${own.paymentId}/release`))
      expect(`${early.status} ${early.body.code}`).toBe("400 nothing_captured")
      expect((await api.post(`/admin/payments/${own.paymentId}/captures`, { amount: 1000 })).status).toBe(201)
      const withBody = check("post", R, await api.post(`/admin/payments/${own.paymentId}/release`, { amount: 5 }))
      expect(withBody.status).toBe(400)
      const released = check("post", R, await api.post(`/admin/payments/${own.paymentId}/release`))
      expect(released.status).toBe(200)
      expect(released.body).toMatchObject({ released: own.total - 1000, totals: { captured: 1000, capturable: 0 } })
      const again = check("post", R, await api.post(`/admin/payments/${own.paymentId}/release`))
      expect(again.body.released).toBe(0)
    })

    it("POST /admin/orders/{id}/capture: Medusa's answer after capturing the rest; 404 for no order, 400 for a canceled one", async () => {
      const C = "/admin/orders/{id}/capture"
      const own = await placeOrder(ctx)
      expect((await api.post(`/admin/payments/${own.paymentId}/captures`, { amount: 1000 })).status).toBe(201)
      const captured = check("post", C, await api.post(`/admin/orders/${own.orderId}/capture`))
      expect(captured.status).toBe(200)
      expect(captured.body.order).toMatchObject({ id: own.orderId, payment_status: "captured", paid_total: own.total })
      const missing = check("post", C, await api.post(`/admin/orders/${UNKNOWN_ID}/capture`))
      expect(missing.status).toBe(404)
      const canceled = await placeOrder(ctx)
      expect((await api.post(`/admin/orders/${canceled.orderId}/cancel`)).status).toBe(200)
      const refused = check("post", C, await api.post(`/admin/orders/${canceled.orderId}/capture`))
      expect(`${refused.status} ${refused.body.type}`).toBe("400 not_allowed")
    })

    it("POST /admin/payments/{id}/capture: the rest of a partly captured payment; 422 when the gateway declines it; 404, 400", async () => {
      const C = "/admin/payments/{id}/capture"
      const own = await placeOrder(ctx)
      expect((await api.post(`/admin/payments/${own.paymentId}/captures`, { amount: 1000 })).status).toBe(201)
      // The gateway keeps answering 429 until our client gives up: the capture of the rest is declined.
      await sandboxFaults(ctx, [
        { kind: "status_429", retryAfterSeconds: 0, match: { method: "POST", path: `/v1/payments/${own.paymentRef}/captures` }, times: 10 },
      ])
      const declined = check("post", C, await api.post(`/admin/payments/${own.paymentId}/capture`))
      expect(`${declined.status} ${declined.body.type} ${declined.body.code}`).toBe("422 payment_authorization_error capture_declined")
      await sandboxFaults(ctx, null)
      const captured = check("post", C, await api.post(`/admin/payments/${own.paymentId}/capture`))
      expect(captured.status).toBe(200)
      expect(captured.body.payment).toMatchObject({ id: own.paymentId, amount: own.total })
      expect((await sandboxPayment(ctx, own.paymentRef)).amount_captured).toBe(own.total)
      expect(check("post", C, await api.post(`/admin/payments/${UNKNOWN_ID}/capture`)).status).toBe(404)
      expect(check("post", C, await api.post(`/admin/payments/bad%20id/capture`)).status).toBe(400)
    })

    it("GET /admin/captures: filters, pagination, expand; 400 for a bad filter", async () => {
      const L = "/admin/captures"
      const since = encodeURIComponent("2020-01-01")
      const res = check(
        "get",
        L,
        await api.get(`${L}?payment_id=${order.paymentId}&status=succeeded,pending&provider_id=captures-sandbox&created_at[gte]=${since}&expand=refunds,events&limit=5&offset=0`)
      )
      expect(res.status).toBe(200)
      expect(res.body).toMatchObject({ count: 1, limit: 5, offset: 0 })
      expect(res.body.captures[0]).toHaveProperty("events")

      check("get", L, await api.get(`${L}?order_id=${order.orderId}`))
      for (const bad of ["limit=0", "limit=1e1", "status=done", "created_at[gt]=yesterday", "expand=payment", "sort=amount"]) {
        const answer = check("get", L, await api.get(`${L}?${bad}`))
        expect(`${bad} → ${answer.status}`).toBe(`${bad} → 400`)
      }
    })

    it("GET/POST /admin/captures/{id}: read with and without expand, annotate, refuse unknown fields", async () => {
      const C = "/admin/captures/{id}"
      check("get", C, await api.get(`/admin/captures/${capture.id}`))
      const expanded = check("get", C, await api.get(`/admin/captures/${capture.id}?expand=refunds,events`))
      expect(expanded.body.capture.events.length).toBeGreaterThan(0)
      expect(check("get", C, await api.get(`/admin/captures/${capture.id}?expand=everything`)).status).toBe(400)

      const update = sent("post", C, { reference: "INV-2024-0042", metadata: { carrier: "postnl", parcel: "" } })
      const updated = check("post", C, await api.post(`/admin/captures/${capture.id}`, update))
      expect(updated.status).toBe(200)
      expect(updated.body.capture).toMatchObject({ reference: "INV-2024-0042", metadata: { carrier: "postnl" } })
      expect(check("post", C, await api.post(`/admin/captures/${capture.id}`, { amount: 1 })).status).toBe(400)
    })

    it("POST/GET /admin/captures/{id}/refunds: refund, replay, refuse, list", async () => {
      const R = "/admin/captures/{id}/refunds"
      const key = { "Idempotency-Key": `openapi-refund-${capture.id}` }
      const body = sent("post", R, { amount: 1000, reason: "return", note: "one mug back" })
      const refunded = check("post", R, await api.post(`/admin/captures/${capture.id}/refunds`, body, key))
      expect(refunded.status).toBe(201)
      expect(refunded.body.capture.refund_balance).toBe(1500)

      const replay = check("post", R, await api.post(`/admin/captures/${capture.id}/refunds`, body, key))
      expect(replay.status).toBe(201)
      expect(replay.headers["idempotent-replayed"]).toBe("true")
      expect(check("post", R, await api.post(`/admin/captures/${capture.id}/refunds`, { ...body, amount: 1001 }, key)).status).toBe(422)

      expect(check("post", R, await api.post(`/admin/captures/${capture.id}/refunds`, { amount: 1501 })).status).toBe(400)
      expect(check("post", R, await api.post(`/admin/captures/${capture.id}/refunds`, { reason: "broken" })).status).toBe(400)

      const list = check("get", R, await api.get(`/admin/captures/${capture.id}/refunds`))
      expect(list.status).toBe(200)
      expect(list.body.count).toBe(1)
    })

    it("GET /admin/orders/{id}/captures and POST /admin/captures/{id}/reconcile of a settled capture", async () => {
      const summary = check("get", "/admin/orders/{id}/captures", await api.get(`/admin/orders/${order.orderId}/captures`))
      expect(summary.status).toBe(200)
      expect(summary.body.totals).toMatchObject({ captured: 2500, refunded: 1000, currency_code: "eur" })

      const reconciled = check("post", "/admin/captures/{id}/reconcile", await api.post(`/admin/captures/${capture.id}/reconcile`))
      expect(reconciled.status).toBe(200)
      expect(reconciled.body.capture.status).toBe("succeeded")

      // Only failed captures can be retried.
      const notFailed = check("post", "/admin/captures/{id}/retry", await api.post(`/admin/captures/${capture.id}/retry`))
      expect(notFailed.status).toBe(400)
      expect(notFailed.body.code).toBe("capture_not_failed")
    })

    it("lost answers (202), a lookup the gateway cannot answer now (503) or answers with garbage (502), requests racing one key (409), a refund the gateway refuses (422)", async () => {
      const lost = await placeOrder(ctx)
      const P = "/admin/payments/{id}/captures"
      const R = "/admin/captures/{id}/refunds"
      const ref = lost.paymentRef

      // The gateway captures, then every answer (the first and the client's retries) is lost.
      await sandboxFaults(ctx, [{ kind: "lost_response", match: { method: "POST", path: `/v1/payments/${ref}/captures` }, times: 3 }])
      const unclear = check("post", P, await api.post(`/admin/payments/${lost.paymentId}/captures`, { amount: 3000 }))
      expect(unclear.status).toBe(202)
      expect(unclear.body.capture.status).toBe("requested")

      // Asking the gateway fails (a 429 whose Retry-After is too long to wait for): 503, unchanged.
      await sandboxFaults(ctx, [
        { kind: "status_429", retryAfterSeconds: 120, match: { method: "GET", path: `/v1/payments/${ref}/captures` }, times: 10 },
      ])
      const refused = check("post", "/admin/captures/{id}/reconcile", await api.post(`/admin/captures/${unclear.body.capture.id}/reconcile`))
      expect(refused.status).toBe(503)
      expect(refused.headers["retry-after"]).toBe("120")
      expect(refused.body).toMatchObject({ type: "gateway_error", code: expect.any(String), message: expect.stringMatching(/^gateway: .*429/) })
      // The gateway answers with a body that is not its documented JSON: 502, unchanged.
      await sandboxFaults(ctx, null)
      await sandboxFaults(ctx, [{ kind: "malformed", match: { method: "GET", path: `/v1/payments/${ref}/captures` }, times: 10 }])
      const garbled = check("post", "/admin/captures/{id}/reconcile", await api.post(`/admin/captures/${unclear.body.capture.id}/reconcile`))
      expect({ status: garbled.status, body: garbled.body }).toMatchObject({ status: 502, body: { type: "gateway_error", code: "malformed_response" } })
      expect((await api.get(`/admin/captures/${unclear.body.capture.id}`)).body.capture.status).toBe("requested")
      await sandboxFaults(ctx, null)
      const settled = check("post", "/admin/captures/{id}/reconcile", await api.post(`/admin/captures/${unclear.body.capture.id}/reconcile`, {}))
      expect(settled.status).toBe(200)
      expect(settled.body.capture.status).toBe("succeeded")

      // A second request with the key of one still at the gateway (held there for 1 s).
      await sandboxFaults(ctx, [{ kind: "delay", delayMs: 1000, match: { method: "POST", path: `/v1/payments/${ref}/captures` } }])
      const raceKey = { "Idempotency-Key": `openapi-race-${lost.paymentId}` }
      const first = api.post(`/admin/payments/${lost.paymentId}/captures`, { amount: 2000 }, raceKey).then((r) => r)
      await rowWithKey(ctx, "capture", raceKey["Idempotency-Key"])
      const racing = check("post", P, await api.post(`/admin/payments/${lost.paymentId}/captures`, { amount: 2000 }, raceKey))
      expect(racing.status).toBe(409)
      const second = check("post", P, await first)
      expect(second.status).toBe(201)

      // Refunds: a lost answer, then a race on one key.
      await sandboxFaults(ctx, [{ kind: "lost_response", match: { method: "POST", path: `/v1/payments/${ref}/refunds` }, times: 3 }])
      const unclearRefund = check("post", R, await api.post(`/admin/captures/${unclear.body.capture.id}/refunds`, { amount: 500 }))
      expect(unclearRefund.status).toBe(202)
      expect(unclearRefund.body.refund.status).toBe("requested")

      await sandboxFaults(ctx, [{ kind: "delay", delayMs: 1000, match: { method: "POST", path: `/v1/payments/${ref}/refunds` } }])
      const refundKey = { "Idempotency-Key": `openapi-refund-race-${lost.paymentId}` }
      const firstRefund = api.post(`/admin/captures/${second.body.capture.id}/refunds`, { amount: 300 }, refundKey).then((r) => r)
      await rowWithKey(ctx, "capture_refund", refundKey["Idempotency-Key"])
      const racingRefund = check("post", R, await api.post(`/admin/captures/${second.body.capture.id}/refunds`, { amount: 300 }, refundKey))
      expect(racingRefund.status).toBe(409)
      expect(check("post", R, await firstRefund).status).toBe(201)

      // The gateway refuses a refund: someone refunded most of the capture in its dashboard.
      const gatewayCaptureId = second.body.capture.gateway_capture_id
      const direct = await fetch(`${ctx.sandboxUrl}/v1/payments/${ref}/refunds`, {
        method: "POST",
        headers: { authorization: `Bearer ${ctx.sandboxApiKey}`, "content-type": "application/json", "idempotency-key": `dash-${gatewayCaptureId}` },
        body: JSON.stringify({ amount: 1500, capture: gatewayCaptureId }),
      })
      expect(direct.status).toBe(201)
      const declined = check("post", R, await api.post(`/admin/captures/${second.body.capture.id}/refunds`, { amount: 1000 }))
      expect(declined.status).toBe(422)
      expect(declined.body.type).toBe("payment_authorization_error")
    })

    it("409 from POST /admin/captures/{id}/reconcile, and discrepancies in the report, when Clover shows a capture of another amount", async () => {
      const o = await placeOrder(ctx, { provider: "clover", currency: "usd", source: cloverToken() })
      // Our capture never reaches Clover (outcome unknown); someone captures 3 000 in Clover's dashboard.
      await cloverControl(ctx, "POST", "faults", { faults: [{ kind: "reset_before", match: { method: "POST", path: `/v1/charges/${o.paymentRef}/capture` }, times: 3 }] })
      const unclear = check("post", "/admin/payments/{id}/captures", await api.post(`/admin/payments/${o.paymentId}/captures`, { amount: 5000 }))
      await cloverControl(ctx, "DELETE", "faults")
      expect(unclear.status).toBe(202)
      expect((await cloverApi(ctx, "POST", `/v1/charges/${o.paymentRef}/capture`, { amount: 3000 })).status).toBe(200)

      const conflict = check("post", "/admin/captures/{id}/reconcile", await api.post(`/admin/captures/${unclear.body.capture.id}/reconcile`))
      expect(conflict.status).toBe(409)
      expect(conflict.body).toMatchObject({ type: "gateway_error", code: "lookup_discrepancy" })
      const report = check("post", "/admin/captures/reconcile", await api.post("/admin/captures/reconcile", { older_than_seconds: 0 }))
      expect(report.status).toBe(200)
      expect(report.body.discrepancies).toContainEqual(expect.objectContaining({ id: unclear.body.capture.id, kind: "capture", reason: "mismatch" }))
    })

    it("POST /admin/captures/reconcile and POST /admin/captures/{id}/retry of a capture the gateway never received", async () => {
      const o = await placeOrder(ctx)
      const P = "/admin/payments/{id}/captures"
      const T = "/admin/captures/{id}/retry"
      const onCaptures = { method: "POST", path: `/v1/payments/${o.paymentRef}/captures` }

      // Every attempt is cut before the gateway acts: unclear (202), then failed by reconciliation.
      await sandboxFaults(ctx, [{ kind: "reset_before", match: onCaptures, times: 3 }])
      const unclear = check("post", P, await api.post(`/admin/payments/${o.paymentId}/captures`, { amount: 2000 }))
      expect(unclear.status).toBe(202)
      await sandboxFaults(ctx, null)
      await callIsOver(ctx, "capture", unclear.body.capture.id)

      const body = sent("post", "/admin/captures/reconcile", { older_than_seconds: 0, never_received_after_seconds: 0, limit: 1000 })
      const report = check("post", "/admin/captures/reconcile", await api.post("/admin/captures/reconcile", body))
      expect(report.status).toBe(200)
      expect(report.body.captures).toContainEqual({ id: unclear.body.capture.id, before: "requested", after: "failed" })
      expect(check("post", "/admin/captures/reconcile", await api.post("/admin/captures/reconcile", { limit: 0 })).status).toBe(400)
      const failedId = unclear.body.capture.id

      // Retried: the answer lost (202); retried under another key: captured (201), replayed (201).
      await sandboxFaults(ctx, [{ kind: "lost_response", match: onCaptures, times: 3 }])
      expect(check("post", T, await api.post(`/admin/captures/${failedId}/retry`, {}, { "Idempotency-Key": `openapi-retry-1-${failedId}` })).status).toBe(202)
      await sandboxFaults(ctx, null)
      const retryKey = { "Idempotency-Key": `openapi-retry-2-${failedId}` }
      const retried = check("post", T, await api.post(`/admin/captures/${failedId}/retry`, {}, retryKey))
      expect(retried.status).toBe(201)
      expect(retried.body.capture).toMatchObject({ status: "succeeded", amount: 2000 })
      const replay = check("post", T, await api.post(`/admin/captures/${failedId}/retry`, {}, retryKey))
      expect(replay.status).toBe(201)
      expect(replay.headers["idempotent-replayed"]).toBe("true")

      // Two retries with one key while the first is at the gateway.
      await sandboxFaults(ctx, [{ kind: "delay", delayMs: 1000, match: onCaptures }])
      const raceKey = { "Idempotency-Key": `openapi-retry-3-${failedId}` }
      const first = api.post(`/admin/captures/${failedId}/retry`, {}, raceKey).then((r) => r)
      await rowWithKey(ctx, "capture", raceKey["Idempotency-Key"])
      expect(check("post", T, await api.post(`/admin/captures/${failedId}/retry`, {}, raceKey)).status).toBe(409)
      expect(check("post", T, await first).status).toBe(201)
      expect(check("post", T, await api.post(`/admin/captures/${failedId}/retry`, {}, { "Idempotency-Key": "not a key" })).status).toBe(400)
    })

    it("declines at the gateway (422): a capture, and a retry of it", async () => {
      const declinedOrder = await placeOrder(ctx, { source: "tok_capture_decline_do_not_honor" })
      const P = "/admin/payments/{id}/captures"
      const key = { "Idempotency-Key": `openapi-decline-${declinedOrder.paymentId}` }
      const declined = check("post", P, await api.post(`/admin/payments/${declinedOrder.paymentId}/captures`, { amount: 1000 }, key))
      expect(declined.status).toBe(422)
      expect(declined.body).toMatchObject({ type: "payment_authorization_error", code: "do_not_honor" })
      // The same request again is answered from the ledger: the same decline, marked as a replay.
      const again = check("post", P, await api.post(`/admin/payments/${declinedOrder.paymentId}/captures`, { amount: 1000 }, key))
      expect(again.status).toBe(422)
      expect(again.headers["idempotent-replayed"]).toBe("true")

      const failed = check("get", "/admin/captures", await api.get(`/admin/captures?payment_id=${declinedOrder.paymentId}&status=failed`))
      expect(failed.body.count).toBe(1)
      const retry = check("post", "/admin/captures/{id}/retry", await api.post(`/admin/captures/${failed.body.captures[0].id}/retry`))
      expect(retry.status).toBe(422)
    })

    describe("POST /hooks/captures/mollie", () => {
      const W = "/hooks/captures/mollie"
      const hook = (body: string) => anonymous.post(W).set("content-type", "application/x-www-form-urlencoded").send(body)

      afterAll(async () => {
        await mollieControl(ctx, "DELETE", "faults")
        await mollieControl(ctx, "POST", "config", { holdWebhooks: false, captureDelayMs: 50 })
      })

      it("200 for any Mollie payment id (form or JSON), 400 without one", async () => {
        sent("post", W, { id: "tr_unknown0penapi" })
        expect(check("post", W, await hook("id=tr_unknown0penapi")).status).toBe(200)
        expect(check("post", W, await anonymous.post(W).send({ id: "tr_unknown0penapi" })).status).toBe(200)
        for (const bad of ["", "id=cpt_123", "id=tr_%27%3B--"]) {
          const res = check("post", W, await hook(bad))
          expect(`${bad} → ${res.status}`).toBe(`${bad} → 400`)
        }
      })

      it("200 for a payment of the store; 503 when Mollie cannot be asked about it now, 502 when it answers garbage", async () => {
        const mollie = await placeMollieOrder(ctx)
        // The capture stays pending at Mollie (it settles after 20 s), so a webhook has something to look up.
        await mollieControl(ctx, "POST", "config", { holdWebhooks: true, captureDelayMs: 20_000 })
        const pending = check("post", "/admin/payments/{id}/captures", await api.post(`/admin/payments/${mollie.paymentId}/captures`, { amount: 4000 }))
        expect(pending.status).toBe(201)
        expect(pending.body.capture.status).toBe("pending")

        await mollieControl(ctx, "POST", "faults", {
          faults: [{ kind: "status_429", retryAfterSeconds: 120, match: { method: "GET", path: mollie.paymentRef }, times: 10 }],
        })
        // Refreshes of one payment start an interval apart (a webhook inside it is answered 200 and
        // owed a refresh later): each call below waits it out, so that it asks Mollie itself.
        const afterInterval = () => new Promise((r) => setTimeout(r, WEBHOOK_MIN_INTERVAL_MS + 100))
        await afterInterval()
        const failed = check("post", W, await hook(`id=${mollie.paymentRef}`))
        expect(failed.status).toBe(503)
        await mollieControl(ctx, "DELETE", "faults")
        await mollieControl(ctx, "POST", "faults", {
          faults: [{ kind: "malformed", match: { method: "GET", path: mollie.paymentRef }, times: 10 }],
        })
        await afterInterval()
        const garbled = check("post", W, await hook(`id=${mollie.paymentRef}`))
        expect({ status: garbled.status, body: garbled.body }).toMatchObject({ status: 502, body: { code: "malformed_response" } })
        await mollieControl(ctx, "DELETE", "faults")
        await afterInterval()
        expect(check("post", W, await hook(`id=${mollie.paymentRef}`)).status).toBe(200)
      })
    })

    describe("POST /hooks/captures/stripe", () => {
      const W = "/hooks/captures/stripe"
      const signer = stripeSdk(ctx)
      const event = (intentId: string) =>
        JSON.stringify({ id: "evt_openapi", object: "event", type: "payment_intent.amount_capturable_updated", data: { object: { id: intentId, object: "payment_intent" } } })
      const hook = (payload: string, signature?: string) => {
        const req = anonymous.post(W).set("content-type", "application/json")
        return (signature ? req.set("stripe-signature", signature) : req).send(payload)
      }
      const signed = (payload: string, secret = ctx.stripeWebhookSecret) => signer.webhooks.generateTestHeaderString({ payload, secret })

      afterAll(async () => {
        await stripeControl(ctx, "DELETE", "faults")
        await stripeControl(ctx, "POST", "config", { holdWebhooks: false })
      })

      it("200 for a signed event, 400 for an unsigned or forged one", async () => {
        const payload = event("pi_unknownOpenapi")
        sent("post", W, JSON.parse(payload))
        expect(check("post", W, await hook(payload, signed(payload))).status).toBe(200)
        expect(check("post", W, await hook(payload)).status).toBe(400)
        expect(check("post", W, await hook(payload, signed(payload, "whsec_forged"))).status).toBe(400)
      })

      it("503 while Stripe cannot be asked about an intent with a capture left unclear, 200 once it can", async () => {
        const order = await placeStripeOrder(ctx)
        await stripeControl(ctx, "POST", "config", { holdWebhooks: true })
        await stripeControl(ctx, "POST", "faults", {
          faults: [{ kind: "lost_response", match: { method: "POST", path: `/v1/payment_intents/${order.paymentRef}/capture` }, times: 20 }],
        })
        const lost = check("post", "/admin/payments/{id}/captures", await api.post(`/admin/payments/${order.paymentId}/captures`, { amount: 2000 }))
        expect(lost.status).toBe(202)
        await stripeControl(ctx, "DELETE", "faults")
        await stripeControl(ctx, "POST", "faults", {
          faults: [{ kind: "status_503", match: { method: "GET", path: order.paymentRef }, times: 20 }],
        })
        const afterInterval = () => new Promise((r) => setTimeout(r, WEBHOOK_MIN_INTERVAL_MS + 100))
        await afterInterval()
        const payload = event(order.paymentRef)
        const unavailable = check("post", W, await hook(payload, signed(payload)))
        expect(unavailable.status).toBe(503)
        await stripeControl(ctx, "DELETE", "faults")
        await afterInterval()
        expect(check("post", W, await hook(payload, signed(payload))).status).toBe(200)
        const settled = await api.get(`/admin/captures/${lost.body.capture.id}`)
        expect(settled.body.capture.status).toBe("succeeded")
      })
    })
  })

  it("checked every documented operation and status against a real answer", () => {
    const missing = spec
      .documentedStatuses()
      .filter((k) => !spec.covered.has(k) && !(k in NOT_REPRODUCIBLE))
    expect({ documentedButNeverChecked: missing }).toEqual({ documentedButNeverChecked: [] })
    // An exemption for a status that is now checked (or no longer documented) must go.
    const stale = Object.keys(NOT_REPRODUCIBLE).filter((k) => spec.covered.has(k) || !spec.documentedStatuses().includes(k))
    expect({ staleExemptions: stale }).toEqual({ staleExemptions: [] })
  })
})
