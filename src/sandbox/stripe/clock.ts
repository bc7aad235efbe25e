/**
 * The simulator's clock: real time plus an offset that `POST /__control/clock` moves forward, so a
 * test can reach an authorization's `capture_before` without waiting seven days. Object times
 * (`created`, `capture_before`, `canceled_at`) use it; webhook signatures use real time, because
 * the receiver compares them with its own clock.
 */
export class SimClock {
  private offsetMs = 0

  nowMs(): number {
    return Date.now() + this.offsetMs
  }

  /** Unix seconds, as Stripe writes every timestamp. */
  nowSeconds(): number {
    return Math.floor(this.nowMs() / 1000)
  }

  advance(seconds: number): void {
    this.offsetMs += seconds * 1000
  }

  get offsetSeconds(): number {
    return this.offsetMs / 1000
  }

  reset(): void {
    this.offsetMs = 0
  }
}
