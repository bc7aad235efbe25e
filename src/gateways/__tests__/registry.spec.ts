import { parsePluginOptions } from "../../types/options"
import { CLOVER_PROVIDER_ID, GatewayRegistry, MOLLIE_PROVIDER_ID, SANDBOX_PROVIDER_ID, STRIPE_PROVIDER_ID, isSingleCapture } from "../registry"

const mollie = { apiKey: "test_abcdefghijklmnopqrstuvwxyz12", redirectUrl: "https://shop.test/done" }

function registry(options: Record<string, unknown>) {
  return new GatewayRegistry(parsePluginOptions(options))
}

describe("GatewayRegistry: which gateways take one capture per authorization", () => {
  it("treats Mollie as single-capture unless the account has multiple captures enabled", () => {
    // Mollie's default: a partial capture releases the rest, so the ledger must not offer more.
    expect(registry({ mollie }).get(MOLLIE_PROVIDER_ID)?.singleCapture).toBe(true)
    expect(registry({ mollie: { ...mollie, multipleCaptures: false } }).get(MOLLIE_PROVIDER_ID)?.singleCapture).toBe(true)
    expect(registry({ mollie: { ...mollie, multipleCaptures: true } }).get(MOLLIE_PROVIDER_ID)?.singleCapture).toBe(false)
  })

  it("always treats Clover as single-capture and the sandbox gateway as multi-capture", () => {
    const r = registry({
      clover: { privateKey: "clover-private-key" },
      sandbox: { baseUrl: "http://127.0.0.1:9911", apiKey: "sk_test_x" },
    })
    expect(r.get(CLOVER_PROVIDER_ID)?.singleCapture).toBe(true)
    expect(r.get(SANDBOX_PROVIDER_ID)?.singleCapture).toBeFalsy()
  })

  it("decides Stripe per payment: multi-capture only where the card allows it", () => {
    const stripe = registry({ stripe: { apiKey: "sk_test_x", multicapture: true } }).get(STRIPE_PROVIDER_ID)
    expect(stripe?.mode).toBe("test")
    expect(isSingleCapture(stripe, { multicapture: "available" })).toBe(false)
    expect(isSingleCapture(stripe, { multicapture: "unavailable" })).toBe(true)
    expect(isSingleCapture(stripe, {})).toBe(true)
    expect(isSingleCapture(stripe, null)).toBe(true)
    expect(registry({ stripe: { apiKey: "rk_live_x" } }).get(STRIPE_PROVIDER_ID)?.mode).toBe("live")
  })

  it("refuses a non-boolean multipleCaptures, naming it", () => {
    expect(() => registry({ mollie: { ...mollie, multipleCaptures: "yes" } })).toThrow(/mollie\.multipleCaptures: Expected boolean/)
  })
})
