import { randomUUID } from "node:crypto"

/**
 * Webhooks for one payment, coalesced into few refreshes (the MollieWebhook operation in docs/openapi.yaml).
 *
 * Mollie's webhook is unsigned and a payment's `tr_…` id is seen by its shopper, so anyone can
 * call it as often as they like. Each call used to ask Mollie about every unsettled capture
 * and refund of the payment; now:
 *
 * - at most one refresh per payment is under way at a time, and a refresh starts at the
 *   earliest `minIntervalMs` after the previous one started, across every server on the
 *   database: the table `capture_webhook_refresh` (migration 1796800000000) holds one row per
 *   payment, and a refresh starts only by a conditional UPDATE of it that takes a lease
 *   (lease free or expired, interval over). The lease ends when the refresh does; one that a
 *   crashed server never gave back expires after `leaseMs`;
 * - a webhook that cannot start a refresh is answered at once, after setting
 *   `refresh_requested` on the row. Whoever holds the lease sees the flag when it gives the
 *   lease back, and the server that received the webhook keeps trying too (one waiting loop
 *   per payment and server), so exactly one more refresh starts after it, once the interval
 *   is over: a change that happened at Mollie while a refresh was reading is never missed.
 *   Starting a refresh clears the flag, so the webhooks it covers cause nothing more;
 * - in memory, a server that already has that loop for the payment answers further webhooks
 *   without touching the database at all (they are counted into the next refresh).
 *
 * The webhook that starts a refresh waits for it, so that a failure to reach Mollie is
 * answered with a 5xx and Mollie calls again; the others get 200 at once. A failed refresh
 * counts for the interval too: a Mollie that answers 429 or 5xx is not asked faster because
 * webhooks keep coming.
 */

/** Refreshes of one payment start at least this far apart (all servers together). */
export const WEBHOOK_MIN_INTERVAL_MS = 1000
/**
 * A refresh's lease. A refresh starts no lookup after 30 s (webhook-refresh.ts), so only a
 * crashed server's lease, or one whose last lookup hangs through every retry, runs out; two
 * refreshes overlapping then is harmless (outcomes only move rows forward), just not coalesced.
 */
export const WEBHOOK_LEASE_MS = 120_000

/** The few statements the coalescing needs; TypeORM's `manager.query` (SELECTs and INSERTs answer rows) or a pg pool. */
export type Queryable = { query(sql: string, params?: unknown[]): Promise<Array<Record<string, unknown>>> }

export type WebhookReceipt = {
  /** The payment is one of this store's (false: nothing was done). */
  known: boolean
  /** Rows this webhook's own refresh moved on (0 when it was coalesced). */
  settled: number
  /** Answered without a refresh of its own: one under way or scheduled covers it. */
  coalesced: boolean
}

/** What the coalescing hands a refresh: the payment and how many webhooks it answers. */
export type RefreshTurn = { paymentId: string; webhooks: number }

type Entry = {
  /** undefined while the payment is being looked up; null: not a payment of this store. */
  paymentId: string | null | undefined
  /** A webhook came that the loop has not yet marked in the database. */
  again: boolean
  /** How many. */
  received: number
}

type Logger = { warn(msg: string): void }

const ms = (param: string) => `(${param}::int * interval '1 millisecond')`

/** Marks that a refresh is wanted, counting the webhooks (one row per payment, upserted). */
const MARK = `
  INSERT INTO capture_webhook_refresh AS r (payment_id, refresh_requested, webhooks_waiting, webhooks_received, last_received_at)
  VALUES ($1, true, $2::bigint, $2::bigint, clock_timestamp())
  ON CONFLICT (payment_id) DO UPDATE
     SET refresh_requested = true,
         webhooks_waiting = r.webhooks_waiting + EXCLUDED.webhooks_waiting,
         webhooks_received = r.webhooks_received + EXCLUDED.webhooks_received,
         last_received_at = EXCLUDED.last_received_at
  RETURNING payment_id`

/**
 * Takes the lease when a refresh is wanted, none is under way and the interval is over (one
 * conditional UPDATE: of concurrent callers on any server, one wins). `covered` is non-null
 * for the winner; the others learn whether a refresh is still wanted and how long to wait.
 * (An UPDATE inside a CTE, so that TypeORM answers plain rows.)
 */
const CLAIM = `
  WITH claimed AS (
    UPDATE capture_webhook_refresh
       SET refresh_requested = false,
           webhooks_covered = webhooks_waiting,
           webhooks_waiting = 0,
           lease_owner = $2,
           lease_until = clock_timestamp() + ${ms("$3")},
           refresh_started_at = clock_timestamp()
     WHERE payment_id = $1
       AND refresh_requested
       AND (lease_until IS NULL OR lease_until <= clock_timestamp())
       AND (refresh_started_at IS NULL OR refresh_started_at <= clock_timestamp() - ${ms("$4")})
    RETURNING webhooks_covered
  )
  SELECT c.webhooks_covered AS covered,
         r.refresh_requested AS requested,
         COALESCE(r.lease_until > clock_timestamp(), false) AS leased,
         GREATEST(0, CEIL(EXTRACT(EPOCH FROM (r.refresh_started_at + ${ms("$4")} - clock_timestamp())) * 1000))::int AS wait_ms
    FROM capture_webhook_refresh r LEFT JOIN claimed c ON true
   WHERE r.payment_id = $1`

/** Gives the lease back; answers whether a webhook asked for another refresh meanwhile. */
const RELEASE = `
  WITH released AS (
    UPDATE capture_webhook_refresh
       SET lease_owner = NULL, lease_until = NULL, refresh_finished_at = clock_timestamp()
     WHERE payment_id = $1 AND lease_owner = $2
    RETURNING refresh_requested, refresh_started_at
  )
  SELECT refresh_requested AS requested,
         GREATEST(0, CEIL(EXTRACT(EPOCH FROM (refresh_started_at + ${ms("$3")} - clock_timestamp())) * 1000))::int AS wait_ms
    FROM released`

const sleep = (delay: number) =>
  new Promise<void>((resolve) => {
    // unref: a waiting loop never keeps a stopping server alive (the reconciler covers what it would have done).
    setTimeout(resolve, delay).unref()
  })

export class WebhookCoalescer {
  /** Payments this process has a loop for, by the webhook's key (provider and payment reference). */
  private readonly loops = new Map<string, Entry>()
  private readonly minIntervalMs: number
  private readonly leaseMs: number

  constructor(
    private readonly db: Queryable,
    private readonly opts: { minIntervalMs?: number; leaseMs?: number; logger?: Logger } = {}
  ) {
    this.minIntervalMs = opts.minIntervalMs ?? WEBHOOK_MIN_INTERVAL_MS
    this.leaseMs = opts.leaseMs ?? WEBHOOK_LEASE_MS
  }

  /** Payments with a loop in this process (tests; a loop ends once no refresh is wanted). */
  get busy(): number {
    return this.loops.size
  }

  /**
   * One webhook. `find` names the payment (null: not ours); `refresh` asks the gateway and
   * answers how many rows it moved on. Resolves when this webhook's own refresh is done, or at
   * once when a refresh under way or to come covers it; rejects when its own refresh failed.
   */
  receive(
    key: string,
    find: () => Promise<string | null>,
    refresh: (turn: RefreshTurn) => Promise<number>
  ): Promise<WebhookReceipt> {
    const running = this.loops.get(key)
    if (running) {
      running.again = true
      running.received += 1
      return Promise.resolve({ known: running.paymentId !== null, settled: 0, coalesced: true })
    }
    // Registered before the first await, so concurrent webhooks for the payment join this loop.
    const entry: Entry = { paymentId: undefined, again: true, received: 1 }
    this.loops.set(key, entry)
    return new Promise((resolve, reject) => {
      void this.loop(key, entry, find, refresh, { resolve, reject })
    })
  }

  private async loop(
    key: string,
    entry: Entry,
    find: () => Promise<string | null>,
    refresh: (turn: RefreshTurn) => Promise<number>,
    answer: { resolve(receipt: WebhookReceipt): void; reject(err: unknown): void }
  ): Promise<void> {
    let answered = false
    const reply = (receipt: WebhookReceipt | null, err?: unknown) => {
      if (answered) {
        if (err) this.opts.logger?.warn(`captures: webhook refresh of ${key}: ${err instanceof Error ? err.message : String(err)}`)
        return
      }
      answered = true
      if (receipt) answer.resolve(receipt)
      else answer.reject(err)
    }
    try {
      const paymentId = await find()
      entry.paymentId = paymentId
      if (!paymentId) {
        reply({ known: false, settled: 0, coalesced: false })
        return
      }
      for (;;) {
        const received = entry.received
        entry.received = 0
        entry.again = false
        if (received > 0) await this.db.query(MARK, [paymentId, received])
        // A token per lease, so that only this refresh gives it back.
        const owner = `${process.pid}:${randomUUID()}`
        const [turn] = await this.db.query(CLAIM, [paymentId, owner, this.leaseMs, this.minIntervalMs])
        if (!turn) {
          // The row is gone with its payment: nothing to refresh.
          reply({ known: false, settled: 0, coalesced: false })
          return
        }
        let waitMs: number
        if (turn.covered !== null && turn.covered !== undefined) {
          let settled = 0
          let failure: unknown
          try {
            settled = await refresh({ paymentId, webhooks: Number(turn.covered) })
          } catch (err) {
            failure = err
          }
          const [after] = await this.db.query(RELEASE, [paymentId, owner, this.minIntervalMs])
          if (failure) reply(null, failure)
          else reply({ known: true, settled, coalesced: false })
          // No row: the lease ran out and someone else took it; that refresh covers what came before.
          if (!after?.requested && !entry.again) return
          waitMs = Number(after?.wait_ms ?? 0)
        } else {
          reply({ known: true, settled: 0, coalesced: true })
          // Not wanted any more: a refresh started after our mark (ours or another server's) covers it.
          if (!turn.requested && !entry.again) return
          // Under way elsewhere: its holder sees the flag when done; we look again each interval
          // in case that server died (its lease then runs out).
          waitMs = turn.leased ? this.minIntervalMs : Number(turn.wait_ms ?? 0)
        }
        await sleep(Math.max(10, waitMs))
      }
    } catch (err) {
      reply(null, err)
    } finally {
      // Synchronously after the last check of `entry.again`: a later webhook starts a new loop.
      this.loops.delete(key)
    }
  }
}
