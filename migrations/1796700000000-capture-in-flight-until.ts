import { MigrationInterface, QueryRunner } from "typeorm"

/**
 * When a capture or refund may be declared never received by its gateway.
 *
 * A lookup that finds nothing proves only that the gateway has not seen the
 * call yet; while the call may still be on its way (the provider's timeout on
 * each attempt, its retries and the waits between them), declaring it failed
 * invites a second capture or refund. Each row records, when it is written,
 * until when its own call may still be running (`in_flight_until`), from the
 * provider's options at that moment; reconciliation declares "never received"
 * only after it, whatever the request asks for. capture_insert_requested
 * writes the new column (its signature is unchanged).
 */
export class CaptureInFlightUntil1796700000000 implements MigrationInterface {
  name = "CaptureInFlightUntil1796700000000"

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "capture" ADD COLUMN "in_flight_until" TIMESTAMP WITH TIME ZONE`)
    await q.query(`ALTER TABLE "capture_refund" ADD COLUMN "in_flight_until" TIMESTAMP WITH TIME ZONE`)
    await q.query(insertRequested(true))
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(insertRequested(false))
    await q.query(`ALTER TABLE "capture_refund" DROP COLUMN "in_flight_until"`)
    await q.query(`ALTER TABLE "capture" DROP COLUMN "in_flight_until"`)
  }
}

/** capture_insert_requested, with or without the in_flight_until column. */
function insertRequested(withInFlightUntil: boolean): string {
  const column = withInFlightUntil ? ", in_flight_until" : ""
  const value = withInFlightUntil ? ", r.in_flight_until" : ""
  return `
      CREATE OR REPLACE FUNCTION capture_insert_requested(
        p_token text, p_row jsonb, p_event_id varchar, p_actor_type varchar, p_actor_id varchar, p_event_data jsonb
      ) RETURNS SETOF capture AS $$
      DECLARE
        v_payment_id varchar := p_row->>'payment_id';
        v_capture capture%ROWTYPE;
      BEGIN
        PERFORM 1 FROM payment p WHERE p.id = v_payment_id FOR UPDATE;
        IF p_token IS NOT NULL AND p_token IS DISTINCT FROM capture_ledger_token(v_payment_id) THEN
          RETURN;
        END IF;
        INSERT INTO capture (id, payment_id, order_id, provider_id, mode, status, amount, currency_code, refunded_amount,
                             description, reference, reference_origin, metadata, fulfillment_id, idempotency_key,
                             request_hash, initiated_by${column})
        SELECT r.id, r.payment_id, r.order_id, r.provider_id, r.mode, r.status, r.amount, r.currency_code, r.refunded_amount,
               r.description, r.reference, r.reference_origin, r.metadata, r.fulfillment_id, r.idempotency_key,
               r.request_hash, r.initiated_by${value}
          FROM jsonb_populate_record(NULL::capture, p_row) r
        RETURNING * INTO v_capture;
        INSERT INTO capture_event (id, payment_id, capture_id, type, actor_type, actor_id, data)
        VALUES (p_event_id, v_capture.payment_id, v_capture.id, 'capture.requested', p_actor_type, p_actor_id, p_event_data);
        RETURN NEXT v_capture;
      END $$ LANGUAGE plpgsql VOLATILE`
}
