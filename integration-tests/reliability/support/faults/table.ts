/** The summary table the fault suite prints at the end. */
import type { CaseResult } from "./runner"

export function formatTable(results: readonly CaseResult[]): string {
  const header = [
    "gateway",
    "fault",
    "ops",
    "faulted",
    "ok",
    "pending",
    "unresolved",
    "failed",
    "refused",
    "final ok/failed/open",
    "recorded",
    "violations",
    "secs",
  ]
  const rows = results.map((r) => [
    r.gateway,
    r.fault,
    String(r.ops),
    String(r.faulted),
    String(r.outcomes.succeeded),
    String(r.outcomes.pending),
    String(r.outcomes.unresolved),
    String(r.outcomes.failed),
    String(r.outcomes.refused + r.outcomes.conflict + r.outcomes.error),
    `${r.final.succeeded}/${r.final.failed}/${r.final.unsettled}${r.leftToPerson ? ` (${r.leftToPerson} to a person)` : ""}`,
    String(r.recorded),
    String(r.violations.length),
    r.seconds.toFixed(1),
  ])
  const total = results.reduce(
    (t, r) => ({ ops: t.ops + r.ops, faulted: t.faulted + r.faulted, violations: t.violations + r.violations.length }),
    { ops: 0, faulted: 0, violations: 0 }
  )
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)))
  const line = (cells: string[]): string => cells.map((c, i) => (i < 2 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join("  ")
  const out = [
    line(header),
    widths.map((w) => "-".repeat(w)).join("  "),
    ...rows.map(line),
    "",
    `${results.length} cases, ${total.ops} operations (${total.faulted} faulted), ${total.violations} violations`,
    "ok/pending/unresolved/failed: the admin route's answer (201 succeeded, 201 pending, 202 outcome unknown, 422);",
    "refused: 400/409/5xx answers; final: ledger rows after reconciliation (succeeded/failed/still requested or pending;",
    "  'to a person': Clover showed the charge captured without its amount, the capture is left requested and checked as a person would settle it).",
  ]
  for (const r of results) {
    for (const v of r.violations.slice(0, 20)) out.push(`  ! ${r.gateway}/${r.fault} [${v.kind}] ${v.detail}`)
    if (r.violations.length > 20) out.push(`  ! ${r.gateway}/${r.fault}: ${r.violations.length - 20} more`)
  }
  return out.join("\n")
}
