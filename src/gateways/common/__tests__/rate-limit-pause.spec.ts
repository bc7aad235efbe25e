import { GatewayError } from "../../gateway"
import { rateLimitPause } from "../retry-policy"

const limited = (retryAfterMs?: number) => new GatewayError({ type: "rate_limit_error", code: "rate_limit", message: "slow down", retryable: true, retryAfterMs })
const settings = { rateLimitPauseMs: 1000, maxRetryAfterMs: 30_000 }

describe("rateLimitPause: Clover's 'pause one second, then back off exponentially'", () => {
  it.each([
    [1, 1000],
    [2, 2000],
    [3, 4000],
    [5, 16_000],
    [6, 30_000],
    [12, 30_000],
  ])("attempt %i after a 429 without Retry-After waits %i ms", (attempt, ms) => {
    expect(rateLimitPause(settings, limited(), attempt)).toBe(ms)
  })

  it("attempt 0 (never reached by cockatiel) waits the first pause, not less", () => {
    expect(rateLimitPause(settings, limited(), 0)).toBe(1000)
  })

  it("leaves the wait to Retry-After when the 429 names one, and to the backoff for other failures or without a documented pause", () => {
    expect(rateLimitPause(settings, limited(250), 1)).toBeUndefined()
    expect(rateLimitPause(settings, new GatewayError({ type: "api_error", message: "503", retryable: true }), 1)).toBeUndefined()
    expect(rateLimitPause(settings, new Error("not a gateway error"), 1)).toBeUndefined()
    expect(rateLimitPause({ maxRetryAfterMs: 30_000 }, limited(), 1)).toBeUndefined()
  })
})
