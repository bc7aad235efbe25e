/**
 * Wire objects of the Mollie simulator: payment, capture, refund and list pages as Mollie's
 * reference documents them (payment-response, capture-response, entity-refund-response,
 * list-links; docs/gateways/mollie.md), each a fresh object built from the store. Every
 * resource has `resource`, `id`, `mode` and `_links` (`self`, `documentation`): the official
 * SDK refuses bodies without `resource` (docs/gateways/mollie.md#the-official-node-sdk).
 */
import { toDecimalString } from "../../domain"
import { HAL_JSON } from "./errors"
import type { CaptureRecord, MollieSandboxState, PaymentRecord, RefundRecord } from "./state"

export type Link = { href: string; type: string }

const link = (href: string, type = HAL_JSON): Link => ({ href, type })
const docs = (page: string): Link => link(`https://docs.mollie.com/reference/${page}`, "text/html")

/** ISO 8601 the way Mollie writes it: `2024-03-20T09:13:37+00:00`. */
export const isoTime = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, "+00:00")

const DAY_MS = 24 * 60 * 60 * 1000
/** The authorization window depends on the card brand (docs/gateways/mollie.md#placing-a-hold); we promise the shortest, 7 days. */
export const AUTHORIZATION_WINDOW_MS = 7 * DAY_MS

const money = (amount: number, currency: string) => ({ currency, value: toDecimalString(amount, currency) })

export function paymentUrl(base: string, paymentId: string): string {
  return `${base}/v2/payments/${paymentId}`
}

export function renderCapture(capture: CaptureRecord, base: string): Record<string, unknown> {
  const out: Record<string, unknown> = {
    resource: "capture",
    id: capture.id,
    mode: capture.mode,
    amount: money(capture.amount, capture.currency),
    status: capture.status,
    metadata: capture.metadata,
    paymentId: capture.paymentId,
    createdAt: isoTime(capture.createdAt),
  }
  if (capture.description !== undefined) out.description = capture.description
  out._links = {
    self: link(`${paymentUrl(base, capture.paymentId)}/captures/${capture.id}`),
    payment: link(paymentUrl(base, capture.paymentId)),
    documentation: docs("get-capture"),
  }
  return out
}

export function renderRefund(refund: RefundRecord, base: string): Record<string, unknown> {
  return {
    resource: "refund",
    id: refund.id,
    mode: refund.mode,
    amount: money(refund.amount, refund.currency),
    status: refund.status,
    description: refund.description,
    metadata: refund.metadata,
    paymentId: refund.paymentId,
    createdAt: isoTime(refund.createdAt),
    _links: {
      self: link(`${paymentUrl(base, refund.paymentId)}/refunds/${refund.id}`),
      payment: link(paymentUrl(base, refund.paymentId)),
      documentation: docs("get-refund"),
    },
  }
}

/** Refunds Mollie still shows: a canceled refund is gone (get-refund's 404). */
export const visibleRefunds = (state: MollieSandboxState, payment: PaymentRecord): RefundRecord[] =>
  state.refundsOf(payment).filter((r) => r.status !== "canceled")

export function renderPayment(
  state: MollieSandboxState,
  payment: PaymentRecord,
  base: string,
  embed: { captures?: boolean; refunds?: boolean } = {}
): Record<string, unknown> {
  const m = (amount: number) => money(amount, payment.currency)
  const captured = state.captured(payment)
  const out: Record<string, unknown> = {
    resource: "payment",
    id: payment.id,
    mode: payment.mode,
    createdAt: isoTime(payment.createdAt),
    amount: m(payment.amount),
    description: payment.description,
    method: payment.method,
    metadata: payment.metadata,
    status: payment.status,
  }
  const cancelable = state.isCancelable(payment)
  if (cancelable !== undefined) out.isCancelable = cancelable
  if (payment.status === "open" || payment.status === "pending") out.expiresAt = isoTime(payment.expiresAt)
  for (const key of ["authorizedAt", "paidAt", "canceledAt", "expiredAt", "failedAt"] as const) {
    const at = payment[key]
    if (at !== undefined) out[key] = isoTime(at)
  }
  // "Only available when this payment supports captures" (payment-response's amountCaptured).
  if (payment.captureMode === "manual" || captured > 0) out.amountCaptured = m(captured)
  if (captured > 0) {
    out.amountRefunded = m(state.refunded(payment))
    out.amountRemaining = m(state.refundable(payment))
  }
  out.redirectUrl = payment.redirectUrl
  if (payment.cancelUrl !== null) out.cancelUrl = payment.cancelUrl
  out.webhookUrl = payment.webhookUrl
  out.profileId = "pfl_sandbox0001"
  out.sequenceType = "oneoff"
  out.captureMode = payment.captureMode
  // "omitted if the payment is not authorized (yet)" (payment-response's captureBefore).
  if (payment.status === "authorized" && payment.authorizedAt !== undefined) {
    out.captureBefore = isoTime(payment.authorizedAt + AUTHORIZATION_WINDOW_MS)
  }

  const self = paymentUrl(base, payment.id)
  const links: Record<string, Link> = { self: link(self) }
  if (payment.status === "open" || payment.status === "pending") links.checkout = link(`${base}/checkout/${payment.id}`, "text/html")
  links.dashboard = link(`${base}/dashboard/payments/${payment.id}`, "text/html")
  if (payment.captureIds.length > 0) links.captures = link(`${self}/captures`)
  if (visibleRefunds(state, payment).length > 0) links.refunds = link(`${self}/refunds`)
  links.documentation = docs("get-payment")
  out._links = links

  if (embed.captures || embed.refunds) {
    const embedded: Record<string, unknown> = {}
    if (embed.captures) embedded.captures = state.capturesOf(payment).map((c) => renderCapture(c, base))
    if (embed.refunds) embedded.refunds = visibleRefunds(state, payment).map((r) => renderRefund(r, base))
    out._embedded = embedded
  }
  return out
}

/**
 * One page of a list (list-captures, list-refunds: `from`, `limit` default 50): `{ count, _embedded:
 * { <name>: [...] }, _links: { self, previous, next, documentation } }`, items oldest first.
 */
export function renderPage<T extends { id: string }>(
  name: "captures" | "refunds",
  items: T[],
  render: (item: T) => Record<string, unknown>,
  page: { url: string; start: number; limit: number }
): Record<string, unknown> {
  const slice = items.slice(page.start, page.start + page.limit)
  const at = (index: number): Link => link(`${page.url}?from=${items[index].id}&limit=${page.limit}`)
  const selfHref = page.start > 0 ? at(page.start) : link(`${page.url}?limit=${page.limit}`)
  return {
    count: slice.length,
    _embedded: { [name]: slice.map(render) },
    _links: {
      self: selfHref,
      previous: page.start > 0 ? at(Math.max(0, page.start - page.limit)) : null,
      next: page.start + page.limit < items.length ? at(page.start + page.limit) : null,
      documentation: docs(name === "captures" ? "list-captures" : "list-refunds"),
    },
  }
}
