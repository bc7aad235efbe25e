/**
 * What a 2xx body from Mollie must look like to be read: a body we cannot read is a malformed
 * response (its outcome unknown), never a guess. Pure; re-exported by mapper.ts.
 */
import { currencyExponent, fromDecimalString, isCurrencyCode } from "../../domain"
import type { MollieAmount, MollieCapture, MollieList, MolliePayment, MollieRefund } from "./types"

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value)

// --- shape checks (a 2xx body we cannot read is a malformed response) ---------------------------

/** Also checks that the value converts exactly, so the mappers above can never throw on it. */
export function isAmountWire(value: unknown): value is MollieAmount {
  if (!isRecord(value) || typeof value.value !== "string" || !isCurrencyCode(value.currency)) return false
  try {
    currencyExponent(value.currency)
    fromDecimalString(value.value, value.currency)
    return true
  } catch {
    return false
  }
}

const optionalAmount = (value: unknown): boolean => value === undefined || value === null || isAmountWire(value)

const hasLinks = (value: Record<string, unknown>): boolean => value._links === undefined || isRecord(value._links)

export function isCaptureWire(value: unknown): value is MollieCapture {
  return (
    isRecord(value) &&
    value.resource === "capture" &&
    typeof value.id === "string" &&
    typeof value.status === "string" &&
    typeof value.paymentId === "string" &&
    optionalAmount(value.amount) &&
    hasLinks(value)
  )
}

export function isRefundWire(value: unknown): value is MollieRefund {
  return (
    isRecord(value) &&
    value.resource === "refund" &&
    typeof value.id === "string" &&
    typeof value.status === "string" &&
    isAmountWire(value.amount) &&
    hasLinks(value)
  )
}

export function isPaymentWire(value: unknown): value is MolliePayment {
  if (
    !isRecord(value) ||
    value.resource !== "payment" ||
    typeof value.id !== "string" ||
    typeof value.status !== "string" ||
    !isAmountWire(value.amount) ||
    ![value.amountCaptured, value.amountRefunded, value.amountRemaining].every(optionalAmount) ||
    !hasLinks(value)
  ) {
    return false
  }
  const embedded = value._embedded
  if (embedded === undefined) return true
  if (!isRecord(embedded)) return false
  const captures = embedded.captures
  const refunds = embedded.refunds
  return (
    (captures === undefined || (Array.isArray(captures) && captures.every(isCaptureWire))) &&
    (refunds === undefined || (Array.isArray(refunds) && refunds.every(isRefundWire)))
  )
}

/** A page of `name` items, each passing `item`. */
export function isListOf<Name extends string, T>(
  value: unknown,
  name: Name,
  item: (v: unknown) => v is T
): value is MollieList<Name, T> {
  if (!isRecord(value) || !isRecord(value._embedded) || !isRecord(value._links)) return false
  const items = value._embedded[name]
  const next = value._links.next
  return (
    Array.isArray(items) &&
    items.every(item) &&
    (next === undefined || next === null || (isRecord(next) && typeof next.href === "string"))
  )
}
