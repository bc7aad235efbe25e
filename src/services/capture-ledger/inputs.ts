import { MAX_AMOUNT, assertPositiveAmount } from "../../domain"
import type { Actor } from "../ledger/events"
import { fromDomainError, ledgerErrors } from "../ledger/errors"
import { reservedKeyMessage, reservedMetadataKey } from "../ledger/metadata"

/** What the ledger's requests carry, and the checks every one of them passes before anything is read. */

export const METADATA_MAX_BYTES = 1024
export const DESCRIPTION_MAX_LENGTH = 255

export type CreateCaptureInput = {
  payment_id: string
  /** Minor units; omitted = everything still capturable. */
  amount?: number
  /**
   * Instead of `amount`: capture what brings the payment's captures (succeeded
   * and on their way) up to this much — a fulfillment's part of the order
   * (domain fulfillment-share). Decided under the payment's lock, so what was
   * captured by hand or for a canceled fulfillment meanwhile is never taken
   * twice.
   */
  up_to?: number
  currency_code?: string
  description?: string | null
  reference?: string | null
  reference_origin?: string | null
  metadata?: Record<string, unknown> | null
  fulfillment_id?: string | null
  /** The client's Idempotency-Key. */
  idempotency_key?: string
  /** The failed capture this one retries (for a fulfillment's capture). */
  retry_of?: string
  actor: Actor
}

export type RefundCaptureInput = {
  /** Minor units; omitted = the capture's refund balance. */
  amount?: number
  reason?: string | null
  note?: string | null
  metadata?: Record<string, unknown> | null
  idempotency_key?: string
  actor: Actor
}

export type UpdateCaptureInput = {
  metadata?: Record<string, unknown> | null
  reference?: string | null
  reference_origin?: string | null
}

/** A request's answer, and whether it replayed what an earlier request with its Idempotency-Key made. */
export type LedgerResult<T> = T & { replayed: boolean }

export function validateAmount(amount: number | undefined): void {
  if (amount === undefined) return
  assertPositiveAmount(amount, "amount")
  if (amount > MAX_AMOUNT) throw ledgerErrors.invalid("amount", `must be at most ${MAX_AMOUNT}`)
}

/** Every metadata write's checks, whoever asks: no reserved key (ledger/metadata.ts says why), and the size. */
export function assertMetadataSize(metadata: Record<string, unknown> | null | undefined): void {
  if (!metadata) return
  const reserved = reservedMetadataKey(metadata)
  if (reserved) throw ledgerErrors.invalid("metadata", reservedKeyMessage(reserved))
  const bytes = Buffer.byteLength(JSON.stringify(metadata), "utf8")
  if (bytes > METADATA_MAX_BYTES) {
    throw ledgerErrors.invalid("metadata", `is ${bytes} bytes as JSON; at most ${METADATA_MAX_BYTES} are allowed`)
  }
}

export function validateCaptureInput(input: CreateCaptureInput): void {
  if (input.amount !== undefined && input.up_to !== undefined) throw ledgerErrors.invalid("amount", "give either amount or up_to")
  try {
    validateAmount(input.amount)
    if (input.up_to !== undefined && !(Number.isSafeInteger(input.up_to) && input.up_to >= 0)) {
      throw ledgerErrors.invalid("up_to", "must be a non-negative integer")
    }
  } catch (err) {
    throw fromDomainError(err)
  }
  if (input.description && input.description.length > DESCRIPTION_MAX_LENGTH) {
    throw ledgerErrors.invalid("description", `must be at most ${DESCRIPTION_MAX_LENGTH} characters`)
  }
  assertMetadataSize(input.metadata)
}

export function validateRefundInput(input: RefundCaptureInput): void {
  try {
    validateAmount(input.amount)
  } catch (err) {
    throw fromDomainError(err)
  }
  assertMetadataSize(input.metadata)
}
