import { MedusaError } from "@medusajs/utils"
import { z, type ZodTypeAny } from "zod"
import { CAPTURE_STATUSES, MAX_AMOUNT } from "../domain"
import { DESCRIPTION_MAX_LENGTH, METADATA_MAX_BYTES } from "../services/capture-ledger/inputs"
import { reservedKeyMessage, reservedMetadataKey } from "../services/ledger/metadata"

/** Request schemas. Unknown fields are refused, so a typo never passes silently. */

const amount = z
  .number({ invalid_type_error: "must be an integer number of minor units" })
  .int("must be an integer number of minor units (e.g. 1050 for 10.50 EUR)")
  .positive("must be greater than 0")
  .max(MAX_AMOUNT, `must be at most ${MAX_AMOUNT}`)

/**
 * Text PostgreSQL cannot store (NUL) or that is not valid Unicode (a lone
 * surrogate, refused in jsonb): refused with a message instead of a 500.
 */
const UNSTORABLE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/
const STORABLE_MESSAGE = "must not contain NUL characters or unpaired surrogates"
const storable = (value: string) => !UNSTORABLE.test(value)

function deeplyStorable(value: unknown, depth = 0): boolean {
  if (depth > 1000) return false // deeper than any 1 kB document can be; stops a runaway recursion
  if (typeof value === "string") return storable(value)
  if (Array.isArray(value)) return value.every((v) => deeplyStorable(v, depth + 1))
  if (value && typeof value === "object") {
    return Object.entries(value).every(([k, v]) => storable(k) && deeplyStorable(v, depth + 1))
  }
  return true
}

/**
 * Bytes as JSON. Infinity for a value nested so deep (body-parser reads 100 kB,
 * some 20,000 levels) that JSON.stringify overflows the call stack: far more
 * than 1 kB either way, and a RangeError here would be a 500.
 */
function jsonBytes(value: unknown): number {
  try {
    return Buffer.byteLength(JSON.stringify(value), "utf8")
  } catch {
    return Infinity
  }
}

const metadata = z
  .unknown()
  // Reserved keys are looked for in the body as parsed: z.record's copy silently drops a `__proto__` key.
  .superRefine((value, ctx) => {
    const reserved = reservedMetadataKey(value)
    if (reserved) ctx.addIssue({ code: z.ZodIssueCode.custom, message: reservedKeyMessage(reserved) })
  })
  .pipe(
    z
      .record(z.unknown(), { invalid_type_error: "must be an object" })
      .refine((m) => deeplyStorable(m), { message: STORABLE_MESSAGE })
      .refine((m) => jsonBytes(m) <= METADATA_MAX_BYTES, {
        message: `must be at most ${METADATA_MAX_BYTES} bytes as JSON`,
      })
  )

const shortText = (max: number) =>
  z.string().max(max, `must be at most ${max} characters`).refine(storable, STORABLE_MESSAGE)

export const createCaptureBody = z
  .object({
    amount: amount.optional(),
    currency_code: z.string().regex(/^[A-Za-z]{3}$/, "must be a 3-letter ISO 4217 code").optional(),
    description: shortText(DESCRIPTION_MAX_LENGTH).nullish(),
    reference: shortText(255).nullish(),
    reference_origin: shortText(255).nullish(),
    metadata: metadata.nullish(),
  })
  .strict()

export const updateCaptureBody = z
  .object({
    metadata: metadata.nullish(),
    reference: shortText(255).nullish(),
    reference_origin: shortText(255).nullish(),
  })
  .strict()

export const refundCaptureBody = z
  .object({
    amount: amount.optional(),
    reason: z.enum(["discount", "return", "swap", "claim", "other"]).optional(),
    note: shortText(1000).nullish(),
    metadata: metadata.nullish(),
  })
  .strict()

const EXPANDABLE = ["refunds", "events"] as const
const expand = z
  .string()
  .optional()
  .transform((v, ctx) => {
    const parts = (v ?? "").split(",").map((s) => s.trim()).filter(Boolean)
    for (const p of parts) {
      if (!(EXPANDABLE as readonly string[]).includes(p)) {
        ctx.addIssue({ code: z.ZodIssueCode.custom, message: `can only be ${EXPANDABLE.join(", ")}` })
        return z.NEVER
      }
    }
    return parts as Array<(typeof EXPANDABLE)[number]>
  })

const ISO_DATE = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:?\d{2})?)?$/
const date = z
  .string({ invalid_type_error: "must be an ISO 8601 date" })
  .regex(ISO_DATE, "must be an ISO 8601 date")
  // JavaScript rolls 2020-02-30 over to March 1st; a date that does not exist is refused.
  .refine((v) => {
    const [y, m, d] = v.slice(0, 10).split("-").map(Number)
    const day = new Date(Date.UTC(y, m - 1, d))
    return y >= 1970 && day.getUTCFullYear() === y && day.getUTCMonth() === m - 1 && day.getUTCDate() === d
  }, "must be an ISO 8601 date")
  // pipe, not transform + refine: zod still runs a refine after a failed regex, with the raw value.
  .pipe(z.coerce.date({ errorMap: () => ({ message: "must be an ISO 8601 date" }) }))
const dateRange = z.object({ gt: date, gte: date, lt: date, lte: date }).partial().strict()

const statusList = z
  .union([z.string(), z.array(z.string())])
  .transform((v) => (Array.isArray(v) ? v : v.split(",")).map((s) => s.trim()).filter(Boolean))
  .refine((list) => list.length > 0, "must name at least one status")
  .pipe(z.array(z.enum(["requested", "pending", "succeeded", "failed"], { errorMap: () => ({ message: `must be one of ${CAPTURE_STATUSES.join(", ")}` }) })))

/** A filter value: any text that can be stored (an odd one simply matches nothing). */
const id = z.string().min(1, "must not be empty").max(100, "must be at most 100 characters").refine(storable, STORABLE_MESSAGE)

/** A query-string integer written in plain digits ("1e1" and "10.0" are refused). */
const wholeNumber = (min: number, max: number) =>
  z
    .string({ invalid_type_error: "must be a whole number" })
    .regex(/^\d{1,10}$/, "must be a whole number")
    .transform(Number)
    .pipe(z.number().min(min, `must be at least ${min}`).max(max, `must be at most ${max}`))

export const listCapturesQuery = z
  .object({
    payment_id: id.optional(),
    order_id: id.optional(),
    provider_id: id.optional(),
    status: statusList.optional(),
    created_at: dateRange.optional(),
    limit: wholeNumber(1, 100).default("20"),
    offset: wholeNumber(0, 1_000_000_000).default("0"),
    expand,
  })
  .strict()

export const expandQuery = z.object({ expand }).strict()

/** Parses with a schema; the first problems become one 400 in Medusa's shape, each naming its field. */
export function parse<S extends ZodTypeAny>(schema: S, value: unknown, where: "body" | "query"): z.output<S> {
  const result = schema.safeParse(value ?? {})
  if (result.success) return result.data
  const problems = result.error.issues.slice(0, 5).map((issue) => {
    const field = issue.path.join(".")
    if (issue.code === z.ZodIssueCode.unrecognized_keys) return `${where}: unknown field(s) ${issue.keys.join(", ")}`
    return `${field || where}: ${issue.message}`
  })
  throw new MedusaError(MedusaError.Types.INVALID_DATA, [...new Set(problems)].join("; "), "invalid_request")
}

export const reconcileBody = z
  .object({
    older_than_seconds: z.number().int().min(0).max(31_536_000).optional(),
    never_received_after_seconds: z.number().int().min(0).max(31_536_000).optional(),
    limit: z.number().int().min(1).max(1000).optional(),
  })
  .strict()

/** The release takes no parameters: what is left of the authorization is released. */
export const releaseBody = z.object({}).strict()
