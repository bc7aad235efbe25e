import { captureOnFor, parsePluginOptions, PluginOptionsError } from "../options"

function optionsError(raw: unknown): PluginOptionsError {
  try {
    parsePluginOptions(raw)
  } catch (err) {
    return err as PluginOptionsError
  }
  throw new Error(`expected ${JSON.stringify(raw)} to be rejected`)
}

const sandbox = { baseUrl: "http://localhost:4010", apiKey: "sk_test_123" }
/** What every parse fills in at the top level. */
const defaults = { captureOn: "manual", reconcileAfterSeconds: 300, listCountCap: 10_000, refundOnCancel: false }

describe("parsePluginOptions", () => {
  it.each<[string, unknown, unknown]>([
    ["{}", {}, defaults],
    ["undefined", undefined, defaults],
    ["null", null, defaults],
    ["enableUI true", { enableUI: true }, { ...defaults, enableUI: true }],
    ["enableUI false", { enableUI: false }, { ...defaults, enableUI: false }],
    ["listCountCap 1", { listCountCap: 1 }, { ...defaults, listCountCap: 1 }],
    ["listCountCap 250000", { listCountCap: 250_000 }, { ...defaults, listCountCap: 250_000 }],
    [
      "a sandbox block, with defaults for timeoutMs and maxRetries",
      { sandbox },
      { ...defaults, sandbox: { ...sandbox, timeoutMs: 10_000, maxRetries: 2 } },
    ],
    [
      "a live key and explicit timeoutMs / maxRetries",
      { sandbox: { baseUrl: "https://sandbox.example.com/v1", apiKey: "sk_live_abc", timeoutMs: 500, maxRetries: 0 } },
      { ...defaults, sandbox: { baseUrl: "https://sandbox.example.com/v1", apiKey: "sk_live_abc", timeoutMs: 500, maxRetries: 0 } },
    ],
    ["maxRetries 10", { sandbox: { ...sandbox, maxRetries: 10 } }, { ...defaults, sandbox: { ...sandbox, timeoutMs: 10_000, maxRetries: 10 } }],
    [
      "sandbox and enableUI together",
      { sandbox, enableUI: true },
      { ...defaults, sandbox: { ...sandbox, timeoutMs: 10_000, maxRetries: 2 }, enableUI: true },
    ],
  ])("accepts %s", (_name, raw, expected) => {
    expect(parsePluginOptions(raw)).toEqual(expected)
  })

  it("does not mutate the raw options when filling defaults", () => {
    const raw = { sandbox: { ...sandbox } }
    parsePluginOptions(raw)
    expect(raw).toEqual({ sandbox })
  })

  it.each<[string, unknown, string[]]>([
    ["a bad URL", { sandbox: { ...sandbox, baseUrl: "not a url" } }, ["sandbox.baseUrl: must be an http(s) URL"]],
    [
      "an apiKey without sk_test_/sk_live_",
      { sandbox: { ...sandbox, apiKey: "pk_test_123" } },
      ["sandbox.apiKey: must be sk_test_… or sk_live_… (no spaces)"],
    ],
    ["an apiKey with the prefix not at the start", { sandbox: { ...sandbox, apiKey: "xsk_test_1" } }, ["sandbox.apiKey: must be sk_test_… or sk_live_… (no spaces)"]],
    ["a missing apiKey", { sandbox: { baseUrl: sandbox.baseUrl } }, ["sandbox.apiKey: Required"]],
    ["a missing baseUrl", { sandbox: { apiKey: sandbox.apiKey } }, ["sandbox.baseUrl: Required"]],
    ["timeoutMs 0", { sandbox: { ...sandbox, timeoutMs: 0 } }, ["sandbox.timeoutMs: Number must be greater than 0"]],
    ["timeoutMs as a string", { sandbox: { ...sandbox, timeoutMs: "1000" } }, ["sandbox.timeoutMs: Expected number, received string"]],
    ["maxRetries 11", { sandbox: { ...sandbox, maxRetries: 11 } }, ["sandbox.maxRetries: Number must be less than or equal to 10"]],
    ["maxRetries -1", { sandbox: { ...sandbox, maxRetries: -1 } }, ["sandbox.maxRetries: Number must be greater than or equal to 0"]],
    ["an unknown top-level key", { sanbox: sandbox }, ["(options): Unrecognized key(s) in object: 'sanbox'"]],
    ["an unknown sandbox key", { sandbox: { ...sandbox, retries: 3 } }, ["sandbox: Unrecognized key(s) in object: 'retries'"]],
    ["a non-boolean enableUI", { enableUI: "yes" }, ["enableUI: Expected boolean, received string"]],
    ["listCountCap 0", { listCountCap: 0 }, ["listCountCap: Number must be greater than 0"]],
    ["listCountCap 2.5", { listCountCap: 2.5 }, ["listCountCap: Expected integer, received float"]],
    ["listCountCap as a string", { listCountCap: "10000" }, ["listCountCap: Expected number, received string"]],
    ["a sandbox that is not an object", { sandbox: "http://localhost" }, ["sandbox: Expected object, received string"]],
    ["options that are not an object", "sandbox", ["(options): Expected object, received string"]],
  ])("rejects %s", (_name, raw, issues) => {
    const err = optionsError(raw)
    expect(err).toBeInstanceOf(PluginOptionsError)
    expect(err).toBeInstanceOf(Error)
    expect(err.name).toBe("PluginOptionsError")
    expect(err.issues).toEqual(issues)
  })

  it("lists every problem with its path, one per line", () => {
    const err = optionsError({
      sandbox: { baseUrl: "nope", apiKey: "abc", timeoutMs: -5, extra: true },
      enableUI: 1,
      typo: true,
    })
    expect(err.issues).toEqual(
      expect.arrayContaining([
        "sandbox.baseUrl: must be an http(s) URL",
        "sandbox.apiKey: must be sk_test_… or sk_live_… (no spaces)",
        "sandbox.timeoutMs: Number must be greater than 0",
        "sandbox: Unrecognized key(s) in object: 'extra'",
        "enableUI: Expected boolean, received number",
        "(options): Unrecognized key(s) in object: 'typo'",
      ])
    )
    expect(err.issues).toHaveLength(6)
    expect(err.message).toBe(`medusa-plugin-captures: invalid options:\n  - ${err.issues.join("\n  - ")}`)
    for (const issue of err.issues) expect(err.message).toContain(`\n  - ${issue}`)
  })
})

describe("parsePluginOptions refuses URLs and keys that only look right", () => {
  it.each([
    [{ baseUrl: "ftp://gateway.test", apiKey: "sk_test_1" }, "sandbox.baseUrl: must be an http(s) URL"],
    [{ baseUrl: "localhost:4010", apiKey: "sk_test_1" }, "sandbox.baseUrl: must be an http(s) URL"],
    [{ baseUrl: "javascript:alert(1)", apiKey: "sk_test_1" }, "sandbox.baseUrl: must be an http(s) URL"],
    [{ baseUrl: "http://127.0.0.1:9911", apiKey: "sk_test_" }, "sandbox.apiKey: must be sk_test_… or sk_live_… (no spaces)"],
  ])("%j", (sandbox, issue) => {
    expect(() => parsePluginOptions({ sandbox })).toThrow(issue)
  })
})

describe("captureOnFor", () => {
  it.each([
    [{}, "captures-sandbox", "manual"],
    [{ captureOn: "shipment" }, "captures-sandbox", "shipment"],
    [{ captureOn: "shipment", sandbox: { ...sandbox, captureOn: "fulfillment" } }, "captures-sandbox", "fulfillment"],
    [{ captureOn: "fulfillment", sandbox: { ...sandbox, captureOn: "manual" } }, "captures-sandbox", "manual"],
    [{ captureOn: "fulfillment" }, "some-other-provider", "fulfillment"],
  ])("%j for %s → %s", (raw, provider, expected) => {
    expect(captureOnFor(parsePluginOptions(raw), provider)).toBe(expected)
  })

  it("refuses an unknown trigger, naming where", () => {
    expect(() => parsePluginOptions({ captureOn: "delivery" })).toThrow(/captureOn: Invalid enum value/)
    expect(() => parsePluginOptions({ sandbox: { ...sandbox, captureOn: "paid" } })).toThrow(/sandbox\.captureOn: Invalid enum value/)
  })
})

describe("refundOnCancel", () => {
  it("is off unless set to true, and only a boolean", () => {
    expect(parsePluginOptions({}).refundOnCancel).toBe(false)
    expect(parsePluginOptions({ refundOnCancel: true }).refundOnCancel).toBe(true)
    expect(() => parsePluginOptions({ refundOnCancel: "true" })).toThrow(/refundOnCancel/)
  })
})

describe("stripe options", () => {
  const stripe = { apiKey: "sk_test_51abc" }

  it("fills the defaults, with the pinned API version", () => {
    expect(parsePluginOptions({ stripe }).stripe).toEqual({
      apiKey: "sk_test_51abc",
      multicapture: false,
      apiVersion: "2026-10-28.endive",
      timeoutMs: 10_000,
      maxRetries: 2,
    })
  })

  it.each(["sk_test_1", "sk_live_1", "rk_test_1", "rk_live_1"])("takes the key %s", (apiKey) => {
    expect(parsePluginOptions({ stripe: { apiKey } }).stripe?.apiKey).toBe(apiKey)
  })

  it.each<[Record<string, unknown>, string]>([
    [{ apiKey: "pk_test_1" }, "stripe.apiKey: must be sk_test_…, sk_live_…, rk_test_… or rk_live_… (no spaces)"],
    [{ apiKey: "sk_test_1 2" }, "stripe.apiKey: must be sk_test_…, sk_live_…, rk_test_… or rk_live_… (no spaces)"],
    [{ ...stripe, webhookSecret: "secret" }, "stripe.webhookSecret: must be whsec_… (no spaces)"],
    [{ ...stripe, apiVersion: "2024-06-20" }, "stripe.apiVersion: must be 2026-10-28.endive, the version this plugin is built for"],
    [{ ...stripe, baseUrl: "ftp://x" }, "stripe.baseUrl: must be an http(s) URL"],
    [{ ...stripe, multicapture: "yes" }, "stripe.multicapture: Expected boolean, received string"],
    [{ ...stripe, secret: 1 }, "stripe: Unrecognized key(s) in object: 'secret'"],
  ])("refuses %j in one line", (raw, issue) => {
    const err = optionsError({ stripe: raw })
    expect(err.issues).toEqual([issue])
  })

  it("captures on its own trigger", () => {
    expect(captureOnFor(parsePluginOptions({ captureOn: "shipment", stripe: { ...stripe, captureOn: "fulfillment" } }), "stripe-captures")).toBe("fulfillment")
  })
})
