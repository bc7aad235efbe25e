/**
 * Runs one bad-input case and judges it:
 * - never a 5xx (nor a 3xx);
 * - without valid admin credentials on an admin route: 401, whatever else is wrong;
 * - every other 4xx has a `message` that names the problem (oracle.ts);
 * - what must be refused is refused; an accepted answer says what was asked;
 * - a refused request leaves the ledger, the payments, the orders and Medusa's
 *   refunds exactly as they were (the one documented exception: a gateway's
 *   decline is recorded as a failed capture, answered 422);
 * - after an accepted request that writes, the money invariants hold.
 */
import { clip } from "./json"
import type { RawClient, RawResponse } from "./http"
import { fingerprintDiff, sameFingerprint, type Fingerprint, type LedgerProbe } from "./ledger"
import type { Case } from "./routes"
import { describeRequest } from "./routes"

export type Verdict = { violations: string[]; response?: RawResponse }

export class BadInputHarness {
  readonly counts = new Map<string, number>()
  readonly statuses = new Map<string, Map<number, number>>()
  private baseline: Fingerprint | undefined

  constructor(private readonly client: RawClient, private readonly ledger: LedgerProbe) {}

  async run(c: Case): Promise<Verdict> {
    this.counts.set(c.route, (this.counts.get(c.route) ?? 0) + 1)
    if (!this.baseline) this.baseline = await this.ledger.settle()
    let res: RawResponse
    try {
      res = await this.client.send(c.request)
    } catch (err) {
      this.baseline = await this.ledger.settle()
      return { violations: [`no answer: ${(err as Error).message}`] }
    }
    const byStatus = this.statuses.get(c.route) ?? new Map<number, number>()
    byStatus.set(res.status, (byStatus.get(res.status) ?? 0) + 1)
    this.statuses.set(c.route, byStatus)

    const violations = judge(c, res)
    const after = await this.ledger.fingerprint()
    const changed = !sameFingerprint(this.baseline, after)
    const accepted = res.status >= 200 && res.status < 300
    const declined = c.expect.declineAllowed && res.status === 422 && res.json?.type === "payment_authorization_error"
    if (changed && !accepted && !declined) {
      violations.push(`the database changed although the request was refused (${res.status}): ${fingerprintDiff(this.baseline, after)}`)
    }
    if (changed && accepted && !c.expect.mutates) {
      violations.push(`the database changed on a request that has nothing to change: ${fingerprintDiff(this.baseline, after)}`)
    }
    const wrote = (accepted && c.expect.mutates) || declined
    if (changed || wrote) {
      try {
        this.baseline = await this.ledger.settle()
      } catch (err) {
        violations.push(`after this request ${(err as Error).message}`)
        this.baseline = await this.ledger.fingerprint()
      }
      if (wrote) violations.push(...(await this.ledger.invariantViolations()).map((v) => `invariant broken: ${v}`))
    }
    return { violations, response: res }
  }
}

export function judge(c: Case, res: RawResponse): string[] {
  const v: string[] = []
  const s = res.status
  const e = c.expect
  if (s >= 500) v.push(`answered ${s}`)
  else if (s >= 300 && s < 400) v.push(`answered ${s}`)
  if (e.auth) {
    // A path that does not decode is refused while routing, before credentials are looked at.
    const early = e.reject.filter((p) => p.beforeAuth)
    const earlyRefusal = s >= 400 && s < 500 && early.some((p) => p.names.test(String(res.json?.message ?? "")))
    if (s !== 401 && !earlyRefusal) v.push(`answered ${s}, not 401, to ${e.auth}`)
    return v
  }
  if (s === 401 || s === 403) v.push(`answered ${s} to a request with valid admin credentials (or to a route without auth)`)
  if (s >= 400 && s < 500 && s !== 401) {
    const message = res.json?.message
    if (typeof message !== "string" || !message.trim()) v.push(`a ${s} without a message`)
    else {
      const problems = e.reject.length ? [...e.reject, ...e.maybe] : [...e.maybe, ...e.business]
      if (problems.length === 0) v.push(`refused a request with nothing wrong with it`)
      else if (!problems.some((p) => p.names.test(message))) {
        v.push(`the message names none of the problems (${problems.map((p) => p.what).join("; ")})`)
      }
    }
  }
  if (s >= 200 && s < 300) {
    if (e.reject.length) v.push(`accepted although ${e.reject.map((p) => p.what).join("; ")}`)
    else if (e.accepted) v.push(...e.accepted(res.json).map((x) => `accepted, but ${x}`))
  }
  return v
}

export function report(c: Case, verdict: Verdict): string {
  const r = verdict.response
  const answer = r ? `→ ${r.status} ${clip(r.text, 500)}` : "→ no answer"
  return `${c.route}\n  ${describeRequest(c)}\n  ${answer}\n  violations:\n    - ${verdict.violations.join("\n    - ")}`
}
