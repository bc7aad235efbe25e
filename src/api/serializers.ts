import { captureRefundBalance, formatMoney, toFloat, type PaymentTotals } from "../domain"
import type { Capture } from "../models/capture"
import type { CaptureEvent } from "../models/capture-event"
import type { CaptureRefund } from "../models/capture-refund"

/**
 * API shapes. A capture carries Commerce Layer's capture fields (amount_float,
 * formatted_amount, succeeded, refund balance...) next to the raw integer
 * minor-unit amounts, which stay the source of truth.
 */
function amounts(name: string, amount: number, currency: string) {
  return {
    [name]: amount,
    [`${name}_float`]: toFloat(amount, currency),
    [`formatted_${name}`]: formatMoney(amount, currency.toUpperCase()),
  }
}

export function serializeRefund(refund: CaptureRefund) {
  return {
    id: refund.id,
    object: "capture_refund",
    capture_id: refund.capture_id,
    payment_id: refund.payment_id,
    status: refund.status,
    succeeded: refund.status === "succeeded",
    ...amounts("amount", refund.amount, refund.currency_code),
    currency_code: refund.currency_code,
    gateway_refund_id: refund.gateway_refund_id,
    reason: refund.reason,
    note: refund.note,
    metadata: refund.metadata,
    message: refund.message,
    error_code: refund.error_code,
    error_detail: refund.error_detail,
    decline_code: refund.decline_code,
    medusa_refund_id: refund.medusa_refund_id,
    idempotency_key: refund.idempotency_key,
    initiated_by: refund.initiated_by,
    refunded_at: refund.refunded_at,
    created_at: refund.created_at,
    updated_at: refund.updated_at,
  }
}

export function serializeEvent(event: CaptureEvent) {
  return {
    id: event.id,
    object: "capture_event",
    payment_id: event.payment_id,
    capture_id: event.capture_id,
    refund_id: event.refund_id,
    type: event.type,
    actor_type: event.actor_type,
    actor_id: event.actor_id,
    data: event.data,
    created_at: event.created_at,
  }
}

export function serializeCapture(capture: Capture, expand: ReadonlyArray<"refunds" | "events"> = []) {
  const currency = capture.currency_code
  const refunds = capture.refunds ?? []
  // Without its refund rows, the stored refunded_amount (succeeded refunds) is what is known.
  const balance = capture.refunds
    ? captureRefundBalance({ status: capture.status, amount: capture.amount, refunds })
    : capture.status === "succeeded"
      ? capture.amount - capture.refunded_amount
      : 0
  return {
    id: capture.id,
    object: "capture",
    number: String(capture.number),
    payment_id: capture.payment_id,
    order_id: capture.order_id,
    provider_id: capture.provider_id,
    mode: capture.mode,
    status: capture.status,
    succeeded: capture.status === "succeeded",
    currency_code: currency,
    ...amounts("amount", capture.amount, currency),
    ...amounts("refunded_amount", capture.refunded_amount, currency),
    ...amounts("refund_balance", balance, currency),
    description: capture.description,
    reference: capture.reference,
    reference_origin: capture.reference_origin,
    metadata: capture.metadata,
    gateway_capture_id: capture.gateway_capture_id,
    gateway_transaction_id: capture.gateway_transaction_id,
    token: capture.token,
    message: capture.message,
    error_code: capture.error_code,
    error_detail: capture.error_detail,
    decline_code: capture.decline_code,
    fulfillment_id: capture.fulfillment_id,
    idempotency_key: capture.idempotency_key,
    initiated_by: capture.initiated_by,
    captured_at: capture.captured_at,
    created_at: capture.created_at,
    updated_at: capture.updated_at,
    ...(expand.includes("refunds") ? { refunds: refunds.map(serializeRefund) } : {}),
    ...(expand.includes("events") ? { events: (capture.events ?? []).map(serializeEvent) } : {}),
  }
}

export function serializeTotals(totals: PaymentTotals, currency: string | null) {
  if (!currency) return totals
  const formatted = Object.fromEntries(
    Object.entries(totals).map(([k, v]) => [`formatted_${k}`, formatMoney(v, currency.toUpperCase())])
  )
  return { ...totals, currency_code: currency.toLowerCase(), ...formatted }
}
