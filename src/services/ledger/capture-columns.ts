/**
 * The capture row's columns as the hot path's database functions write them.
 * Those functions (migrations: capture_insert_requested, capture_apply_outcome,
 * capture_ledger_read) name the columns in SQL, apart from the `Capture`
 * entity; these lists are the TypeScript side of that, and
 * integration-tests/ledger/capture-columns.spec.ts fails when the entity, the
 * table, the functions and these lists disagree. A new column of the entity
 * goes into exactly one of them, and into the functions by a new migration.
 */

/** What capture_insert_requested inserts: the decided `requested` row. */
export const REQUESTED_CAPTURE_COLUMNS = [
  "id",
  "payment_id",
  "order_id",
  "provider_id",
  "mode",
  "status",
  "amount",
  "currency_code",
  "refunded_amount",
  "description",
  "reference",
  "reference_origin",
  "metadata",
  "fulfillment_id",
  "idempotency_key",
  "request_hash",
  "initiated_by",
  "in_flight_until",
] as const

/** What capture_apply_outcome sets when a gateway's outcome arrives. */
export const OUTCOME_CAPTURE_COLUMNS = [
  "status",
  "gateway_capture_id",
  "gateway_transaction_id",
  "token",
  "message",
  "error_code",
  "error_detail",
  "decline_code",
  "captured_at",
  "updated_at",
] as const

/** Filled by the database (defaults, a sequence) and never written by the hot path. */
export const DATABASE_FILLED_CAPTURE_COLUMNS = ["number", "created_at"] as const
