/**
 * Wire types of the sandbox gateway (see `src/sandbox/sandbox-gateway/server.ts` for the
 * contract). Statuses are typed as the documented unions, but the mapper also copes with
 * values outside them (mapped to a non-final state, never to success).
 */

export type SandboxPaymentStatus =
  | "authorized"
  | "partially_captured"
  | "captured"
  | "canceled"
  | "refunded"
  | "partially_refunded"

export type SandboxOperationStatus = "succeeded" | "pending" | "failed"

export type SandboxCaptureWire = {
  id: string
  object: "capture"
  payment: string
  amount: number
  currency: string
  status: SandboxOperationStatus
  transaction_id: string | null
  idempotency_key: string
  description?: string | null
  metadata?: Record<string, unknown>
  created: number
}

export type SandboxRefundWire = {
  id: string
  object: "refund"
  payment: string
  capture: string | null
  amount: number
  currency: string
  status: SandboxOperationStatus
  reason?: string | null
  idempotency_key?: string
  created: number
}

export type SandboxPaymentWire = {
  id: string
  object: "payment"
  status: SandboxPaymentStatus
  amount: number
  currency: string
  amount_captured: number
  amount_refunded: number
  amount_capturable: number
  captures: SandboxCaptureWire[]
  refunds: SandboxRefundWire[]
  description?: string | null
  created: number
  metadata: Record<string, unknown>
}

export type SandboxList<T> = { data: T[] }

export type SandboxErrorWire = {
  error: {
    type: string
    code?: string
    message?: string
    param?: string
    decline_code?: string
  }
}

export type CreatePaymentBody = {
  amount: number
  currency: string
  source: string
  description?: string
  metadata?: Record<string, unknown>
}

export type CreateCaptureBody = {
  amount?: number
  description?: string
  metadata?: Record<string, unknown>
}

export type CreateRefundBody = {
  amount: number
  capture?: string
  reason?: string
}
