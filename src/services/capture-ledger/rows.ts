import type { EntityManager } from "typeorm"
import type { RegisteredGateway } from "../../gateways/registry"
import { Capture } from "../../models/capture"
import type { CaptureEvent } from "../../models/capture-event"
import { ledgerErrors } from "../ledger/errors"
import type { LockedPayment } from "../ledger/payment-lock"

/** Small facts about the ledger's rows and payments that several parts of the ledger ask. */

/** The least age at which reconciliation may declare a row never received (a default the caller may raise). */
export const NEVER_RECEIVED_AFTER_MS = 120_000
/**
 * Added to a gateway call's longest duration for what surrounds it: our own
 * request handling and outcome write, the gateway's queueing, clock skew
 * between server instances.
 */
export const IN_FLIGHT_MARGIN_MS = 30_000

/** Until when a gateway call sent now may still be running. */
export function inFlightUntil(registered: RegisteredGateway): Date {
  return new Date(Date.now() + registered.longestCallMs + IN_FLIGHT_MARGIN_MS)
}

/**
 * A row's age, and how long its own gateway call may have run: recorded on the
 * row when it was written; for rows written before that was recorded, what the
 * provider's options allow now (and never less than the old fixed threshold).
 */
export function rowTiming(
  row: { status: Capture["status"]; created_at: Date; in_flight_until: Date | null },
  registered: RegisteredGateway
): { status: Capture["status"]; ageMs: number; mayRunForMs: number } {
  const created = row.created_at.getTime()
  const mayRunForMs = row.in_flight_until
    ? row.in_flight_until.getTime() - created
    : Math.max(NEVER_RECEIVED_AFTER_MS, registered.longestCallMs + IN_FLIGHT_MARGIN_MS)
  return { status: row.status, ageMs: Date.now() - created, mayRunForMs }
}

/** A capture's metadata as the gateway gets it: the caller's, and the ids that tie it to the ledger. */
export function gatewayMetadata(metadata: Record<string, unknown> | null, captureId: string, paymentId: string): Record<string, unknown> {
  return { ...(metadata ?? {}), medusa_capture_id: captureId, medusa_payment_id: paymentId }
}

/** The gateway's id of the authorization, kept by our processors in payment.data. */
export function paymentRef(payment: LockedPayment): string {
  return String(payment.data?.payment_ref)
}

/**
 * A row whose gateway call has not come back yet: `requested` with no outcome
 * recorded (an unclear outcome always leaves a message). A replay of it gets a
 * 409 to retry, like any request racing another with the same key.
 */
export function isInFlight(row: { status: string; message: string | null }): boolean {
  return row.status === "requested" && row.message === null
}

export function assertAuthorized(payment: LockedPayment): void {
  if (payment.canceled_at) {
    throw ledgerErrors.notAllowed(`Payment ${payment.id} is canceled`, "payment_canceled")
  }
  if (!payment.data?.payment_ref || payment.data?.status !== "authorized") {
    throw ledgerErrors.notAllowed(
      `Payment ${payment.id} is not authorized at the gateway (status: ${String(payment.data?.status ?? "unknown")})`,
      "payment_not_authorized"
    )
  }
}

/** A payment's captures with their refunds: what its totals are made of. */
export function capturesOf(m: EntityManager, paymentId: string): Promise<Capture[]> {
  return m.getRepository(Capture).find({ where: { payment_id: paymentId }, relations: { refunds: true } })
}

/** The row an Idempotency-Key already made is replayed, but only for the same request. */
export function checkReplay<T extends { request_hash: string }>(existing: T | null | undefined, key: string | undefined, hash: string): T | null {
  if (!existing || !key) return null
  if (existing.request_hash !== hash) throw ledgerErrors.idempotencyMismatch(key)
  return existing
}

export async function findReplay<T extends { request_hash: string }>(
  repo: { findOne(opts: { where: Record<string, unknown> }): Promise<T | null> },
  scope: Record<string, unknown>,
  key: string | undefined,
  hash: string
): Promise<T | null> {
  if (!key) return null
  return checkReplay(await repo.findOne({ where: { ...scope, idempotency_key: key } }), key, hash)
}

/** Refunds and events in the order they happened. */
export function sortRelations(capture: Capture): void {
  capture.refunds?.sort((a, b) => a.created_at.getTime() - b.created_at.getTime() || a.id.localeCompare(b.id))
  capture.events?.sort(
    (a: CaptureEvent, b: CaptureEvent) => a.created_at.getTime() - b.created_at.getTime() || a.id.localeCompare(b.id)
  )
}
