/** Request-body checks. Each throws a 400 `invalid_request_error` naming the field in `param`. */
import { invalidRequest } from "./errors"
import type { Metadata } from "./state"

export type Body = Record<string, unknown>

export const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value)

/** amount_too_large: "exceeds the amount allowed by Clover ($999,999.99)" (clover.md#errors). */
export const MAX_AMOUNT = 99_999_999

const isCents = (value: unknown): value is number => typeof value === "number" && Number.isSafeInteger(value)

export function amount(body: Body, param = "amount", required = true): number | undefined {
  const value = body[param]
  if (value === undefined || value === null) {
    if (required) throw invalidRequest("missing", `Missing required param: ${param}.`, param)
    return undefined
  }
  if (!isCents(value) || value <= 0) {
    throw invalidRequest("invalid_charge_amount", `${param} must be a positive integer number of cents.`, param)
  }
  if (value > MAX_AMOUNT) {
    throw invalidRequest("amount_too_large", `${param} exceeds the amount allowed by Clover ($999,999.99).`, param)
  }
  return value
}

export function currency(body: Body): string {
  const value = body.currency
  if (value === undefined || value === null) throw invalidRequest("missing", "Missing required param: currency.", "currency")
  // "Three-letter ISO 4217 currency code … Format: Lower case" (Clover's create-charge reference).
  if (typeof value !== "string" || !/^[a-z]{3}$/.test(value)) {
    throw invalidRequest("invalid_request", "currency must be a three-letter ISO 4217 code in lower case.", "currency")
  }
  return value
}

export function requiredString(body: Body, param: string): string {
  const value = body[param]
  if (value === undefined || value === null) throw invalidRequest("missing", `Missing required param: ${param}.`, param)
  if (typeof value !== "string" || value === "") throw invalidRequest("invalid_request", `${param} must be a non-empty string.`, param)
  return value
}

export function optionalString(body: Body, param: string, maxLength = 255): string | null {
  const value = body[param]
  if (value === undefined || value === null) return null
  if (typeof value !== "string" || value.length > maxLength) {
    throw invalidRequest("invalid_request", `${param} must be a string of at most ${maxLength} characters.`, param)
  }
  return value
}

/** `capture` as a boolean; Clover's own pre-auth example sends the string "false". */
export function captureFlag(body: Body): boolean {
  const value = body.capture
  if (value === undefined || value === null) return true
  if (value === true || value === "true") return true
  if (value === false || value === "false") return false
  throw invalidRequest("invalid_request", "capture must be true or false.", "capture")
}

export function email(body: Body, param = "receipt_email"): string | null {
  const value = optionalString(body, param, 254)
  if (value !== null && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(value)) {
    throw invalidRequest("email_invalid", `${param} is not a valid email address.`, param)
  }
  return value
}

const MAX_METADATA_BYTES = 8 * 1024

export function metadata(body: Body): Metadata {
  const value = body.metadata
  if (value === undefined || value === null) return {}
  if (!isRecord(value)) throw invalidRequest("invalid_request", "metadata must be an object.", "metadata")
  if (Buffer.byteLength(JSON.stringify(value)) > MAX_METADATA_BYTES) {
    throw invalidRequest("invalid_request", `metadata must be at most ${MAX_METADATA_BYTES} bytes.`, "metadata")
  }
  return JSON.parse(JSON.stringify(value)) as Metadata
}

export const REFUND_REASONS = ["duplicate", "fraudulent", "requested_by_customer"] as const

export function refundReason(body: Body): string | null {
  const value = body.reason
  if (value === undefined || value === null) return null
  if (typeof value !== "string" || !(REFUND_REASONS as readonly string[]).includes(value)) {
    throw invalidRequest("invalid_request", `reason must be one of ${REFUND_REASONS.join(", ")}.`, "reason")
  }
  return value
}

// --- Level 2 (Clover's "Level 2 data"; docs/gateways/clover.md#level-2-data) -------------------

const LEVEL2_MONEY = ["tax_amount", "discount_amount", "freight_amount", "duty_amount"]
const LEVEL2_TEXT = [
  "purchase_identifier",
  "pc_order_number",
  "destination_postal_code",
  "shipping_from_postal_code",
  "merchant_tax_id",
  "product_description",
]

/**
 * The documented Level 2 fields, checked; unknown fields are refused rather than silently kept,
 * so a client sending a field Clover does not have finds out here. `chargeAmount` bounds the tax.
 */
export function level2(body: Body, chargeAmount: number): Record<string, unknown> | null {
  const value = body.level2
  if (value === undefined || value === null) return null
  if (!isRecord(value)) throw invalidRequest("invalid_request", "level2 must be an object.", "level2")
  const out: Record<string, unknown> = {}
  for (const [key, field] of Object.entries(value)) {
    const param = `level2.${key}`
    if (LEVEL2_MONEY.includes(key)) {
      if (!isCents(field) || field < 0) throw invalidRequest("invalid_request", `${param} must be an integer number of cents >= 0.`, param)
    } else if (LEVEL2_TEXT.includes(key)) {
      if (typeof field !== "string" || field === "") throw invalidRequest("invalid_request", `${param} must be a non-empty string.`, param)
    } else if (key === "tax_indicator") {
      if (field !== 0 && field !== 1 && field !== 2) throw invalidRequest("invalid_request", `${param} must be 0, 1 or 2.`, param)
    } else if (key === "destination_country_code") {
      if (!Number.isInteger(field) || (field as number) < 1 || (field as number) > 999) {
        throw invalidRequest("invalid_request", `${param} must be a 3-digit numeric country code.`, param)
      }
    } else {
      throw invalidRequest("invalid_request", `Unknown Level 2 field: ${key}.`, param)
    }
    out[key] = field
  }
  if (typeof out.tax_amount === "number") {
    if (out.tax_amount > chargeAmount) {
      throw invalidRequest("invalid_tax_amount", "level2.tax_amount exceeds the amount.", "level2.tax_amount")
    }
    if (out.pc_order_number === undefined) {
      throw invalidRequest("missing", "level2.pc_order_number is required when a tax_amount is given.", "level2.pc_order_number")
    }
  }
  return out
}
