import { currencyExponent, normalizeCurrencyCode } from "./currency"
import { InvalidMoneyError } from "./errors"

/** `amount` is in integer minor units (cents for EUR, yen for JPY, fils for KWD). */
export type Money = { amount: number; currency_code: string }

/** Medusa v1 stores amounts in int4 columns; anything larger fails at insert time. */
export const MAX_AMOUNT = 2_147_483_647

function invalidAmount(field: string, message: string): InvalidMoneyError {
  return new InvalidMoneyError("invalid_amount", field, `${field} ${message}`)
}

function assertSafeInteger(amount: unknown, field: string): asserts amount is number {
  if (typeof amount !== "number" || !Number.isSafeInteger(amount)) {
    throw invalidAmount(field, `must be an integer number of minor units, got ${String(amount)}`)
  }
}

// -0 would survive arithmetic and break strict equality in callers and tests.
const withoutNegativeZero = (n: number): number => (n === 0 ? 0 : n)

/** Negative amounts are allowed here because deltas and balances can be negative. */
export function money(amount: number, currency_code: string): Money {
  assertSafeInteger(amount, "amount")
  return { amount: withoutNegativeZero(amount), currency_code: normalizeCurrencyCode(currency_code) }
}

/** For amounts a user or gateway asks us to move: they must be positive and fit Medusa's columns. */
export function assertPositiveAmount(amount: number, field = "amount"): void {
  assertSafeInteger(amount, field)
  if (amount <= 0) throw invalidAmount(field, `must be greater than 0, got ${amount}`)
  if (amount > MAX_AMOUNT) throw invalidAmount(field, `must be at most ${MAX_AMOUNT}, got ${amount}`)
}

/** Built from digits rather than division so no binary-float rounding can creep in. */
export function toDecimalString(amount: number, currency_code: string): string {
  assertSafeInteger(amount, "amount")
  const exponent = currencyExponent(currency_code)
  const sign = amount < 0 ? "-" : ""
  const digits = String(Math.abs(amount))
  if (exponent === 0) return sign + digits
  const padded = digits.padStart(exponent + 1, "0")
  return `${sign}${padded.slice(0, -exponent)}.${padded.slice(-exponent)}`
}

const DECIMAL = /^(-?)(\d+)(?:\.(\d+))?$/
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER)

/**
 * Exact inverse of toDecimalString. Surplus decimals are accepted only when they are zeros
 * ("15.000" EUR), since those lose nothing; any other surplus would need rounding, which
 * must be a deliberate decision by the caller, not something we do silently.
 */
export function fromDecimalString(value: string, currency_code: string, field = "amount"): number {
  const exponent = currencyExponent(currency_code)
  const match = typeof value === "string" ? DECIMAL.exec(value) : null
  if (!match) throw invalidAmount(field, `must be a decimal string like "12.34", got ${JSON.stringify(value)}`)

  const [, sign, whole, fraction = ""] = match
  const surplus = fraction.slice(exponent)
  if (/[^0]/.test(surplus)) {
    throw invalidAmount(
      field,
      `has more than ${exponent} decimal place(s) for ${currency_code.toUpperCase()}: ${JSON.stringify(value)}`
    )
  }

  const minor = BigInt(whole + fraction.slice(0, exponent).padEnd(exponent, "0"))
  if (minor > MAX_SAFE) throw invalidAmount(field, `is too large to represent exactly: ${JSON.stringify(value)}`)
  return withoutNegativeZero(Number(sign === "-" ? -minor : minor))
}

/**
 * Only for APIs that insist on float amounts (e.g. Commerce Layer's `amount_float`).
 * Parsing the exact decimal yields the nearest double; never compute money with the result.
 */
export function toFloat(amount: number, currency_code: string): number {
  return Number(toDecimalString(amount, currency_code))
}

// TS 5.4's lib types `format` as number | bigint only, but ES2023 Intl (Node 20) also takes
// a decimal string, which is what lets us format without going through a float.
type StringFormatter = { format(value: string): string }

// Making an Intl.NumberFormat costs ~30 µs, using one ~1 µs; a list page formats
// 60 amounts. Formatters are immutable, and there are few locale/currency pairs
// (the bound only keeps a caller with ever-new pairs from growing the map).
const formatters = new Map<string, StringFormatter>()
const MAX_FORMATTERS = 256

/** Fraction digits are pinned to our exponent table so display never disagrees with the ledger. */
export function formatMoney(amount: number, currency_code: string, locale = "en-US"): string {
  const exponent = currencyExponent(currency_code)
  const currency = currency_code.toUpperCase()
  const key = `${locale}|${currency}|${exponent}`
  let formatter = formatters.get(key)
  // Stryker disable next-line ConditionalExpression: `true` only makes a new, identical formatter on every call (the cache saves time, never changes the output); `false` fails on the first call
  if (!formatter) {
    formatter = new Intl.NumberFormat(locale, {
      style: "currency",
      currency,
      minimumFractionDigits: exponent,
      maximumFractionDigits: exponent,
    }) as unknown as StringFormatter
    // Stryker disable next-line ConditionalExpression,EqualityOperator: the bound only limits the cache's memory; a formatter made again formats the same
    if (formatters.size >= MAX_FORMATTERS) formatters.clear()
    formatters.set(key, formatter)
  }
  return formatter.format(toDecimalString(amount, currency_code))
}
