/**
 * Wire types of Mollie's Payments API v2, limited to what manual capture needs, as Mollie's
 * OpenAPI document publishes them (`specs.yaml` in github.com/mollie/openapi; the rules we rely
 * on are listed in docs/gateways/mollie.md). Statuses are typed as the documented unions, but
 * the spec marks them `x-speakeasy-unknown-values: allow`, so the mapper also copes with values
 * outside them (mapped to a non-final state, never to success). Fields the spec types as
 * `[…, "null"]` are nullable here too, so a null Mollie sends is never a surprise.
 */

/** `value` is a string with exactly the currency's decimals, e.g. "10.00", "1000" (JPY), "1.500" (KWD). */
export type MollieAmount = { currency: string; value: string }

export type MollieLink = { href: string; type: string }

export type MollieMode = "test" | "live"

/** spec `components.schemas.payment-status`. */
export type MolliePaymentStatus = "open" | "pending" | "authorized" | "paid" | "canceled" | "expired" | "failed"

/** spec `components.schemas.capture-status`. */
export type MollieCaptureStatus = "pending" | "succeeded" | "failed"

/** spec `components.schemas.refund-status`. */
export type MollieRefundStatus = "queued" | "pending" | "processing" | "refunded" | "failed" | "canceled"

/** spec `components.schemas.metadata`: string, number, object, string[] or null; "up to approximately 1kB". */
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
  /** "The remaining amount that can be refunded": REFUNDABLE, not capturable (docs/gateways/mollie.md#payments). */
  amountRemaining?: MollieAmount
  description: string
  redirectUrl?: string | null
  cancelUrl?: string | null
  webhookUrl?: string | null
  method?: string | null
  metadata?: MollieMetadata
  captureMode?: "automatic" | "manual" | null
  captureBefore?: string | null
  /** Omitted once the payment is final. */
  isCancelable?: boolean | null
  createdAt: string
  authorizedAt?: string | null
  paidAt?: string | null
  canceledAt?: string | null
  expiresAt?: string | null
  expiredAt?: string | null
  failedAt?: string | null
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

/** A page of a list endpoint (list-captures, list-refunds): `_embedded.<name>`, paged with `_links.next`. */
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

/** spec `components.schemas.error-response`, content type `application/hal+json`. */
export type MollieErrorBody = {
  status: number
  title: string
  detail: string
  field?: string
  _links?: { documentation?: MollieLink }
}

// --- request bodies -------------------------------------------------------------------------

/** spec `components.schemas.payment-request`: amount, description and redirectUrl are required. */
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

/**
 * spec `create-capture` (`components.schemas.entity-capture`): every field optional; no amount
 * captures "the full authorized amount". `description`: at most 255 characters.
 */
export type CreateCaptureBody = {
  amount?: MollieAmount | null
  description?: string
  metadata?: MollieMetadata
}

/**
 * spec `components.schemas.refund-request`: the refund entity's `required` list applies to the
 * request too, so `description` (at most 255 characters), `amount` and `metadata` (may be null)
 * are required; docs.mollie.com/reference/create-refund marks all three "required".
 */
export type CreateRefundBody = {
  amount: MollieAmount
  description: string
  metadata: MollieMetadata
}
