/**
 * Wire types of Mollie's Payments API v2, limited to what manual capture needs
 * (gateways.md A.1–A.7; spec `mollie/openapi:specs.yaml`). Statuses are typed as the documented
 * unions, but the spec marks them `x-speakeasy-unknown-values: allow`, so the mapper also copes
 * with values outside them (mapped to a non-final state, never to success).
 */

/** `value` is a string with exactly the currency's decimals, e.g. "10.00", "1000" (JPY), "1.500" (KWD). */
export type MollieAmount = { currency: string; value: string }

export type MollieLink = { href: string; type: string }

export type MollieMode = "test" | "live"

/** spec `schemas.payment-status` (A.3). */
export type MolliePaymentStatus = "open" | "pending" | "authorized" | "paid" | "canceled" | "expired" | "failed"

/** spec `schemas.capture-status` (A.4). */
export type MollieCaptureStatus = "pending" | "succeeded" | "failed"

/** spec `schemas.refund-status` (A.6). */
export type MollieRefundStatus = "queued" | "pending" | "processing" | "refunded" | "failed" | "canceled"

/** Metadata as Mollie accepts it (A.2: "up to approximately 1kB"). */
export type MollieMetadata = string | number | Record<string, unknown> | string[] | null

export type MolliePayment = {
  resource: "payment"
  id: string
  mode: MollieMode
  status: MolliePaymentStatus
  amount: MollieAmount
  /** "Only available when this payment supports captures." */
  amountCaptured?: MollieAmount
  amountRefunded?: MollieAmount
  /** The amount that can still be REFUNDED, not captured (gateways.md G.6). */
  amountRemaining?: MollieAmount
  description: string
  redirectUrl?: string | null
  cancelUrl?: string | null
  webhookUrl?: string | null
  method?: string | null
  metadata?: MollieMetadata
  captureMode?: "automatic" | "manual" | null
  captureBefore?: string
  isCancelable?: boolean
  createdAt: string
  authorizedAt?: string
  paidAt?: string
  canceledAt?: string
  expiresAt?: string
  expiredAt?: string
  failedAt?: string
  _embedded?: { captures?: MollieCapture[]; refunds?: MollieRefund[] }
  _links: {
    self: MollieLink
    checkout?: MollieLink | null
    captures?: MollieLink
    refunds?: MollieLink
    documentation?: MollieLink
    [name: string]: MollieLink | null | undefined
  }
}

export type MollieCapture = {
  resource: "capture"
  id: string
  mode: MollieMode
  /** Nullable in the spec: "If no amount is provided, the full authorized amount is captured." */
  amount: MollieAmount | null
  status: MollieCaptureStatus
  description?: string
  metadata?: MollieMetadata
  paymentId: string
  shipmentId?: string | null
  settlementId?: string | null
  settlementAmount?: MollieAmount | null
  createdAt: string
  _links: { self: MollieLink; payment: MollieLink; documentation?: MollieLink; [name: string]: MollieLink | null | undefined }
}

export type MollieRefund = {
  resource: "refund"
  id: string
  mode: MollieMode
  amount: MollieAmount
  status: MollieRefundStatus
  description: string
  metadata: MollieMetadata
  paymentId: string
  settlementId?: string | null
  settlementAmount?: MollieAmount | null
  createdAt: string
  _links: { self: MollieLink; payment: MollieLink; documentation?: MollieLink; [name: string]: MollieLink | null | undefined }
}

/** A page of a list endpoint: `_embedded.<name>`, paged with `_links.next` (A.1 list-captures). */
export type MollieList<Name extends string, T> = {
  count: number
  _embedded: { [K in Name]: T[] }
  _links: {
    self?: MollieLink
    previous: MollieLink | null
    next: MollieLink | null
    documentation?: MollieLink
  }
}

/** spec `schemas.error-response` (A.7), content type `application/hal+json`. */
export type MollieErrorBody = {
  status: number
  title: string
  detail: string
  field?: string
  _links?: { documentation?: MollieLink }
}

// --- request bodies -------------------------------------------------------------------------

/** spec `schemas.payment-request` (A.2): amount, description and redirectUrl are required. */
export type CreatePaymentBody = {
  amount: MollieAmount
  description: string
  redirectUrl: string
  webhookUrl?: string
  cancelUrl?: string
  captureMode: "manual" | "automatic"
  method?: string
  cardToken?: string
  metadata?: MollieMetadata
}

/** spec `create-capture` (seed 002): every field optional. */
export type CreateCaptureBody = {
  amount?: MollieAmount
  description?: string
  metadata?: MollieMetadata
}

/** spec `schemas.refund-request` (A.6): `required: [amount]`. */
export type CreateRefundBody = {
  amount: MollieAmount
  description?: string
  metadata?: MollieMetadata
}
