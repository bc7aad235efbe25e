/**
 * Webhook deliveries of the Stripe simulator (docs/gateways/stripe.md#webhooks): every event is
 * POSTed to each configured endpoint as JSON (`Content-Type: application/json; charset=utf-8`,
 * `User-Agent: Stripe/1.0 (+https://stripe.com/docs/webhooks)`), signed in `Stripe-Signature`
 * (signature.ts) at the moment of each attempt. A non-2xx answer or none is retried
 * (`webhookAttempts`, spaced `webhookRetryDelayMs`); a 2xx lowers the event's `pending_webhooks`.
 *
 * For the receiver's tests: Stripe "doesn't guarantee delivery of events in the order in which
 * they're generated" and may deliver an event more than once. `holdWebhooks` + `flush("reverse")`
 * delivers out of order, `replay` delivers a duplicate, and `webhookSignature` (or a replay's
 * `signature`) signs with a wrong secret or a stale timestamp, which a verifying receiver refuses.
 */
import { webhookUrls, type StripeSandboxConfig, type WebhookSignature } from "./config"
import { stripeId } from "./ids"
import { renderEvent } from "./render"
import { signatureHeader, SIGNATURE_HEADER, STALE_SIGNATURE_AGE_SECONDS } from "./signature"
import type { EventRecord } from "./state"

export const WEBHOOK_USER_AGENT = "Stripe/1.0 (+https://stripe.com/docs/webhooks)"

export type WebhookAttempt = { at: number; status?: number; error?: string; durationMs: number }

export type WebhookDelivery = {
  id: string
  eventId: string
  type: string
  url: string
  signature: WebhookSignature
  /** Set on a replayed delivery: the id of the delivery it repeats. */
  replayOf?: string
  state: "held" | "delivering" | "delivered" | "failed"
  attempts: WebhookAttempt[]
}

export type WebhookDispatcherOptions = {
  config: () => StripeSandboxConfig
  /** Timer-backed sleep that the server's close() cancels. */
  sleep: (ms: number) => Promise<void>
  /** Aborted on close(): calls under way stop. */
  signal: AbortSignal
  fetch?: typeof fetch
}

type Job = { delivery: WebhookDelivery; event: EventRecord }

export class WebhookDispatcher {
  readonly log: WebhookDelivery[] = []
  private held: Job[] = []
  /** The events delivered, by id, for replays. */
  private readonly events = new Map<string, EventRecord>()
  private readonly inFlight = new Set<Promise<void>>()
  private readonly fetch: typeof fetch

  constructor(private readonly opts: WebhookDispatcherOptions) {
    this.fetch = opts.fetch ?? fetch
  }

  /** An event happened: deliver it to every endpoint (or hold it). */
  notify(event: EventRecord): void {
    const config = this.opts.config()
    for (const url of webhookUrls(config)) {
      const job = { delivery: this.create(event, url, config.webhookSignature), event }
      if (config.holdWebhooks) {
        job.delivery.state = "held"
        this.held.push(job)
      } else {
        void this.track(this.deliver(job))
      }
    }
  }

  /**
   * Delivers an event again (by id; default: the last event delivered) to the endpoints it went
   * to, signed as it was or as `signature` says; resolves when done.
   */
  async replay(eventId?: string, signature?: WebhookSignature): Promise<WebhookDelivery[]> {
    const originals = this.log.filter((d) => d.replayOf === undefined)
    const target = eventId ?? originals[originals.length - 1]?.eventId
    const event = target === undefined ? undefined : this.events.get(target)
    if (!event) return []
    const jobs = originals
      .filter((d) => d.eventId === event.id)
      .map((original) => {
        const delivery = this.create(event, original.url, signature ?? original.signature)
        delivery.replayOf = original.id
        return { delivery, event }
      })
    await Promise.all(jobs.map((job) => this.track(this.deliver(job))))
    return jobs.map((j) => j.delivery)
  }

  /** Sends the held deliveries one after the other, oldest or newest first; resolves when done. */
  async flush(order: "fifo" | "reverse" = "fifo"): Promise<WebhookDelivery[]> {
    const batch = order === "reverse" ? [...this.held].reverse() : [...this.held]
    this.held = []
    for (const job of batch) await this.track(this.deliver(job))
    return batch.map((j) => j.delivery)
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
    this.events.clear()
  }

  private create(event: EventRecord, url: string, signature: WebhookSignature): WebhookDelivery {
    this.events.set(event.id, event)
    const delivery: WebhookDelivery = { id: stripeId("whd_"), eventId: event.id, type: event.type, url, signature, state: "delivering", attempts: [] }
    this.log.push(delivery)
    return delivery
  }

  private track(work: Promise<void>): Promise<void> {
    this.inFlight.add(work)
    return work.finally(() => this.inFlight.delete(work))
  }

  private headersFor(payload: string, signature: WebhookSignature, config: StripeSandboxConfig): Record<string, string> {
    const now = Math.floor(Date.now() / 1000)
    const secret = signature === "wrong_secret" ? `${config.webhookSecret}_not_the_endpoint_secret` : config.webhookSecret
    const timestamp = signature === "stale" ? now - STALE_SIGNATURE_AGE_SECONDS : now
    return {
      "Content-Type": "application/json; charset=utf-8",
      "User-Agent": WEBHOOK_USER_AGENT,
      [SIGNATURE_HEADER]: signatureHeader(payload, secret, timestamp),
    }
  }

  private async deliver({ delivery, event }: Job): Promise<void> {
    delivery.state = "delivering"
    const config = this.opts.config()
    for (let attempt = 0; attempt < Math.max(1, config.webhookAttempts); attempt++) {
      if (attempt > 0) await this.opts.sleep(config.webhookRetryDelayMs)
      if (this.opts.signal.aborted) break
      const started = Date.now()
      const payload = JSON.stringify(renderEvent(event), null, 2)
      // Our close() or the per-call timeout, whichever comes first.
      const abort = new AbortController()
      const stop = (): void => abort.abort()
      const timer = setTimeout(stop, config.webhookTimeoutMs)
      this.opts.signal.addEventListener("abort", stop, { once: true })
      try {
        const res = await this.fetch(delivery.url, {
          method: "POST",
          headers: this.headersFor(payload, delivery.signature, config),
          body: payload,
          redirect: "manual",
          signal: abort.signal,
        })
        await res.arrayBuffer().catch(() => undefined)
        delivery.attempts.push({ at: started, status: res.status, durationMs: Date.now() - started })
        if (res.ok) {
          delivery.state = "delivered"
          if (delivery.replayOf === undefined) event.pendingWebhooks = Math.max(0, event.pendingWebhooks - 1)
          return
        }
      } catch (err) {
        delivery.attempts.push({ at: started, error: err instanceof Error ? err.name : "Error", durationMs: Date.now() - started })
      } finally {
        clearTimeout(timer)
        this.opts.signal.removeEventListener("abort", stop)
      }
    }
    delivery.state = "failed"
  }
}
