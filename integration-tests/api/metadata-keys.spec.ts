import { RESERVED_METADATA_KEYS } from "../../src/services/ledger/metadata"
import { adminApi } from "../helpers/api"
import { ledgerFingerprint, query } from "../helpers/db"
import { placeOrder, testContext, type PlacedOrder } from "../helpers/store"

/**
 * Metadata is JSON, and a JSON object may hold any key, including the names of
 * the members Object.prototype gives every JavaScript object (`__proto__`,
 * `hasOwnProperty`, `toString`…), which code that handles metadata as a plain
 * JavaScript object trips over. On every route that takes metadata such a key
 * is refused, at any depth, with a 400 that names it and changes nothing;
 * `constructor` and every other key is stored exactly as sent (what the API
 * answers and what PostgreSQL holds), and the capture can still be refunded
 * and updated afterwards (writes that read the stored metadata back). Never a
 * 5xx.
 */

/** Object.prototype's members (Node 20) but `constructor`: refused. */
const RESERVED: readonly string[] = RESERVED_METADATA_KEYS
/** `constructor`, and keys that only look like Object.prototype's: stored. */
const STORED = ["constructor", "prototype", "__proto", "Constructor", "hasownproperty", "toJSON", "then", "equals"]

/**
 * Metadata bodies as JSON text (JSON.stringify of an object literal could not
 * hold an own `__proto__` key): the key at the top with an object, an array and
 * a primitive, and nested one level down.
 */
function shapes(key: string): Array<[string, string]> {
  const k = JSON.stringify(key)
  return [
    ["an object at the top", `{${k}:{"x":1}}`],
    ["an empty object next to another key", `{"a":"1",${k}:{}}`],
    ["an array at the top", `{${k}:[1,"two"]}`],
    ["a string at the top", `{${k}:"v"}`],
    ["an object one level down", `{"n":{${k}:{"y":true}}}`],
  ]
}

/** One text for equal JSON values, whatever the key order; own `__proto__` keys included. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`
  if (value && typeof value === "object") {
    const entries = Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(",")}}`
  }
  return JSON.stringify(value)
}

const same = (got: unknown, sentText: string) => expect(canonical(got)).toBe(canonical(JSON.parse(sentText)))

function refusalNamingKey(res: { status: number; body: { type?: string; message?: string } }, key: string): void {
  expect(res.status).toBe(400)
  expect(res.body.type).toBe("invalid_data")
  expect(res.body.message).toMatch(/^metadata: the key /)
  expect(res.body.message).toContain(`"${key}"`)
}

async function storedMetadataIs(table: "capture" | "capture_refund", id: string, sentText: string): Promise<boolean> {
  const ctx = testContext()
  const rows = await query<{ same: boolean }>(ctx, `SELECT metadata = $2::jsonb AS same FROM ${table} WHERE id = $1`, [id, sentText])
  return rows[0]?.same === true
}

describe("metadata with any JSON key", () => {
  const ctx = testContext()
  const api = adminApi(ctx)
  const post = (path: string, json: string) =>
    api.raw.post(path).set({ authorization: `Bearer ${ctx.adminToken}`, "content-type": "application/json" }).send(json)

  let order: PlacedOrder
  let refundable: string

  beforeAll(async () => {
    order = await placeOrder(ctx)
    const res = await api.post(`/admin/payments/${order.paymentId}/captures`, { amount: 5000, metadata: { existing: "yes" } })
    expect(res.status).toBe(201)
    refundable = res.body.capture.id
  })

  const cases = [...RESERVED, ...STORED].flatMap((key) => shapes(key).map(([shape, text]): [string, string, string] => [key, shape, text]))

  describe.each(cases)("%s as %s", (key, _shape, metadata) => {
    const refused = RESERVED.includes(key)

    it(`POST /admin/payments/:id/captures ${refused ? "refuses it naming the key" : "stores it exactly, and the capture can be refunded and updated"}`, async () => {
      const before = await ledgerFingerprint(ctx, order.paymentId)
      const res = await post(`/admin/payments/${order.paymentId}/captures`, `{"amount":1,"metadata":${metadata}}`)
      if (refused) {
        refusalNamingKey(res, key)
        expect(await ledgerFingerprint(ctx, order.paymentId)).toBe(before)
        return
      }
      expect(res.status).toBe(201)
      const id = res.body.capture.id
      same(res.body.capture.metadata, metadata)
      expect(await storedMetadataIs("capture", id, metadata)).toBe(true)
      same((await api.get(`/admin/captures/${id}`)).body.capture.metadata, metadata)

      // A refund writes the capture row again (its refunded amount), metadata and all.
      const refund = await api.post(`/admin/captures/${id}/refunds`, { amount: 1 })
      expect(refund.status).toBe(201)
      expect(await storedMetadataIs("capture", id, metadata)).toBe(true)

      const update = await api.post(`/admin/captures/${id}`, { metadata: { later: "1" } })
      expect(update.status).toBe(200)
      same(update.body.capture.metadata, `{"later":"1",${metadata.slice(1)}`)
    })

    it(`POST /admin/captures/:id/refunds ${refused ? "refuses it naming the key" : "stores it exactly"}`, async () => {
      const before = await ledgerFingerprint(ctx, order.paymentId)
      const res = await post(`/admin/captures/${refundable}/refunds`, `{"amount":1,"metadata":${metadata}}`)
      if (refused) {
        refusalNamingKey(res, key)
        expect(await ledgerFingerprint(ctx, order.paymentId)).toBe(before)
        return
      }
      expect(res.status).toBe(201)
      same(res.body.refund.metadata, metadata)
      expect(await storedMetadataIs("capture_refund", res.body.refund.id, metadata)).toBe(true)
      const listed = (await api.get(`/admin/captures/${refundable}/refunds`)).body.refunds.find((r: { id: string }) => r.id === res.body.refund.id)
      same(listed.metadata, metadata)
    })

    it(`POST /admin/captures/:id on a capture with metadata ${refused ? "refuses it naming the key" : "merges it exactly, and again"}`, async () => {
      const created = await api.post(`/admin/payments/${order.paymentId}/captures`, { amount: 1, metadata: { existing: "yes" } })
      expect(created.status).toBe(201)
      const id = created.body.capture.id
      const before = await ledgerFingerprint(ctx, order.paymentId)
      const res = await post(`/admin/captures/${id}`, `{"metadata":${metadata}}`)
      if (refused) {
        refusalNamingKey(res, key)
        expect(await ledgerFingerprint(ctx, order.paymentId)).toBe(before)
        return
      }
      expect(res.status).toBe(200)
      const merged = `{"existing":"yes",${metadata.slice(1)}`
      same(res.body.capture.metadata, merged)
      expect(await storedMetadataIs("capture", id, merged)).toBe(true)
      // The audit trail keeps the change as it was asked for.
      const events = await query<{ same: boolean }>(
        ctx,
        `SELECT data->'metadata' = $2::jsonb AS same FROM capture_event WHERE capture_id = $1 AND type = 'capture.updated' ORDER BY created_at DESC, id DESC LIMIT 1`,
        [id, metadata]
      )
      expect(events[0]?.same).toBe(true)

      // Updated again, now that the stored metadata holds the key (the database's copy is compared).
      const again = await api.post(`/admin/captures/${id}`, { metadata: { other: 2 }, reference: "again" })
      expect(again.status).toBe(200)
      same(again.body.capture.metadata, `{"other":2,${merged.slice(1)}`)
      const removed = await post(`/admin/captures/${id}`, `{"metadata":{${JSON.stringify(key)}:""}}`)
      expect(removed.status).toBe(200)
      // "" removes a top-level key (Medusa's convention); a nested one is not at the top.
      const left = JSON.parse(`{"other":2,${merged.slice(1)}`)
      delete left[key]
      expect(canonical(removed.body.capture.metadata)).toBe(canonical(left))
    })
  })
})
