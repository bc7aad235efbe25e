/**
 * Pure decisions the widget makes: what an operator may do with a capture, how a typed
 * amount becomes integer minor units, and what to say when a request fails. Kept free of
 * React and I/O so they are unit-tested (lib/__tests__) and the components stay thin.
 */
import { formatMoney, fromDecimalString } from "../../domain/money"
import type { CaptureView, PaymentSummaryView, TotalsView } from "./types"

/** A succeeded capture with money left on it can be refunded. */
export function canRefund(capture: CaptureView): boolean {
  return capture.status === "succeeded" && capture.refund_balance > 0
}

/** Only an unsettled capture has anything to reconcile with the gateway. */
export function canReconcile(capture: CaptureView): boolean {
  return capture.status === "requested" || capture.status === "pending"
}

/** A declined capture can be tried again for the same amount (and fulfillment). */
export function canRetry(capture: CaptureView): boolean {
  return capture.status === "failed"
}

export type AmountInput = { ok: true; amount: number | undefined } | { ok: false; error: string }

/**
 * Operators type major units ("25.50"); the API takes minor units. Empty means "all of it"
 * (the route then takes everything capturable or refundable). Amounts above `max` are
 * refused here so the operator sees the limit before a round trip; the server checks again.
 */
export function parseAmountInput(raw: string, currency: string, max: number): AmountInput {
  const text = raw.trim().replace(",", ".")
  if (text === "") return max > 0 ? { ok: true, amount: undefined } : { ok: false, error: "Nothing left to take." }
  let amount: number
  try {
    amount = fromDecimalString(text, currency)
  } catch (err) {
    return { ok: false, error: `Amount ${(err as Error).message.replace(/^amount:?\s*/, "")}` }
  }
  if (amount <= 0) return { ok: false, error: "Amount must be greater than 0." }
  if (amount > max) {
    return { ok: false, error: `Amount exceeds the ${formatAmount(max, currency)} available.` }
  }
  return { ok: true, amount }
}

/** The payment the capture form acts on: the first with something left to capture. */
export function capturablePayment(payments: PaymentSummaryView[]): PaymentSummaryView | undefined {
  return payments.find((p) => p.totals.capturable > 0)
}

/** `optional`: shown only when not 0 (authorized beyond what an edited order owes). */
export type TotalCell = { key: keyof TotalsView; label: string; optional?: boolean }

export const TOTAL_CELLS: TotalCell[] = [
  { key: "authorized", label: "Authorized" },
  { key: "captured", label: "Captured" },
  { key: "pending", label: "Pending" },
  { key: "refunded", label: "Refunded" },
  { key: "capturable", label: "Capturable" },
  { key: "refundable", label: "Refundable" },
  { key: "not_owed", label: "Not owed (release it)", optional: true },
]

/** The cells to show for these totals: an optional cell only when it is not 0. */
export function visibleTotalCells(totals: TotalsView): TotalCell[] {
  return TOTAL_CELLS.filter((c) => !c.optional || (typeof totals[c.key] === "number" && totals[c.key] !== 0))
}

export function formatAmount(amount: number, currency: string): string {
  return formatMoney(amount, currency.toUpperCase())
}

export function formatTotal(totals: TotalsView, key: keyof TotalsView, currency: string | undefined): string {
  const value = totals[key]
  if (typeof value !== "number") return "—"
  return currency ? formatAmount(value, currency) : String(value)
}

export type StatusColor = "green" | "orange" | "red" | "grey" | "blue"

export function statusColor(status: CaptureView["status"]): StatusColor {
  switch (status) {
    case "succeeded":
      return "green"
    case "pending":
    case "requested":
      return "orange"
    case "failed":
      return "red"
    default:
      return "grey"
  }
}

/**
 * The message to show for a failed request. medusa-js rejects with an axios error whose
 * response body is Medusa's `{ type, code, message }`; the plugin's messages already name
 * the field and, for declines, the gateway's reason, so they are shown as they are.
 */
export function errorMessage(err: unknown): string {
  const e = err as { response?: { status?: number; data?: { message?: unknown } }; message?: unknown }
  const body = e?.response?.data
  if (body && typeof body.message === "string" && body.message) return body.message
  if (e?.response?.status) return `The server answered ${e.response.status}.`
  if (typeof e?.message === "string" && e.message) return e.message
  return "The request failed."
}

/**
 * One key per operator action, reused if the same action is sent again (a double click,
 * medusa-js retrying a 409 or a lost answer), so the ledger captures or refunds once.
 * getRandomValues rather than randomUUID: the latter exists only in secure contexts, and
 * some stores serve their admin over plain HTTP on an internal network.
 */
export function newIdempotencyKey(prefix: string, random: (bytes: Uint8Array) => Uint8Array): string {
  const bytes = random(new Uint8Array(16))
  return `${prefix}-${Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("")}`
}
