/**
 * Clover's Level 2 data (docs/gateways/clover.md): our input, checked field by field, as the
 * `level2` of a capture. Pure; re-exported by mapper.ts.
 */
import { invalidRequest } from "./errors"
import type { CloverLevel2 } from "./types"

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value)
const isAmount = (value: unknown): value is number => typeof value === "number" && Number.isSafeInteger(value) && value >= 0

/**
 * Level 2 data as callers give it: Clover's documented fields (money in integer minor units,
 * like every amount in this plugin) plus `tax_rate`, a convenience Clover does not have.
 */
export type CloverLevel2Input = Omit<CloverLevel2, "tax_indicator"> & {
  /**
   * Sales-tax rate as a fraction (0.0825 for 8.25 %). Used only to derive `tax_amount` when it
   * is not given: the tax included in the captured amount, `round(amount × rate / (1 + rate))`
   * (Clover's tax_amount is "part of the transaction amount"). Never sent.
   */
  tax_rate?: number
  tax_indicator?: 0 | 1 | 2
  /** Shorthand for `tax_indicator: 2`. */
  tax_exempt?: boolean
}

const MONEY_FIELDS = ["tax_amount", "discount_amount", "freight_amount", "duty_amount"] as const
const TEXT_FIELDS = [
  "purchase_identifier",
  "pc_order_number",
  "destination_postal_code",
  "shipping_from_postal_code",
  "merchant_tax_id",
  "product_description",
] as const

/**
 * Checks Level 2 input and builds Clover's `level2` for a capture of `amount` cents. Throws an
 * `invalid_request_error` naming the field (`level2.<field>`) instead of letting Clover guess.
 */
export function toLevel2Wire(input: CloverLevel2Input, amount: number): CloverLevel2 {
  if (!isRecord(input)) throw invalidRequest("parameter_invalid", "level2 must be an object.", "level2")
  const out: CloverLevel2 = {}
  for (const field of MONEY_FIELDS) {
    const value = input[field]
    if (value === undefined) continue
    if (!isAmount(value)) {
      throw invalidRequest("parameter_invalid", `level2.${field} must be an integer number of minor units >= 0.`, `level2.${field}`)
    }
    out[field] = value
  }
  if (input.tax_rate !== undefined) {
    const rate = input.tax_rate
    if (typeof rate !== "number" || !Number.isFinite(rate) || rate < 0 || rate >= 1) {
      throw invalidRequest(
        "parameter_invalid",
        "level2.tax_rate is a fraction between 0 and 1 (0.0825 for 8.25 %).",
        "level2.tax_rate"
      )
    }
    out.tax_amount ??= Math.round((amount * rate) / (1 + rate))
  }
  if (out.tax_amount !== undefined && out.tax_amount > amount) {
    throw invalidRequest("parameter_invalid", `level2.tax_amount (${out.tax_amount}) exceeds the amount (${amount}).`, "level2.tax_amount")
  }
  for (const field of TEXT_FIELDS) {
    const value = input[field]
    if (value === undefined) continue
    if (typeof value !== "string" || value.trim() === "") {
      throw invalidRequest("parameter_invalid", `level2.${field} must be a non-empty string.`, `level2.${field}`)
    }
    out[field] = value
  }
  if (input.destination_country_code !== undefined) {
    const code = input.destination_country_code
    if (!Number.isInteger(code) || code < 1 || code > 999) {
      throw invalidRequest("parameter_invalid", "level2.destination_country_code is a 3-digit numeric country code.", "level2.destination_country_code")
    }
    out.destination_country_code = code
  }
  const indicator = input.tax_exempt === true ? 2 : input.tax_indicator
  if (indicator !== undefined) {
    if (indicator !== 0 && indicator !== 1 && indicator !== 2) {
      throw invalidRequest("parameter_invalid", "level2.tax_indicator must be 0, 1 or 2.", "level2.tax_indicator")
    }
    out.tax_indicator = indicator
  } else if (out.tax_amount !== undefined) {
    out.tax_indicator = 1
  }
  // Clover: "A pc_order_number is required when including a tax_amount."
  if (out.tax_amount !== undefined && out.pc_order_number === undefined) {
    throw invalidRequest("parameter_missing", "level2.pc_order_number is required with a tax amount.", "level2.pc_order_number")
  }
  return out
}
