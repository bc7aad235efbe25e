/**
 * Exact messages, fields and edges of the money and currency helpers, so that mutation testing
 * (docs/mutation-testing.md) finds no changed literal, comparison or regular expression that
 * every test lets through.
 */
import fc from "fast-check"
import { currencyExponent, isCurrencyCode, normalizeCurrencyCode } from "../currency"
import { InvalidMoneyError } from "../errors"
import { MAX_AMOUNT, assertPositiveAmount, formatMoney, fromDecimalString, money, toDecimalString, toFloat } from "../money"

function thrown(fn: () => unknown): InvalidMoneyError {
  try {
    fn()
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidMoneyError)
    return error as InvalidMoneyError
  }
  throw new Error("expected the call to throw")
}

const error = (code: string, field: string, message: string) => ({ name: "InvalidMoneyError", code, field, message })

describe("error messages name the field and the value", () => {
  it.each<[string, () => unknown, ReturnType<typeof error>]>([
    ["money: fraction", () => money(1.5, "EUR"), error("invalid_amount", "amount", "amount must be an integer number of minor units, got 1.5")],
    ["money: string", () => money("7" as unknown as number, "EUR"), error("invalid_amount", "amount", "amount must be an integer number of minor units, got 7")],
    ["money: currency", () => money(1, "EURO"), error("invalid_currency", "currency_code", 'currency_code must be a three-letter ISO 4217 code, got "EURO"')],
    ["positive: zero", () => assertPositiveAmount(0), error("invalid_amount", "amount", "amount must be greater than 0, got 0")],
    ["positive: negative", () => assertPositiveAmount(-3, "refund.amount"), error("invalid_amount", "refund.amount", "refund.amount must be greater than 0, got -3")],
    ["positive: above int4", () => assertPositiveAmount(MAX_AMOUNT + 1), error("invalid_amount", "amount", "amount must be at most 2147483647, got 2147483648")],
    ["positive: fraction", () => assertPositiveAmount(0.5, "x"), error("invalid_amount", "x", "x must be an integer number of minor units, got 0.5")],
    ["toDecimalString: fraction", () => toDecimalString(0.5, "EUR"), error("invalid_amount", "amount", "amount must be an integer number of minor units, got 0.5")],
    ["fromDecimalString: shape", () => fromDecimalString("12,34", "EUR"), error("invalid_amount", "amount", 'amount must be a decimal string like "12.34", got "12,34"')],
    ["fromDecimalString: not a string", () => fromDecimalString(12 as unknown as string, "EUR", "total"), error("invalid_amount", "total", 'total must be a decimal string like "12.34", got 12')],
    ["fromDecimalString: decimals", () => fromDecimalString("1.001", "eur"), error("invalid_amount", "amount", 'amount has more than 2 decimal place(s) for EUR: "1.001"')],
    ["fromDecimalString: decimals JPY", () => fromDecimalString("1.5", "jpy", "p"), error("invalid_amount", "p", 'p has more than 0 decimal place(s) for JPY: "1.5"')],
    ["fromDecimalString: too large", () => fromDecimalString("9007199254740992", "JPY"), error("invalid_amount", "amount", 'amount is too large to represent exactly: "9007199254740992"')],
    ["fromDecimalString: too small", () => fromDecimalString("-9007199254740992", "JPY"), error("invalid_amount", "amount", 'amount is too large to represent exactly: "-9007199254740992"')],
    ["exponent: currency", () => currencyExponent("E1R"), error("invalid_currency", "currency_code", 'currency_code must be a three-letter ISO 4217 code, got "E1R"')],
    ["normalize: field", () => normalizeCurrencyCode(5 as unknown as string, "refund.currency"), error("invalid_currency", "refund.currency", "refund.currency must be a three-letter ISO 4217 code, got 5")],
  ])("%s", (_, fn, expected) => {
    expect(thrown(fn)).toMatchObject(expected)
  })
})

describe("edges", () => {
  it("MAX_AMOUNT is int4's maximum and is itself allowed", () => {
    expect(MAX_AMOUNT).toBe(2 ** 31 - 1)
    expect(() => assertPositiveAmount(MAX_AMOUNT)).not.toThrow()
    expect(() => assertPositiveAmount(1)).not.toThrow()
  })

  it("the largest safe integer parses from both signs", () => {
    expect(fromDecimalString("-9007199254740991", "JPY")).toBe(-Number.MAX_SAFE_INTEGER)
    expect(fromDecimalString("90071992547409.91", "EUR")).toBe(Number.MAX_SAFE_INTEGER)
    expect(fromDecimalString("900719925474.0991", "CLF")).toBe(Number.MAX_SAFE_INTEGER)
  })

  it("zero has no sign, whatever the currency", () => {
    for (const currency of ["JPY", "EUR", "KWD", "CLF"]) {
      expect(Object.is(money(0, currency).amount, 0)).toBe(true)
      expect(Object.is(fromDecimalString("-0", currency), 0)).toBe(true)
      expect(toDecimalString(0, currency).startsWith("-")).toBe(false)
    }
    expect(Object.is(money(-0, "EUR").amount, 0)).toBe(true)
    expect(money(-7, "EUR")).toStrictEqual({ amount: -7, currency_code: "eur" })
  })

  it("reads leading zeros and an exact number of decimals", () => {
    expect(fromDecimalString("007", "JPY")).toBe(7)
    expect(fromDecimalString("0.07", "EUR")).toBe(7)
    expect(fromDecimalString("-0.07", "EUR")).toBe(-7)
    expect(fromDecimalString("0.7", "EUR")).toBe(70)
    expect(fromDecimalString("12.340", "EUR")).toBe(1234)
    expect(fromDecimalString("1.0000", "JPY")).toBe(1)
  })

  it.each(["1.2.3", "1..2", "a1", "1a", "1.a", "1.2a", "-1-", "1 ", "٣"])("rejects %j", (value) => {
    expect(() => fromDecimalString(value, "EUR")).toThrow(InvalidMoneyError)
  })

  it("prints padding for every exponent", () => {
    expect(toDecimalString(5, "EUR")).toBe("0.05")
    expect(toDecimalString(-5, "KWD")).toBe("-0.005")
    expect(toDecimalString(5, "CLF")).toBe("0.0005")
    expect(toDecimalString(123456, "CLF")).toBe("12.3456")
    expect(toDecimalString(-1, "JPY")).toBe("-1")
  })

  it("toFloat for every exponent", () => {
    expect(toFloat(-1, "JPY")).toBe(-1)
    expect(toFloat(5, "KWD")).toBe(0.005)
  })
})

describe("properties", () => {
  const currencies = fc.constantFrom("JPY", "EUR", "KWD", "CLF", "usd")
  const amounts = fc.integer({ min: -Number.MAX_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER })

  it("toDecimalString has exactly the currency's decimals and round-trips", () => {
    fc.assert(
      fc.property(amounts, currencies, (amount, currency) => {
        const text = toDecimalString(amount, currency)
        const exponent = currencyExponent(currency)
        const [, fraction] = text.split(".")
        expect(fraction?.length ?? 0).toBe(exponent)
        expect(text.startsWith("-")).toBe(amount < 0)
        expect(fromDecimalString(text, currency)).toBe(amount)
        expect(fromDecimalString(exponent === 0 ? `${text}.0` : `${text}0`, currency)).toBe(amount)
      })
    )
  })

  it("a non-zero digit past the currency's decimals is always refused", () => {
    fc.assert(
      fc.property(amounts, currencies, fc.integer({ min: 1, max: 9 }), (amount, currency, digit) => {
        const text = toDecimalString(amount, currency)
        const extended = text.includes(".") ? `${text}${digit}` : `${text}.${digit}`
        expect(() => fromDecimalString(extended, currency)).toThrow(InvalidMoneyError)
      })
    )
  })

  it("assertPositiveAmount accepts exactly 1..MAX_AMOUNT", () => {
    fc.assert(
      fc.property(fc.integer({ min: -2 * MAX_AMOUNT, max: 2 * MAX_AMOUNT }), (amount) => {
        const ok = amount >= 1 && amount <= MAX_AMOUNT
        if (ok) expect(() => assertPositiveAmount(amount)).not.toThrow()
        else expect(() => assertPositiveAmount(amount)).toThrow(InvalidMoneyError)
      })
    )
  })
})

describe("currency codes", () => {
  it.each([
    ["ABC", true],
    ["abc", true],
    ["AB", false],
    ["ABCD", false],
    ["1AB", false],
    ["AB1", false],
    ["A B", false],
    ["ÄBC", false],
    ["", false],
    [null, false],
    [["EUR"], false],
  ])("isCurrencyCode(%j) -> %s", (value, expected) => {
    expect(isCurrencyCode(value)).toBe(expected)
  })

  it.each([
    ["BIF", 0], ["CLP", 0], ["DJF", 0], ["GNF", 0], ["ISK", 0], ["JPY", 0], ["KMF", 0], ["KRW", 0], ["PYG", 0],
    ["RWF", 0], ["UGX", 0], ["UYI", 0], ["VND", 0], ["VUV", 0], ["XAF", 0], ["XOF", 0], ["XPF", 0],
    ["BHD", 3], ["IQD", 3], ["JOD", 3], ["KWD", 3], ["LYD", 3], ["OMR", 3], ["TND", 3],
    ["CLF", 4], ["UYW", 4],
    ["EUR", 2], ["USD", 2], ["GBP", 2], ["CHF", 2],
  ])("ISO 4217 exponent of %s is %i, in either case", (code, exponent) => {
    expect(currencyExponent(code)).toBe(exponent)
    expect(currencyExponent(code.toLowerCase())).toBe(exponent)
  })

  it("normalizes to lower case and defaults its field", () => {
    expect(normalizeCurrencyCode("UsD")).toBe("usd")
    expect(thrown(() => normalizeCurrencyCode("US"))).toMatchObject({ field: "currency_code" })
  })
})

describe("formatMoney", () => {
  it("formats different locale/currency pairs one after another, each with its own formatter", () => {
    expect(formatMoney(1500, "JPY", "en-US")).toBe("¥1,500")
    expect(formatMoney(1500, "EUR", "en-US")).toBe("€15.00")
    expect(formatMoney(1500, "EUR", "de-DE")).toBe("15,00\u00a0€")
    expect(formatMoney(1500, "jpy", "en-US")).toBe("¥1,500")
    expect(formatMoney(1500, "KWD", "en-US")).toBe("KWD\u00a01.500")
    expect(formatMoney(1, "EUR")).toBe("€0.01")
  })

  it("keeps formatting correctly past the cache's bound (many distinct pairs)", () => {
    const locales = ["en-US", "de-DE", "fr-FR", "ja-JP", "en-GB", "es-ES", "it-IT", "nl-NL"]
    const codes = Array.from({ length: 40 }, (_, i) => `Q${String.fromCharCode(65 + (i % 26))}${String.fromCharCode(65 + Math.floor(i / 26))}`)
    for (const locale of locales) for (const code of codes) formatMoney(100, code, locale)
    expect(formatMoney(1500, "EUR", "en-US")).toBe("€15.00")
    expect(formatMoney(1500, "JPY", "en-US")).toBe("¥1,500")
  })
})
