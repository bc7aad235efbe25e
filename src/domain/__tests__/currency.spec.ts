import { currencyExponent, isCurrencyCode, normalizeCurrencyCode } from "../currency"
import { InvalidMoneyError } from "../errors"

describe("currencyExponent", () => {
  it.each([
    ["JPY", 0],
    ["jpy", 0],
    ["KRW", 0],
    ["XOF", 0],
    ["EUR", 2],
    ["usd", 2],
    ["Gbp", 2],
    ["KWD", 3],
    ["bhd", 3],
    ["TND", 3],
    ["CLF", 4],
    ["uyw", 4],
    // Well-formed but not a real code: falls back to the default rather than guessing.
    ["ABC", 2],
  ])("%s has exponent %i", (code, exponent) => {
    expect(currencyExponent(code)).toBe(exponent)
  })

  it.each(["", "EU", "EURO", "E1R", " eur", "€", "eur\n"])("rejects %j as invalid_currency", (code) => {
    const error = captureError(() => currencyExponent(code))
    expect(error).toBeInstanceOf(InvalidMoneyError)
    expect(error).toMatchObject({ code: "invalid_currency", field: "currency_code" })
  })
})

describe("isCurrencyCode", () => {
  it.each([
    ["EUR", true],
    ["eur", true],
    ["eUr", true],
    ["EU", false],
    ["EURO", false],
    ["E_R", false],
    [undefined, false],
    [978, false],
  ])("%j -> %s", (code, expected) => {
    expect(isCurrencyCode(code)).toBe(expected)
  })
})

describe("normalizeCurrencyCode", () => {
  it.each([
    ["EUR", "eur"],
    ["eur", "eur"],
    ["JpY", "jpy"],
  ])("%s -> %s", (code, expected) => {
    expect(normalizeCurrencyCode(code)).toBe(expected)
  })

  it("names the caller's field in the error", () => {
    expect(captureError(() => normalizeCurrencyCode("XX", "refund.currency"))).toMatchObject({
      code: "invalid_currency",
      field: "refund.currency",
    })
  })
})

function captureError(fn: () => unknown): unknown {
  try {
    fn()
  } catch (error) {
    return error
  }
  throw new Error("expected the call to throw")
}
