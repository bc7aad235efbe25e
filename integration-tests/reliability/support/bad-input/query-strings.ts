/** Query strings: the list route's filters and pages, and keys or values no route knows. */
import fc from "fast-check"
import { pctEncode } from "./json"
import * as V from "./values"
import type { World } from "./world"

function encodeKey(key: string): string {
  return key.split(/([[\]])/).map((p) => (p === "[" || p === "]" ? p : pctEncode(p))).join("")
}

export function queryString(entries: Array<[string, string]>): string {
  return entries.map(([k, v]) => `${encodeKey(k)}=${pctEncode(v)}`).join("&")
}

const junkKey = fc.constantFrom(
  "foo",
  "__proto__[polluted]",
  "__proto__",
  "constructor[prototype][polluted]",
  "a[b][c][d][e][f][g][h]",
  "expand",
  "limit",
  "fields",
  "q",
  "$where",
  "id",
  "status[]",
  "\u0000",
  "😀",
  "עברית"
)
const shortNasty = V.nastyText.map((s) => s.slice(0, 200))
const junkValue = fc.oneof(fc.constantFrom("1", "-1", "true", "refunds", "refunds,events", "payment", ""), shortNasty)
export const junkQuery: fc.Arbitrary<Array<[string, string]>> = fc.oneof(
  { weight: 6, arbitrary: fc.constant<Array<[string, string]>>([]) },
  { weight: 1, arbitrary: fc.array(fc.tuple(junkKey, junkValue), { minLength: 1, maxLength: 3 }) }
)

export function listQueryArb(w: World): fc.Arbitrary<Array<[string, string]>> {
  const ids = [...w.payments.map((p) => p.id), ...w.orders, ...w.captures.map((c) => c.id), ...w.otherKinds]
  const idValue = fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(...ids) },
    { weight: 1, arbitrary: V.lookAlikeId("pay") },
    { weight: 2, arbitrary: shortNasty },
    { weight: 1, arbitrary: fc.constantFrom("", "x".repeat(100), "x".repeat(101), "y".repeat(300)) },
    { weight: 1, arbitrary: fc.constantFrom(...ids).map((id) => `${id}\u0000`) },
    { weight: 1, arbitrary: fc.constantFrom("\u0000", "\ud800", "%00", "%ED%A0%80") }
  )
  const statusValue = fc.oneof(
    fc
      .array(fc.constantFrom("requested", "pending", "succeeded", "failed", "SUCCEEDED", "done", "", " failed ", "succeeded\u0000", "refunded"), {
        minLength: 1,
        maxLength: 3,
      })
      .map((a) => a.join(",")),
    shortNasty
  )
  const dateValue = fc.oneof(
    fc
      .date({ min: new Date("1970-01-01T00:00:00Z"), max: new Date("2100-01-01T00:00:00Z"), noInvalidDate: true })
      .chain((d) => {
        const iso = d.toISOString()
        return fc.constantFrom(iso, iso.slice(0, 10), iso.slice(0, 16), iso.replace("Z", "+05:30"), iso.slice(0, 19) + "-0800")
      }),
    fc.constantFrom(
      "yesterday",
      "now()",
      "2020-13-01",
      "2020-02-30",
      "2021-02-29",
      "2020-00-10",
      "2020-01-01T25:00",
      "2020-01-01T23:60",
      "0000-01-01",
      "9999-12-31T23:59:59.999Z",
      "2020-01-01T00:00:00.1234567Z",
      "2020-1-1",
      "2020/01/01",
      "01-01-2020",
      "1e10",
      "0",
      "-1",
      "",
      "2020-01-01 00:00:00",
      "2020-01-01T00:00:00z",
      "+002020-01-01",
      "2020-W01",
      "275760-09-13",
      "1970-01-01T00:00:00+99:99",
      "2020-01-01'; DROP TABLE capture; --"
    ),
    shortNasty
  )
  const intish = fc.oneof(
    fc.integer({ min: -5, max: 120 }).map(String),
    fc.constantFrom("0", "1", "100", "101", "0000000020", "00000000020", "1000000000", "1000000001", "99999999999", "-1", "1.5", "1e1", "NaN", "Infinity", "", " 5", "5 ", "0x10", "１０", "20abc", "9".repeat(400)),
    shortNasty
  )
  const expandValue = fc.oneof(
    fc.constantFrom("refunds", "events", "refunds,events", " events , refunds ", ",", "payment", "refunds,payment", "REFUNDS", "events,events", "refunds\u0000"),
    shortNasty
  )
  const param: fc.Arbitrary<[string, string]> = fc.oneof(
    fc.tuple(fc.constant("payment_id"), idValue),
    fc.tuple(fc.constant("order_id"), idValue),
    fc.tuple(fc.constant("provider_id"), fc.oneof(fc.constantFrom("captures-sandbox", "mollie", "clover", "manual", "CAPTURES-SANDBOX", "mollie\u0000"), shortNasty)),
    fc.tuple(fc.constantFrom("status", "status", "status[]", "status[0]", "status[a]", "status[1001]"), statusValue),
    fc.tuple(fc.constantFrom("created_at[gt]", "created_at[gte]", "created_at[lt]", "created_at[lte]", "created_at[eq]", "created_at", "created_at[gt][x]", "created_at[]"), dateValue),
    fc.tuple(fc.constantFrom("limit", "offset", "limit", "offset", "limit[]", "offset[x]"), intish),
    fc.tuple(fc.constantFrom("expand", "expand", "expand[]"), expandValue),
    fc.tuple(junkKey, junkValue)
  )
  return fc.array(param, { maxLength: 5 })
}
