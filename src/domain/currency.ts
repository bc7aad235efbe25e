import { InvalidMoneyError } from "./errors"

/**
 * ISO 4217 minor-unit exponents that differ from the default of 2. Kept as our own table
 * rather than read from Intl because ICU follows CLDR "display" digits, which disagree
 * with ISO for several currencies (e.g. IQD, UGX), and amounts must match the gateways.
 */
const NON_DEFAULT_EXPONENTS: Readonly<Record<string, number>> = {
  BIF: 0, CLP: 0, DJF: 0, GNF: 0, ISK: 0, JPY: 0, KMF: 0, KRW: 0, PYG: 0,
  RWF: 0, UGX: 0, UYI: 0, VND: 0, VUV: 0, XAF: 0, XOF: 0, XPF: 0,
  BHD: 3, IQD: 3, JOD: 3, KWD: 3, LYD: 3, OMR: 3, TND: 3,
  CLF: 4, UYW: 4,
}

const DEFAULT_EXPONENT = 2

const CURRENCY_CODE = /^[A-Za-z]{3}$/

/** Shape check only: we do not keep a list of every ISO code, so "ABC" passes. */
export function isCurrencyCode(code: unknown): code is string {
  return typeof code === "string" && CURRENCY_CODE.test(code)
}

function assertCurrencyCode(code: unknown, field: string): asserts code is string {
  if (!isCurrencyCode(code)) {
    throw new InvalidMoneyError(
      "invalid_currency",
      field,
      `${field} must be a three-letter ISO 4217 code, got ${JSON.stringify(code)}`
    )
  }
}

/** Medusa stores currency codes in lower case; normalising here keeps comparisons exact. */
export function normalizeCurrencyCode(code: string, field = "currency_code"): string {
  assertCurrencyCode(code, field)
  return code.toLowerCase()
}

export function currencyExponent(code: string): number {
  assertCurrencyCode(code, "currency_code")
  return NON_DEFAULT_EXPONENTS[code.toUpperCase()] ?? DEFAULT_EXPONENT
}
