import { generateEntityId } from "@medusajs/medusa"
import { amountUpTo } from "../../domain"
import type { RegisteredGateway } from "../../gateways/registry"
import type { Capture } from "../../models/capture"
import type { RequestedCaptureValues } from "../ledger/capture-writes"
import { ledgerErrors } from "../ledger/errors"
import type { LedgerState } from "../ledger/payment-lock"
import type { LedgerContext } from "./context"
import type { CreateCaptureInput } from "./inputs"
import { assertAuthorized, checkReplay, gatewayMetadata, inFlightUntil } from "./rows"

export type CaptureDecision =
  | { replay: Capture }
  | { values: RequestedCaptureValues; event: Record<string, unknown>; registered: RegisteredGateway }

/**
 * What a capture request makes of the payment's ledger: the row it already
 * made (replay), a refusal (thrown), or the `requested` row to insert.
 * `orderOwes` is what an edited order still owes (null: no such limit).
 */
export function decideCapture(
  ctx: LedgerContext,
  input: CreateCaptureInput,
  hash: string,
  { payment, captures }: LedgerState,
  orderOwes: number | null = null
): CaptureDecision {
  const keyed = input.idempotency_key ? captures.find((c) => c.idempotency_key === input.idempotency_key) : undefined
  // A fulfillment's capture is what its event is: this payment's share of that
  // fulfillment. What was derived from it (the share, capped) may differ when
  // the event comes again — the order changed, an earlier version worked it
  // out — and that is the same request, answered below with the capture made.
  const sameFulfillment = !!keyed && !!input.fulfillment_id && keyed.fulfillment_id === input.fulfillment_id
  const replay = sameFulfillment ? null : checkReplay(keyed, input.idempotency_key, hash)
  if (replay) return { replay }
  if (input.fulfillment_id) {
    // One capture per fulfillment however often its event comes: a live one
    // is replayed; a failed one too, unless an operator asked to retry it.
    const existing = captures
      .filter((c) => c.fulfillment_id === input.fulfillment_id)
      .sort((a, b) => b.created_at.getTime() - a.created_at.getTime() || b.id.localeCompare(a.id))
    const live = existing.find((c) => c.status !== "failed")
    if (live) return { replay: live }
    if (existing.length > 0 && existing[0].id !== input.retry_of) return { replay: existing[0] }
  }

  const registered = ctx.requireGateway(payment)
  assertAuthorized(payment)
  if (input.currency_code && input.currency_code.toLowerCase() !== payment.currency_code.toLowerCase()) {
    throw ledgerErrors.invalid(
      "currency_code",
      `${input.currency_code} does not match the payment's currency ${payment.currency_code.toUpperCase()}`
    )
  }

  const totals = ctx.totalsFrom(payment, captures, orderOwes)
  const owed = totals.not_owed > 0 ? `; the order owes ${orderOwes} more, ${totals.not_owed} authorized beyond that can only be released` : ""
  if (totals.capturable === 0) {
    throw ledgerErrors.notAllowed(
      `Payment ${payment.id} has nothing left to capture (authorized ${totals.authorized}, captured ${totals.captured}, in flight ${totals.pending}${owed})`,
      "nothing_to_capture"
    )
  }
  const amount = input.amount ?? (input.up_to !== undefined ? amountUpTo(input.up_to, totals) : totals.capturable)
  if (amount === 0) {
    throw ledgerErrors.notAllowed(
      `Payment ${payment.id} has captured (or has on its way) ${totals.captured + totals.pending} already, ` +
        `as much as what this capture was to bring it up to (${input.up_to})`,
      "nothing_to_capture"
    )
  }
  if (amount > totals.capturable) {
    throw ledgerErrors.invalid(
      "amount",
      `${amount} exceeds what can still be captured on payment ${payment.id}: ${totals.capturable} ` +
        `(authorized ${totals.authorized}, captured ${totals.captured}, in flight ${totals.pending}${owed})`
    )
  }

  const id = generateEntityId(undefined, "cap")
  const problem = registered.gateway.captureMetadataProblem?.(gatewayMetadata(input.metadata ?? null, id, payment.id), id)
  if (problem) throw ledgerErrors.invalid("metadata", problem)
  const currency_code = payment.currency_code.toLowerCase()
  const idempotency_key = input.idempotency_key ?? id
  return {
    registered,
    values: {
      id,
      payment_id: payment.id,
      order_id: payment.order_id,
      provider_id: payment.provider_id,
      mode: registered.mode,
      status: "requested",
      amount,
      currency_code,
      refunded_amount: 0,
      description: input.description ?? null,
      reference: input.reference ?? null,
      reference_origin: input.reference_origin ?? null,
      metadata: input.metadata ?? null,
      fulfillment_id: input.fulfillment_id ?? null,
      idempotency_key,
      request_hash: hash,
      initiated_by: input.actor.type,
      in_flight_until: inFlightUntil(registered),
    },
    event: { amount, currency_code, idempotency_key },
  }
}
