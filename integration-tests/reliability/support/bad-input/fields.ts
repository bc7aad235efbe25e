/** The body fields of each route: valid values, values just past a limit, and values of the wrong kind. */
import fc from "fast-check"
import { Obj, obj, type Val } from "./json"
import * as O from "./oracle"
import * as V from "./values"
import type { World } from "./world"
import type { BodySpec } from "./bodies"

const extraFields: fc.Arbitrary<Array<[string, Val]>> = fc.array(
  fc.tuple<[string, Val]>(V.unknownKey, fc.oneof(fc.integer(), V.nastyText, fc.constant(new Obj([["polluted", true]])))),
  { minLength: 1, maxLength: 2 }
)

/**
 * A body: either every field drawn from everything (mostly several problems at
 * once), or every field valid but one (one problem at a time, or none: then the
 * request reaches the ledger).
 */
export function bodyArb(spec: BodySpec, focused: boolean): fc.Arbitrary<Val> {
  const build = (values: Array<Val | undefined>, extra: Array<[string, Val]>) =>
    new Obj([...obj(spec.fields.map((f, i): [string, Val | undefined] => [f.name, values[i]])).entries, ...extra])
  if (!focused) {
    return fc
      .tuple(fc.tuple(...spec.fields.map((f) => f.any)), fc.oneof({ weight: 8, arbitrary: fc.constant<Array<[string, Val]>>([]) }, { weight: 1, arbitrary: extraFields }))
      .map(([values, extra]) => build(values, extra))
  }
  const n = spec.fields.length
  return fc.integer({ min: 0, max: n + 1 }).chain((bad) =>
    fc
      .tuple(fc.tuple(...spec.fields.map((f, i) => (i === bad ? f.any : f.valid))), bad === n ? extraFields : fc.constant<Array<[string, Val]>>([]))
      .map(([values, extra]) => build(values, extra))
  )
}

const validText = (limit: number): fc.Arbitrary<Val | undefined> =>
  fc.oneof(
    { weight: 3, arbitrary: fc.constant(undefined) },
    { weight: 1, arbitrary: fc.constant(null) },
    { weight: 2, arbitrary: fc.string({ maxLength: 30 }) },
    { weight: 2, arbitrary: fc.string({ unit: "grapheme", maxLength: 30 }) },
    { weight: 1, arbitrary: fc.constantFrom("שלום עולם", "مرحبا", "👩‍👩‍👧‍👦🇺🇳", "\u202egnp.exe", "' OR '1'='1", "x".repeat(limit)) }
  )

/** Keys of valid metadata: any but the reserved ones, `constructor` and other look-alikes included. */
const validMetadataKey = fc.oneof(
  { weight: 4, arbitrary: fc.string({ maxLength: 8 }).filter((k) => !O.RESERVED_METADATA_KEYS.includes(k)) },
  { weight: 1, arbitrary: V.prototypeKey.filter((k) => !O.RESERVED_METADATA_KEYS.includes(k)) }
)

const validMetadata: fc.Arbitrary<Val | undefined> = fc.oneof(
  { weight: 3, arbitrary: fc.constant(undefined) },
  { weight: 1, arbitrary: fc.constant(null) },
  {
    weight: 3,
    arbitrary: fc
      .array(
        fc.tuple(
          validMetadataKey,
          fc.oneof(fc.string({ maxLength: 10 }), fc.integer(), fc.boolean(), fc.constant(null), fc.constant<Val>(new Obj([["x", new Obj([["y", 1]])]])), fc.constant<Val>([1, new Obj([])]))
        ),
        { maxLength: 4 }
      )
      .map((e) => new Obj(e)),
  }
)

/** Amounts that fit (most) or any valid size; "no amount" (everything) is left to the `any` values, to keep money for later cases. */
const validAmount: fc.Arbitrary<Val | undefined> = fc.oneof(
  { weight: 16, arbitrary: fc.integer({ min: 1, max: 300 }) },
  { weight: 1, arbitrary: fc.integer({ min: 1, max: V.MAX_AMOUNT }) }
)

const currencyField: fc.Arbitrary<Val | undefined> = fc.oneof(
  { weight: 6, arbitrary: fc.constant(undefined) },
  { weight: 2, arbitrary: fc.constantFrom("eur", "EUR", "Eur") },
  { weight: 1, arbitrary: fc.constantFrom("usd", "jpy", "xxx") },
  { weight: 2, arbitrary: fc.oneof(fc.constantFrom<Val>("euro", "e", "", "€€€", "EU R", "eu1", "\u0000ur", null), V.nastyText, V.notAString) }
)

const REASONS = ["discount", "return", "swap", "claim", "other"]
const reasonField: fc.Arbitrary<Val | undefined> = fc.oneof(
  { weight: 5, arbitrary: fc.constant(undefined) },
  { weight: 3, arbitrary: fc.constantFrom(...REASONS) },
  { weight: 2, arbitrary: fc.oneof(fc.constantFrom<Val>("because", "RETURN", "", "refund", null), V.nastyText, V.notAString) }
)

const intField = (min: number, max: number): fc.Arbitrary<Val | undefined> =>
  fc.oneof(
    { weight: 4, arbitrary: fc.constant(undefined) },
    { weight: 3, arbitrary: fc.integer({ min, max }) },
    { weight: 1, arbitrary: fc.constantFrom(min - 1, max + 1, 1e308, -1, 2 ** 53) },
    { weight: 1, arbitrary: V.badNumber },
    { weight: 1, arbitrary: V.notANumber }
  )
const validInt = (min: number, max: number): fc.Arbitrary<Val | undefined> =>
  fc.oneof({ weight: 1, arbitrary: fc.constant(undefined) }, { weight: 2, arbitrary: fc.integer({ min, max }) })

export const captureBody: BodySpec = {
  fields: [
    { name: "amount", valid: validAmount, any: V.amountField },
    { name: "currency_code", valid: fc.oneof(fc.constant(undefined), fc.constantFrom("eur", "EUR")), any: currencyField },
    { name: "description", valid: validText(255), any: V.textField(255) },
    { name: "reference", valid: validText(255), any: V.textField(255) },
    { name: "reference_origin", valid: validText(255), any: V.textField(255) },
    { name: "metadata", valid: validMetadata, any: V.metadataField },
  ],
  formKeys: ["amount", "currency_code", "description", "reference", "reference_origin", "metadata[a]", "metadata[__proto__][x]", "__proto__[x]", "constructor", "amount_cents"],
  check: (c, v) => {
    O.checkKnownKeys(c, "body", v, ["amount", "currency_code", "description", "reference", "reference_origin", "metadata"])
    O.checkAmount(c, "amount", v.amount)
    O.checkCurrency(c, "currency_code", v.currency_code)
    O.checkText(c, "description", v.description, 255)
    O.checkText(c, "reference", v.reference, 255)
    O.checkText(c, "reference_origin", v.reference_origin, 255)
    O.checkMetadata(c, "metadata", v.metadata)
  },
}

export const updateBody: BodySpec = {
  fields: [
    { name: "metadata", valid: validMetadata, any: V.metadataField },
    { name: "reference", valid: validText(255), any: V.textField(255) },
    { name: "reference_origin", valid: validText(255), any: V.textField(255) },
  ],
  formKeys: ["reference", "reference_origin", "metadata[a]", "metadata[__proto__][x]", "__proto__[x]", "constructor", "status"],
  check: (c, v) => {
    O.checkKnownKeys(c, "body", v, ["metadata", "reference", "reference_origin"])
    O.checkMetadata(c, "metadata", v.metadata)
    O.checkText(c, "reference", v.reference, 255)
    O.checkText(c, "reference_origin", v.reference_origin, 255)
  },
}

export const refundBody: BodySpec = {
  fields: [
    { name: "amount", valid: validAmount, any: V.amountField },
    { name: "reason", valid: fc.oneof(fc.constant(undefined), fc.constantFrom(...REASONS)), any: reasonField },
    { name: "note", valid: validText(1000), any: V.textField(1000) },
    { name: "metadata", valid: validMetadata, any: V.metadataField },
  ],
  formKeys: ["amount", "reason", "note", "metadata[a]", "__proto__[x]", "constructor", "refund_all"],
  check: (c, v) => {
    O.checkKnownKeys(c, "body", v, ["amount", "reason", "note", "metadata"])
    O.checkAmount(c, "amount", v.amount)
    O.checkEnum(c, "reason", v.reason, REASONS)
    O.checkText(c, "note", v.note, 1000)
    O.checkMetadata(c, "metadata", v.metadata)
  },
}

const RECONCILE_FIELDS: Array<[string, number, number]> = [
  ["older_than_seconds", 0, 31_536_000],
  ["never_received_after_seconds", 0, 31_536_000],
  ["limit", 1, 1000],
]

export const reconcileBody: BodySpec = {
  fields: RECONCILE_FIELDS.map(([name, min, max]) => ({ name, valid: validInt(min, max), any: intField(min, max) })),
  formKeys: ["older_than_seconds", "never_received_after_seconds", "limit", "__proto__[x]", "constructor", "all"],
  check: (c, v) => {
    O.checkKnownKeys(c, "body", v, RECONCILE_FIELDS.map(([name]) => name))
    for (const [name, min, max] of RECONCILE_FIELDS) O.checkInt(c, name, v[name], min, max)
  },
}

/** The release takes no fields: any field is refused, naming it. */
export const releaseBody: BodySpec = {
  fields: [],
  formKeys: ["amount", "__proto__[x]", "constructor", "all"],
  check: (c, v) => O.checkKnownKeys(c, "body", v, []),
}

const MOLLIE_ID = /^tr_[A-Za-z0-9]+$/

export function webhookBody(w: World): BodySpec {
  const alnum = fc.string({ unit: fc.constantFrom(..."abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"), minLength: 1, maxLength: 20 })
  const valid: fc.Arbitrary<Val> = fc.oneof(
    { weight: 2, arbitrary: fc.constant(w.mollieRef) },
    { weight: 2, arbitrary: fc.constant(w.otherStoreMollieRef) },
    { weight: 3, arbitrary: alnum.map((s) => `tr_${s}`) },
    { weight: 1, arbitrary: fc.constantFrom(` ${w.mollieRef} `, `\t${w.otherStoreMollieRef}\n`, "tr_unknown0\u00a0", "\ufefftr_unknown1") }
  )
  const bad: fc.Arbitrary<Val | undefined> = fc.oneof(
    fc.constantFrom<Val | undefined>(undefined, "tr_", "tr_abc-def", "tr_ab c", "TR_abc", "tr_abc\u0000", "tr_😀", "tr_abc' OR '1'='1", "cpt_abc", "re_abc", "ord_abc", null, "", `${w.mollieRef},${w.mollieRef}`),
    fc.constantFrom(...w.payments.map((p) => p.id), ...w.orders, ...w.otherKinds),
    V.nastyText,
    V.notAString
  )
  return {
    fields: [{ name: "id", valid, any: fc.oneof({ weight: 1, arbitrary: valid }, { weight: 1, arbitrary: bad }) }],
    formKeys: ["id"],
    webhook: true,
    check: (c, v) => {
      const raw = v.id
      if (typeof raw !== "string" || !MOLLIE_ID.test(raw.trim())) c.reject.push(O.fieldProblem("id", `${O.describe(raw)} is not a Mollie payment id`))
    },
  }
}

export function webhookFormEntries(w: World): fc.Arbitrary<Array<[string, string]>> {
  const value = fc.oneof(fc.constantFrom(w.mollieRef, w.otherStoreMollieRef, "tr_abc123", " tr_abc123 ", "tr_", ""), V.nastyText)
  return fc.array(fc.tuple(fc.constantFrom("id", "id", "id", "id[]", "id[a]", "__proto__[id]", "testByPass"), value), { maxLength: 3 })
}
