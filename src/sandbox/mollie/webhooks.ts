/**
 * Webhook calls of the Mollie simulator, as Mollie makes them (docs/gateways/mollie.md#webhooks): a POST to the
 * payment's `webhookUrl` with `Content-Type: application/x-www-form-urlencoded`, body
 * `id=tr_…` only (unsigned; the receiver must fetch the payment), `User-Agent: Mollie HTTP
 * client/1.0`. A non-2xx answer or no answer is retried (`webhookAttempts`, spaced
 * `webhookRetryDelayMs`). Every delivery is logged for `GET /__control/webhooks`.
 *
 * Duplicate and out-of-order delivery, which real webhooks do and the plugin must shrug off:
 * `replay` resends the last webhook of a payment; with `holdWebhooks` deliveries are queued and
 * `flush("reverse")` sends them newest first.
 */
import type { MollieSandboxConfig, PaymentRecord, WebhookEvent } from "./state"
import { mollieId } from "./state"
import { isoTime } from "./render"

export type WebhookAttempt = { at: string; status?: number; error?: string; durationMs: number }

export type WebhookDelivery = {
  id: string
  paymentId: string
  url: string
  /** What triggered it, e.g. `capture.succeeded`; a replay repeats the original's event. */
  event: WebhookEvent
  /** Set on a replayed delivery: the id of the delivery it repeats. */
  replayOf?: string
  state: "held" | "delivering" | "delivered" | "failed"
  attempts: WebhookAttempt[]
  createdAt: string
}

export type WebhookDispatcherOptions = {
  config: () => MollieSandboxConfig
  /** Timer-backed sleep that the server's close() cancels. */
  sleep: (ms: number) => Promise<void>
  /** Aborted on close(): in-flight calls stop. */
  signal: AbortSignal
  fetch?: typeof fetch
}

export const WEBHOOK_USER_AGENT = "Mollie HTTP client/1.0"

export class WebhookDispatcher {
  readonly log: WebhookDelivery[] = []
  private held: WebhookDelivery[] = []
  private readonly inFlight = new Set<Promise<void>>()
  private readonly fetch: typeof fetch

  constructor(private readonly opts: WebhookDispatcherOptions) {
    this.fetch = opts.fetch ?? fetch
  }

  /** A status change happened: call the payment's webhook (or hold the call). */
  notify(payment: PaymentRecord, event: WebhookEvent): void {
    if (!payment.webhookUrl) return
    const delivery = this.create(payment.id, payment.webhookUrl, event)
    if (this.opts.config().holdWebhooks) {
      delivery.state = "held"
      this.held.push(delivery)
      return
    }
    void this.track(this.deliver(delivery))
  }

  /** Sends the last webhook of the payment again (a duplicate delivery); resolves when done. */
  async replay(paymentId: string): Promise<WebhookDelivery | undefined> {
    const last = [...this.log].reverse().find((d) => d.paymentId === paymentId)
    if (!last) return undefined
    const delivery = this.create(paymentId, last.url, last.event)
    delivery.replayOf = last.id
    await this.track(this.deliver(delivery))
    return delivery
  }

  /** Sends the held deliveries one after the other, oldest or newest first; resolves when done. */
  async flush(order: "fifo" | "reverse" = "fifo"): Promise<WebhookDelivery[]> {
    const batch = order === "reverse" ? [...this.held].reverse() : [...this.held]
    this.held = []
    for (const delivery of batch) await this.track(this.deliver(delivery))
    return batch
  }

  get heldCount(): number {
    return this.held.length
  }

  /** Resolves once no delivery is in progress (tests wait on it). */
  async idle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight])
  }

  reset(): void {
    this.log.length = 0
    this.held = []
  }

  private create(paymentId: string, url: string, event: WebhookEvent): WebhookDelivery {
    const delivery: WebhookDelivery = {
      id: mollieId("whk_"),
      paymentId,
      url,
      event,
      state: "delivering",
      attempts: [],
      createdAt: isoTime(Date.now()),
    }
    this.log.push(delivery)
    return delivery
  }

  private track(work: Promise<void>): Promise<void> {
    this.inFlight.add(work)
    return work.finally(() => this.inFlight.delete(work))
  }

  private async deliver(delivery: WebhookDelivery): Promise<void> {
    delivery.state = "delivering"
    const config = this.opts.config()
    for (let attempt = 0; attempt < Math.max(1, config.webhookAttempts); attempt++) {
      if (attempt > 0) await this.opts.sleep(config.webhookRetryDelayMs)
      if (this.opts.signal.aborted) break
      const started = Date.now()
      // Our close() or the per-call timeout, whichever comes first (the TS DOM lib lacks AbortSignal.any).
      const abort = new AbortController()
      const stop = (): void => abort.abort()
      const timer = setTimeout(stop, config.webhookTimeoutMs)
      this.opts.signal.addEventListener("abort", stop, { once: true })
      try {
        const res = await this.fetch(delivery.url, {
          method: "POST",
          headers: { "Content-Type": "application/x-www-form-urlencoded", "User-Agent": WEBHOOK_USER_AGENT },
          body: new URLSearchParams({ id: delivery.paymentId }).toString(),
          redirect: "manual",
          signal: abort.signal,
        })
        await res.arrayBuffer().catch(() => undefined)
        delivery.attempts.push({ at: isoTime(started), status: res.status, durationMs: Date.now() - started })
        if (res.ok) {
          delivery.state = "delivered"
          return
        }
      } catch (err) {
        const name = err instanceof Error ? err.name : "Error"
        delivery.attempts.push({ at: isoTime(started), error: name, durationMs: Date.now() - started })
      } finally {
        clearTimeout(timer)
        this.opts.signal.removeEventListener("abort", stop)
      }
    }
    delivery.state = "failed"
  }
}
