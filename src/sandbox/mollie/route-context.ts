/**
 * What a handler of the Mollie simulator gets, and the lookups every handler shares: a payment,
 * capture or refund of the request's mode (else Mollie's 404), a page of a list.
 */
import { toDecimalString } from "../../domain"
import { badRequest, noSuch } from "./errors"
import type { CaptureRecord, Mode, MollieSandboxState, PaymentRecord, RefundRecord } from "./state"
import type * as v from "./validate"

export type RouteContext = {
  state: MollieSandboxState
  params: Record<string, string>
  body: v.Body
  query: URLSearchParams
  /** From the API key prefix; objects of the other mode do not exist for this request. */
  mode: Mode
  /** Absolute base of this simulator as the client addressed it, for `_links`. */
  base: string
  now: number
}

export function findPayment({ state, params, mode }: RouteContext): PaymentRecord {
  const payment = state.payments.get(params.paymentId)
  if (!payment || payment.mode !== mode) throw noSuch("payment", params.paymentId)
  return payment
}

export function findCapture(ctx: RouteContext, payment: PaymentRecord): CaptureRecord {
  const capture = ctx.state.captures.get(ctx.params.captureId)
  if (!capture || capture.paymentId !== payment.id) throw noSuch("capture", ctx.params.captureId)
  return capture
}

/** A canceled refund is gone: "No item with this ID exists, or the refund was canceled" (get-refund's 404). */
export function findRefund(ctx: RouteContext, payment: PaymentRecord): RefundRecord {
  const refund = ctx.state.refunds.get(ctx.params.refundId)
  if (!refund || refund.paymentId !== payment.id || refund.status === "canceled") {
    throw noSuch("refund", ctx.params.refundId)
  }
  return refund
}

export function pageOf(ctx: RouteContext, ids: string[], url: string): { url: string; start: number; limit: number } {
  const rawLimit = ctx.query.get("limit")
  const limit = rawLimit === null ? 50 : Number(rawLimit)
  if (!Number.isInteger(limit) || limit < 1 || limit > 250) throw badRequest("The limit must be a number between 1 and 250.", "limit")
  const from = ctx.query.get("from")
  const start = from === null ? 0 : ids.indexOf(from)
  if (start < 0) throw badRequest(`The from parameter does not refer to an item of this list: ${from}.`, "from")
  return { url, start, limit }
}

export const formatted = (amount: number, currency: string): string => `${toDecimalString(amount, currency)} ${currency}`
