import { InvalidMoneyError } from "../errors"
import {
  MAX_AMOUNT,
  assertPositiveAmount,
  formatMoney,
  fromDecimalString,
  money,
  toDecimalString,
  toFloat,
} from "../money"

const NBSP = "\u00a0"

// Table shared by both directions so they are proven to be inverses of each other.
const DECIMAL_CASES: Array<[amount: number, currency: string, decimal: string]> = [
  [0, "JPY", "0"],
  [1, "JPY", "1"],
  [1500, "JPY", "1500"],
  [-1500, "jpy", "-1500"],
  [0, "EUR", "0.00"],
  [1, "EUR", "0.01"],
  [10, "EUR", "0.10"],
  [1500, "EUR", "15.00"],
  [1500, "eur", "15.00"],
  [123456, "EUR", "1234.56"],
  [-5, "EUR", "-0.05"],
  [-1500, "EUR", "-15.00"],
  [MAX_AMOUNT, "EUR", "21474836.47"],
  [Number.MAX_SAFE_INTEGER, "USD", "90071992547409.91"],
  [0, "KWD", "0.000"],
  [1, "KWD", "0.001"],
  [1234, "KWD", "1.234"],
  [-1234, "kwd", "-1.234"],
  [1000, "KWD", "1.000"],
  [0, "CLF", "0.0000"],
  [1, "CLF", "0.0001"],
  [12345, "CLF", "1.2345"],
  [-99999, "CLF", "-9.9999"],
]

describe("toDecimalString", () => {
  it.each(DECIMAL_CASES)("%i %s -> %s", (amount, currency, decimal) => {
    expect(toDecimalString(amount, currency)).toBe(decimal)
  })

  it("prints -0 as zero", () => {
    expect(toDecimalString(-0, "EUR")).toBe("0.00")
  })

  it.each([1.5, NaN, Infinity, -Infinity, Number.MAX_SAFE_INTEGER + 1])("rejects amount %p", (amount) => {
    expect(() => toDecimalString(amount, "EUR")).toThrow(InvalidMoneyError)
  })

  it("rejects a malformed currency", () => {
    expect(() => toDecimalString(100, "EURO")).toThrow(expect.objectContaining({ code: "invalid_currency" }))
  })
})

describe("fromDecimalString", () => {
  it.each(DECIMAL_CASES)("%i %s <- %s", (amount, currency, decimal) => {
    expect(fromDecimalString(decimal, currency)).toBe(amount)
  })

  it.each([
    ["15", "EUR", 1500],
    ["15.5", "EUR", 1550],
    ["0015.50", "EUR", 1550],
    ["-0", "EUR", 0],
    ["-0.00", "EUR", 0],
    ["1.2", "KWD", 1200],
    ["1", "CLF", 10000],
    // Surplus zeros lose nothing, so they are accepted.
    ["15.000", "EUR", 1500],
    ["1500.00", "JPY", 1500],
    ["1.23400", "KWD", 1234],
  ])("accepts shorter or zero-padded input %j %s -> %i", (decimal, currency, amount) => {
    expect(fromDecimalString(decimal, currency)).toBe(amount)
  })

  it("never yields negative zero", () => {
    expect(Object.is(fromDecimalString("-0.00", "EUR"), 0)).toBe(true)
  })

  it.each([
    ["10.001", "EUR"],
    ["0.005", "EUR"],
    ["1500.5", "JPY"],
    ["1.0001", "KWD"],
    ["1.00001", "CLF"],
    ["abc", "EUR"],
    ["", "EUR"],
    ["-", "EUR"],
    ["1.", "EUR"],
    [".5", "EUR"],
    ["+1.00", "EUR"],
    ["1,00", "EUR"],
    ["1e3", "EUR"],
    [" 1.00", "EUR"],
    ["1.00 ", "EUR"],
    ["--1", "EUR"],
    ["NaN", "EUR"],
    ["Infinity", "EUR"],
    ["90071992547409.92", "EUR"],
    ["9007199254740992", "JPY"],
  ])("rejects %j %s with invalid_amount", (decimal, currency) => {
    expect(() => fromDecimalString(decimal, currency)).toThrow(
      expect.objectContaining({ name: "InvalidMoneyError", code: "invalid_amount", field: "amount" })
    )
  })

  it("accepts the largest exact value", () => {
    expect(fromDecimalString("9007199254740991", "JPY")).toBe(Number.MAX_SAFE_INTEGER)
  })

  it("names the caller's field", () => {
    expect(() => fromDecimalString("1.001", "EUR", "refund_amount")).toThrow(
      expect.objectContaining({ field: "refund_amount" })
    )
  })

  it("rejects a malformed currency before parsing", () => {
    expect(() => fromDecimalString("1.00", "E")).toThrow(expect.objectContaining({ code: "invalid_currency" }))
  })
})

describe("round trips", () => {
  // Deterministic PRNG so a failure reproduces on every run.
  function mulberry32(seed: number): () => number {
    let a = seed
    return () => {
      a = (a + 0x6d2b79f5) | 0
      let t = Math.imul(a ^ (a >>> 15), 1 | a)
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296
    }
  }

  function sampleIntegers(count: number): number[] {
    const random = mulberry32(0xc0ffee)
    const edges = [0, 1, -1, 9, 10, 99, 100, 101, 999, 1000, 1001, 9999, 10000, MAX_AMOUNT, -MAX_AMOUNT]
    const samples = [...edges, Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER]
    for (let i = 0; i < count; i++) {
      // Spread magnitudes across 1..16 digits so every padding path is exercised.
      const digits = 1 + Math.floor(random() * 16)
      const n = Math.floor(random() * 10 ** digits)
      const value = Math.min(n, Number.MAX_SAFE_INTEGER)
      samples.push(random() < 0.5 ? -value : value)
    }
    return samples
  }

  const integers = sampleIntegers(5000)

  it.each(["JPY", "EUR", "KWD", "CLF"])("fromDecimalString(toDecimalString(n)) === n in %s", (currency) => {
    for (const n of integers) {
      const back = fromDecimalString(toDecimalString(n, currency), currency)
      if (back !== (n === 0 ? 0 : n)) throw new Error(`${currency}: ${n} came back as ${back}`)
    }
  })

  it.each(["JPY", "EUR", "KWD", "CLF"])("toFloat agrees with the exact decimal in %s", (currency) => {
    for (const n of integers) {
      expect(toFloat(n, currency)).toBe(Number(toDecimalString(n, currency)))
    }
  })
})

describe("toFloat", () => {
  it.each([
    [1500, "EUR", 15],
    [1, "EUR", 0.01],
    [1999, "USD", 19.99],
    [-5, "EUR", -0.05],
    [1500, "JPY", 1500],
    [1234, "KWD", 1.234],
    [12345, "CLF", 1.2345],
  ])("%i %s -> %d", (amount, currency, expected) => {
    expect(toFloat(amount, currency)).toBe(expected)
  })
})

describe("money", () => {
  it.each([
    [1500, "EUR", { amount: 1500, currency_code: "eur" }],
    [1500, "eur", { amount: 1500, currency_code: "eur" }],
    [-1, "JPY", { amount: -1, currency_code: "jpy" }],
    [0, "KWD", { amount: 0, currency_code: "kwd" }],
    [Number.MAX_SAFE_INTEGER, "USD", { amount: Number.MAX_SAFE_INTEGER, currency_code: "usd" }],
  ])("money(%i, %s)", (amount, currency, expected) => {
    expect(money(amount, currency)).toEqual(expected)
  })

  it("normalises -0", () => {
    expect(Object.is(money(-0, "EUR").amount, 0)).toBe(true)
  })

  it.each([
    [1.5, "EUR", "invalid_amount", "amount"],
    [NaN, "EUR", "invalid_amount", "amount"],
    [Infinity, "EUR", "invalid_amount", "amount"],
    [2 ** 53, "EUR", "invalid_amount", "amount"],
    ["100" as unknown as number, "EUR", "invalid_amount", "amount"],
    [100, "EURO", "invalid_currency", "currency_code"],
    [100, "", "invalid_currency", "currency_code"],
  ])("rejects money(%p, %j) with %s", (amount, currency, code, field) => {
    expect(() => money(amount, currency)).toThrow(expect.objectContaining({ code, field }))
  })
})

describe("assertPositiveAmount", () => {
  it.each([1, 100, MAX_AMOUNT])("accepts %i", (amount) => {
    expect(() => assertPositiveAmount(amount)).not.toThrow()
  })

  it.each([
    ["fraction", 1.5],
    ["NaN", NaN],
    ["zero", 0],
    ["negative zero", -0],
    ["negative", -1],
    ["over int4", 2 ** 31],
    ["over safe integer", Number.MAX_SAFE_INTEGER + 2],
    ["infinity", Infinity],
  ])("rejects %s (%p) naming the field", (_label, amount) => {
    let error: unknown
    try {
      assertPositiveAmount(amount, "capture.amount")
    } catch (e) {
      error = e
    }
    expect(error).toBeInstanceOf(InvalidMoneyError)
    expect(error).toMatchObject({ code: "invalid_amount", field: "capture.amount" })
    expect((error as Error).message).toMatch(/^capture\.amount /)
  })

  it("defaults the field to amount", () => {
    expect(() => assertPositiveAmount(0)).toThrow(expect.objectContaining({ field: "amount" }))
  })
})

describe("formatMoney", () => {
  // Node's ICU separates the code/symbol from the number with a no-break space.
  it.each([
    [1500, "EUR", "en-US", "€15.00"],
    [1500, "eur", "en-US", "€15.00"],
    [1500, "EUR", "de-DE", `15,00${NBSP}€`],
    [123456789, "EUR", "de-DE", `1.234.567,89${NBSP}€`],
    [-5, "EUR", "en-US", "-€0.05"],
    [1999, "USD", "en-US", "$19.99"],
    [1500, "JPY", "en-US", "¥1,500"],
    [1500, "JPY", "de-DE", `1.500${NBSP}¥`],
    [1234, "KWD", "en-US", `KWD${NBSP}1.234`],
    [1234, "KWD", "de-DE", `1,234${NBSP}KWD`],
    [12345, "CLF", "en-US", `CLF${NBSP}1.2345`],
    // Dividing by 100 first would print $90,071,992,547,409.90: the float cannot hold .91.
    [Number.MAX_SAFE_INTEGER, "USD", "en-US", "$90,071,992,547,409.91"],
  ])("%i %s in %s -> %s", (amount, currency, locale, expected) => {
    expect(formatMoney(amount, currency, locale)).toBe(expected)
  })

  it("defaults to en-US", () => {
    expect(formatMoney(1500, "EUR")).toBe("€15.00")
  })

  it("rejects a malformed currency with a domain error, not Intl's RangeError", () => {
    expect(() => formatMoney(100, "EU")).toThrow(InvalidMoneyError)
  })
})
