/**
 * Rows that PostgreSQL hands over as JSON (to_jsonb/jsonb_agg, to read a row
 * and its children in one statement) carry their timestamps as strings; the
 * entities, and the API that serializes them, carry Dates.
 */
/** Every timestamp column of capture and capture_refund (integration-tests/ledger/capture-columns.spec.ts checks). */
export const JSON_ROW_TIMESTAMPS = ["created_at", "updated_at", "captured_at", "refunded_at", "in_flight_until"] as const

export function withDates<T>(row: Record<string, unknown>): Partial<T> {
  const out: Record<string, unknown> = { ...row }
  for (const key of JSON_ROW_TIMESTAMPS) if (typeof row[key] === "string") out[key] = new Date(row[key] as string)
  return out as Partial<T>
}
