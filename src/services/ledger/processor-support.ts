import { PaymentSessionStatus, type PaymentProcessorError } from "@medusajs/medusa"
import type { EntityManager } from "typeorm"
import { isGatewayError, type PaymentSnapshot } from "../../gateways/gateway"

/**
 * Shared pieces of our AbstractPaymentProcessor subclasses: they stay thin and
 * hand captures and refunds to CaptureService so every path lands in the ledger.
 */

/**
 * Medusa recognises a processor error only when `error`, `code` and `detail`
 * are all non-empty (isPaymentProcessorError); anything less on a refund is
 * stored as if it had succeeded. So every field is always filled.
 */
export function processorError(message: string, err?: unknown): PaymentProcessorError {
  const loose = (err ?? {}) as { code?: unknown; message?: unknown }
  const code = isGatewayError(err) ? err.declineCode ?? err.code ?? err.type : loose.code
  const detail = typeof loose.message === "string" ? loose.message : undefined
  return { error: message, code: typeof code === "string" && code ? code : "captures_error", detail: detail || message }
}

export function sessionStatusOf(snapshot: PaymentSnapshot): PaymentSessionStatus {
  switch (snapshot.status) {
    case "authorized":
    case "partially_captured":
    case "captured":
    case "refunded":
      return PaymentSessionStatus.AUTHORIZED
    case "requires_more":
      return PaymentSessionStatus.REQUIRES_MORE
    case "canceled":
      return PaymentSessionStatus.CANCELED
    case "failed":
      return PaymentSessionStatus.ERROR
  }
}

/**
 * Core hands capture/refund hooks only `payment.data`; the payment is found
 * again by the gateway reference our processor stored there at authorization.
 */
export async function findPaymentIdByRef(
  manager: EntityManager,
  providerId: string,
  paymentRef: unknown
): Promise<string | null> {
  if (typeof paymentRef !== "string" || !paymentRef) return null
  const rows: Array<{ id: string }> = await manager.query(
    `SELECT id FROM payment WHERE provider_id = $1 AND data->>'payment_ref' = $2
      ORDER BY canceled_at NULLS FIRST, created_at DESC LIMIT 1`,
    [providerId, paymentRef]
  )
  return rows[0]?.id ?? null
}
