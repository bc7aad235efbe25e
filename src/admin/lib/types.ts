/**
 * The shapes the widget reads from the plugin's admin API (see src/api/serializers.ts).
 * Only the fields the widget shows are listed.
 */
import type { LedgerStatus } from "../../domain/status"
import type { PaymentTotals } from "../../domain/totals"

export type { LedgerStatus }

export type RefundView = {
  id: string
  status: LedgerStatus
  amount: number
  formatted_amount: string
  gateway_refund_id: string | null
  reason: string
  message: string | null
  created_at: string
}

export type EventView = {
  id: string
  type: string
  actor_type: string
  actor_id: string | null
  data: Record<string, unknown> | null
  created_at: string
}

export type CaptureView = {
  id: string
  number: string
  payment_id: string
  provider_id: string
  status: LedgerStatus
  currency_code: string
  amount: number
  formatted_amount: string
  refunded_amount: number
  formatted_refunded_amount: string
  refund_balance: number
  formatted_refund_balance: string
  gateway_capture_id: string | null
  gateway_transaction_id: string | null
  message: string | null
  decline_code: string | null
  fulfillment_id: string | null
  created_at: string
  refunds?: RefundView[]
  events?: EventView[]
}

/** The derived totals (see src/domain/totals.ts), with the currency once there is one. */
export type TotalsView = PaymentTotals & { currency_code?: string }

export type PaymentSummaryView = {
  payment_id: string
  provider_id: string
  currency_code: string
  totals: TotalsView
}

export type OrderCapturesView = {
  order_id: string
  captures: CaptureView[]
  payments: PaymentSummaryView[]
  totals: TotalsView
}
