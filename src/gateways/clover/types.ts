/**
 * Wire types of Clover's Ecommerce API (North America), as far as this plugin uses it
 * (docs/gateways/clover.md: endpoints, the charge object, errors, with their Clover sources; the
 * simulator in `src/sandbox/clover/` serves exactly these shapes). Amounts are integer cents,
 * `created` is unix milliseconds.
 *
 * Clover publishes no machine-readable spec, so every field a real response may omit is
 * optional here and the mapper copes with its absence; statuses are typed as the documented
 * unions, but values outside them are mapped to a non-final state, never to success.
 */

/** Charge `status` (docs/gateways/clover.md#the-charge-object). */
export type CloverChargeStatus = "succeeded" | "pending" | "failed"

/** Refund `status`: Clover shows "succeeded"; the rest is assumed 10 in docs/gateways/clover.md. */
export type CloverRefundStatus = "succeeded" | "failed" | "pending"

export type CloverCardSource = {
  /** The `clv_…` token the charge was made with. */
  id: string
  object?: "source"
  brand?: string
  first6?: string
  last4?: string
  exp_month?: string
  exp_year?: string
}

export type CloverOutcome = {
  /** e.g. `approved_by_network`, `declined_by_network`. */
  network_status?: string
  /** e.g. `authorized`, `issuer_declined`. */
  type?: string
}

/**
 * Level 2 purchase-card data (docs/gateways/clover.md#level-2-data: Clover's "Level 2 data" page).
 * Money fields are integer cents. (Clover's `split_shipment`, for merchants with multi-capture, is a
 * top-level field of the capture call, not Level 2 data; the plugin does not send it.)
 */
export type CloverLevel2 = {
  tax_amount?: number
  /** 0 no tax information, 1 tax amount provided, 2 tax exempt / non-taxable. */
  tax_indicator?: 0 | 1 | 2
  purchase_identifier?: string
  pc_order_number?: string
  discount_amount?: number
  freight_amount?: number
  duty_amount?: number
  destination_postal_code?: string
  shipping_from_postal_code?: string
  /** ISO 3166 numeric, e.g. 840. */
  destination_country_code?: number
  merchant_tax_id?: string
  product_description?: string
}

export type CloverCharge = {
  /** 13-character upper-case alphanumeric. */
  id: string
  object?: "charge"
  amount: number
  /** "Total amount captured for pre-auth transactions"; may be absent on auto-captured charges. */
  amount_captured?: number
  amount_refunded?: number
  currency: string
  created?: number
  /** false: an authorization (pre-auth) that can still be captured. */
  captured?: boolean
  /** "whether the charge was successful or authorized for capture". */
  paid?: boolean
  /** Fully refunded (for an uncaptured charge: the hold was released). */
  refunded?: boolean
  status: CloverChargeStatus
  outcome?: CloverOutcome
  ref_num?: string
  auth_code?: string
  source?: CloverCardSource
  description?: string | null
  metadata?: Record<string, unknown>
  receipt_email?: string | null
  level2?: CloverLevel2 | null
  failure_code?: string | null
  failure_message?: string | null
  warning_message?: string | null
  livemode?: boolean
  order?: string
  customer?: string
}

export type CloverRefund = {
  id: string
  object?: "refund"
  amount: number
  charge: string
  currency: string
  created?: number
  status: CloverRefundStatus
  reason?: string | null
  metadata?: Record<string, unknown>
  failure_reason?: string | null
}

export type CloverList<T> = { object?: "list"; data: T[]; has_more?: boolean }

/** The seven error types (docs/gateways/clover.md#errors; the same list as `GatewayErrorType`). */
export type CloverErrorType =
  | "api_connection_error"
  | "api_error"
  | "authentication_error"
  | "card_error"
  | "idempotency_error"
  | "invalid_request_error"
  | "rate_limit_error"

/** `{ "error": { … } }` (docs/gateways/clover.md#errors). */
export type CloverErrorBody = {
  error: {
    type: CloverErrorType | string
    code?: string
    decline_code?: string
    message?: string
    param?: string
    /** The id of the failed charge, on card errors. */
    charge?: string
    doc_url?: string
  }
}

// --- request bodies --------------------------------------------------------------------------

/** `POST /v1/charges` (docs/gateways/clover.md#endpoints). `capture: false`: authorization only. */
export type CreateChargeBody = {
  amount: number
  currency: string
  source: string
  capture: boolean
  description?: string
  metadata?: Record<string, unknown>
  receipt_email?: string
  /** Who entered the card: the customer (`ecom`, the default) or the merchant (`moto`). */
  ecomind?: "ecom" | "moto"
}

/** `POST /v1/charges/{chargeId}/capture` (docs/gateways/clover.md#capture): all fields optional. */
export type CaptureChargeBody = {
  /** Omitted: "the total of the original charge is captured". */
  amount?: number
  receipt_email?: string
  level2?: CloverLevel2
}

/**
 * `POST /v1/refunds` (docs/gateways/clover.md#refunds-and-releasing-a-hold). Without `amount` the
 * rest of the charge is refunded or released (assumed 5 and 6 there).
 */
export type CreateRefundBody = {
  charge: string
  amount?: number
  reason?: "duplicate" | "fraudulent" | "requested_by_customer"
  /** Undocumented by Clover (assumed 10): we rely on it to find a refund again by its key. */
  metadata?: Record<string, unknown>
}
