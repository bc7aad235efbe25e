/**
 * One fast-check arbitrary per route of the plugin, each producing complete
 * HTTP requests (credentials, path id, query, headers, body bytes) together
 * with what the plugin must do with them (oracle.ts). The parts of a request
 * are made in their own files; the routes, one file per family (*-routes.ts).
 */
import fc from "fast-check"
import type { RawRequest } from "./http"
import { Obj, clip, type Val } from "./json"
import * as O from "./oracle"
import type { Collector, Expectation } from "./oracle"
import * as V from "./values"
import type { RealCapture, RealPayment, World } from "./world"
import { type Auth, authArb } from "./credentials"
import { type Kind, type Target, resolveTarget, segmentOf, targetArb } from "./targets"
import { junkQuery, listQueryArb, queryString } from "./query-strings"
import { type Transport, encodeBody, formValue, transportArb } from "./bodies"
import { IDEMPOTENCY_POOL, checkIdempotencyKey, idempotencyArb } from "./idempotency"
import { bodyArb, captureBody, webhookFormEntries } from "./fields"
import type { RouteDef } from "./route-def"
import { paymentRoutes } from "./payment-routes"
import { captureRoutes } from "./capture-routes"
import { refundRoutes } from "./refund-routes"
import { reconcileRoutes } from "./reconcile-routes"
import { orderRoutes } from "./order-routes"
import { webhookRoutes } from "./webhook-routes"
import { signatureArb, signatureHeader, type SignatureChoice } from "./signatures"

export type Case = {
  route: string
  request: RawRequest
  expect: Expectation
}

/** Every route the suite sends requests to, by family. */
function routes(w: World): RouteDef[] {
  return [...paymentRoutes(w), ...captureRoutes(w), ...refundRoutes(w), ...reconcileRoutes(w), ...orderRoutes(w), ...webhookRoutes(w)]
}

export const ROUTE_NAMES = [
  "POST /admin/payments/:id/captures",
  "GET /admin/payments/:id/captures",
  "GET /admin/captures",
  "GET /admin/captures/:id",
  "POST /admin/captures/:id",
  "GET /admin/captures/:id/refunds",
  "POST /admin/captures/:id/refunds",
  "POST /admin/captures/:id/retry",
  "POST /admin/captures/:id/reconcile",
  "POST /admin/captures/reconcile",
  "GET /admin/orders/:id/captures",
  // After the routes that capture and refund: a release closes its payment for them.
  "POST /admin/payments/:id/release",
  "POST /hooks/captures/mollie",
  "POST /hooks/captures/stripe",
] as const

export type RouteName = (typeof ROUTE_NAMES)[number]

/**
 * The requests for one route, each with what the plugin must do with it. Half
 * are bad in every way at once; half are good but for (at most) one thing, so
 * that each problem is also met alone and valid requests reach the ledger.
 */
export function caseArb(name: RouteName, w: World): fc.Arbitrary<Case> {
  const def = routes(w).find((r) => r.name === name)
  if (!def) throw new Error(`no route ${name}`)
  const valid = <T>(good: fc.Arbitrary<T>, any: fc.Arbitrary<T>, goodWeight = 8) =>
    fc.oneof({ weight: goodWeight, arbitrary: good }, { weight: 1, arbitrary: any })
  const noTarget = fc.constant<Target | undefined>(undefined)
  const admin = fc.constant<Auth>({ headers: { authorization: `Bearer ${w.ctx.adminToken}` } })
  const anyAuth = def.admin ? authArb(w) : fc.oneof({ weight: 4, arbitrary: fc.constant<Auth>({ headers: {} }) }, { weight: 1, arbitrary: authArb(w) })
  const realIds = def.target === "payment" ? w.payments.map((p) => p.id) : def.target === "capture" ? w.captures.map((c) => c.id) : w.orders
  const anyTarget = def.target ? targetArb(def.target, w) : noTarget
  const realTarget = def.target ? fc.constantFrom(...realIds).map((id) => resolveTarget(def.target as Kind, w, segmentOf(id))) : noTarget
  const anyQuery = def.query === "list" ? listQueryArb(w) : junkQuery
  const json = fc.constant<Transport>({ kind: "json", contentType: "application/json" })
  const anyTransport =
    def.method !== "POST"
      ? fc.constant<Transport>({ kind: "none" })
      : def.body
        ? transportArb
        : fc.oneof({ weight: 4, arbitrary: fc.constant<Transport>({ kind: "none" }) }, { weight: 1, arbitrary: transportArb })
  const anyBody = (focused: boolean) =>
    def.body ? bodyArb(def.body, focused) : fc.oneof({ weight: 3, arbitrary: fc.constant<Val>(new Obj([])) }, { weight: 1, arbitrary: bodyArb(captureBody, false) })
  const form = def.body?.webhook
    ? webhookFormEntries(w)
    : fc.array(fc.tuple(fc.constantFrom(...(def.body?.formKeys ?? ["amount", "foo"])), formValue), { maxLength: 4 })
  const goodKey = fc.oneof(fc.constant(undefined), fc.constantFrom(...IDEMPOTENCY_POOL), fc.stringMatching(/^[\x21-\x7e]{1,40}$/))
  const everything = fc.record({
    auth: anyAuth,
    target: anyTarget,
    query: anyQuery,
    transport: anyTransport,
    body: anyBody(false),
    form,
    idempotencyKey: idempotencyArb,
    signature: def.signed ? signatureArb(false) : fc.constant(undefined),
  })
  const focused = fc.record({
    auth: valid(admin, anyAuth),
    target: valid(realTarget, anyTarget, 4),
    query: def.query === "list" ? anyQuery : valid(fc.constant<Array<[string, string]>>([]), anyQuery),
    transport: def.method === "POST" ? valid(json, anyTransport) : anyTransport,
    body: anyBody(true),
    form,
    idempotencyKey: valid(goodKey, idempotencyArb),
    signature: def.signed ? signatureArb(true) : fc.constant(undefined),
  })
  return fc.oneof(everything, focused).map((r) => build(def, w, r))
}

/** The routes that take metadata, and what of the world each example aims at. */
const METADATA_ROUTES: Partial<Record<RouteName, { target: (w: World) => string; fields: Array<[string, Val]> }>> = {
  "POST /admin/payments/:id/captures": { target: (w) => (w.payments.find((p) => p.state === "fresh") as RealPayment).id, fields: [["amount", 1]] },
  "POST /admin/captures/:id/refunds": {
    target: (w) => (w.captures.find((c) => c.state === "succeeded" && c.provider === "captures-sandbox") as RealCapture).id,
    fields: [["amount", 1]],
  },
  "POST /admin/captures/:id": { target: (w) => w.captures[0].id, fields: [] },
}

/**
 * Requests that every run makes (fast-check's `examples`, whatever the seed):
 * each key of V.PROTOTYPE_KEYS in the metadata of each route that takes it, at
 * the top and nested, in an otherwise valid request. Random cases find these
 * keys too, but only now and then.
 */
export function metadataKeyExamples(name: RouteName, w: World): Case[] {
  const def = routes(w).find((r) => r.name === name)
  const aim = METADATA_ROUTES[name]
  if (!def || !aim || !def.target) return []
  const target = resolveTarget(def.target, w, segmentOf(aim.target(w)))
  return V.PROTOTYPE_KEYS.flatMap((key) =>
    [new Obj([[key, new Obj([["x", 1]])]]), new Obj([["n", new Obj([[key, [1, "two"]]])]])].map((metadata) =>
      build(def, w, {
        auth: { headers: { authorization: `Bearer ${w.ctx.adminToken}` } },
        target,
        query: [],
        transport: { kind: "json", contentType: "application/json" },
        body: new Obj([...aim.fields, ["metadata", metadata]]),
        form: [],
      })
    )
  )
}

function build(
  def: RouteDef,
  w: World,
  r: {
    auth: Auth
    target?: Target
    query: Array<[string, string]>
    transport: Transport
    body: Val
    form: Array<[string, string]>
    idempotencyKey?: string
    signature?: SignatureChoice
  }
): Case {
  const c: Collector = { reject: [], maybe: [] }
  const expect: Expectation = O.emptyExpectation()
  if (def.admin && r.auth.problem) expect.auth = r.auth.problem

  // Path id.
  if (r.target?.problem) c.reject.push(r.target.problem)

  // Query string.
  const qs = queryString(r.query)
  const query = O.parseQuery(qs)
  let list: O.ListQuery | undefined
  if (def.query === "list") list = O.checkListQuery(c, query)
  else if (def.query === "expand") {
    O.checkKnownKeys(c, "query", query, ["expand"])
    O.checkExpand(c, query.expand)
  } else {
    // Routes without query parameters may ignore them, or refuse them naming them.
    for (const key of Object.keys(query)) c.maybe.push(O.unknownKeyProblem("query", key))
  }

  // Body.
  const headers: Record<string, string> = { ...r.auth.headers }
  let bytes: Buffer | undefined
  let body: Record<string, unknown> | undefined
  if (def.method === "POST") {
    const out = encodeBody(def.body, r.transport, r.body, r.form, c)
    if (out.text !== undefined) bytes = Buffer.from(out.text, "utf8")
    // Medusa's body parsers read at most 100 kB (of the types they parse).
    const read = out.contentType !== undefined && /json|text\/plain|urlencoded/i.test(out.contentType) && !/vnd|merge|jsonx|text\/json/i.test(out.contentType)
    if (bytes && read && bytes.length > 102_400 && r.transport.kind !== "huge") {
      ;(def.body ? c.reject : c.maybe).push({ what: `body is ${bytes.length} bytes, over 100 kB`, names: /body|large|size|limit/i })
    }
    if (out.contentType) headers["content-type"] = out.contentType
    if (out.encoding) headers["content-encoding"] = out.encoding
    if (def.body && out.value) {
      def.body.check(c, out.value)
      body = out.value
    }
    if (def.signed) {
      // Stripe sends JSON, and only JSON's parser keeps the bytes a signature is over.
      if (!bytes || !/^application\/json\s*(;|$)/i.test(out.contentType ?? "")) {
        c.reject.push({ what: `body: not an application/json body (${out.contentType ?? "none"})`, names: /body|content.type|json/i })
      }
      const signed = signatureHeader(r.signature ?? { kind: "none" }, w.ctx.stripeWebhookSecret, bytes)
      if (signed.header !== undefined) headers["stripe-signature"] = signed.header
      if (signed.problem) c.reject.push(signed.problem)
    }
  }

  // Idempotency-Key.
  if (r.idempotencyKey !== undefined && def.method === "POST") {
    headers["idempotency-key"] = r.idempotencyKey
    checkIdempotencyKey(c, r.idempotencyKey, def.idempotency)
  }

  expect.reject = c.reject
  expect.maybe = c.maybe
  if (c.reject.length === 0 && !expect.auth) {
    Object.assign(expect, def.outcome({ target: r.target, body, query, list, idempotencyKey: r.idempotencyKey }, w))
  }
  const path = qs ? `${def.path(r.target?.segment ?? "")}?${qs}` : def.path(r.target?.segment ?? "")
  const kase: Case = { route: def.name, request: { method: def.method, path, headers, body: bytes }, expect }
  Object.defineProperty(kase, fc.toStringMethod, { value: () => describeRequest(kase), enumerable: false })
  return kase
}

export function describeRequest(c: Case): string {
  const h = Object.entries(c.request.headers)
    .map(([k, v]) => `${k}: ${clip(k === "authorization" ? v.replace(/^(Bearer .{12}).*(.{6})$/, "$1…$2") : v, 120)}`)
    .join("\n  ")
  const body = c.request.body ? `\n  body (${c.request.body.length} bytes): ${clip(c.request.body.toString("utf8"), 400)}` : ""
  const expected = [
    c.expect.auth ? `401 (${c.expect.auth})` : "",
    ...c.expect.reject.map((p) => `refuse: ${p.what}`),
    ...c.expect.maybe.map((p) => `may refuse: ${p.what}`),
  ].filter(Boolean)
  return `${c.request.method} ${clip(c.request.path, 300)}\n  ${h}${body}\n  expected: ${expected.join("; ") || "accept (or a refusal naming the target's state)"}`
}
