import { MedusaError } from "@medusajs/utils"
import { DomainError } from "../../domain"

/**
 * Errors the ledger raises, in Medusa's own error types so its error handler
 * answers with the right status and shape ({ type, code, message }).
 * Messages start with the field they are about.
 */
export const ledgerErrors = {
  notFound: (what: string, id: string) =>
    new MedusaError(MedusaError.Types.NOT_FOUND, `${what} with id ${id} was not found`),
  invalid: (field: string, message: string) =>
    new MedusaError(MedusaError.Types.INVALID_DATA, `${field}: ${message}`, "invalid_" + field.replace(/\W+/g, "_")),
  notAllowed: (message: string, code?: string) => new MedusaError(MedusaError.Types.NOT_ALLOWED, message, code),
  idempotencyMismatch: (key: string) =>
    // DUPLICATE_ERROR is answered as 422 with the message kept (CONFLICT would
    // replace the message with a generic one).
    new MedusaError(
      MedusaError.Types.DUPLICATE_ERROR,
      `Idempotency-Key: "${key}" was already used with a different request; use a new key for a new request`
    ),
  /** Answered 409 by Medusa with its "retry with the same Idempotency-Key" message. */
  inFlight: (id: string) =>
    new MedusaError(MedusaError.Types.CONFLICT, `${id} is still being processed by the gateway; retry with the same Idempotency-Key`),
  /**
   * A failed capture or refund row, answered 422 with the gateway's reason and decline code.
   * A refusal of the request itself (a wrong key, a parameter the gateway rejects) is not a
   * decline of the card: say so, so an operator fixes the configuration instead of asking
   * the shopper for another card.
   */
  declined: (row: {
    id: string
    message: string | null
    decline_code: string | null
    error_code: string | null
    error_detail?: string | null
  }) => {
    const what = `${row.id.startsWith("capref_") ? "Refund" : "Capture"} ${row.id}`
    const refusal = row.decline_code ? undefined : REQUEST_REFUSALS.exec(row.error_detail ?? "")?.[1]
    const verdict = refusal ? `was refused by the gateway (${refusal})` : "was declined by the gateway"
    return new MedusaError(
      MedusaError.Types.PAYMENT_AUTHORIZATION_ERROR,
      `${what} ${verdict}: ${row.message ?? "no reason given"}` + (row.decline_code ? ` (decline_code: ${row.decline_code})` : ""),
      row.decline_code ?? row.error_code ?? undefined
    )
  },
}

/** error_detail starts with the gateway error's type (see outcome.ts); these are not card declines. */
const REQUEST_REFUSALS = /^(authentication_error|invalid_request_error|idempotency_error)\b/

/** A domain validation error becomes a 400 naming its field. */
export function fromDomainError(err: unknown): unknown {
  if (err instanceof DomainError) {
    return ledgerErrors.invalid(err.field ?? "request", err.message)
  }
  return err
}

type PgError = { code?: string; constraint?: string; message?: string }

/**
 * The database refused a write that the service should already have refused
 * (a second server instance, a race we did not foresee). Answer as a conflict
 * the client may retry, with the database's reason.
 */
export function fromDatabaseError(err: unknown): unknown {
  const pg = err as PgError
  if (pg?.code === "23514") {
    return new MedusaError(MedusaError.Types.NOT_ALLOWED, pg.message ?? "ledger constraint violated", pg.constraint)
  }
  return err
}
