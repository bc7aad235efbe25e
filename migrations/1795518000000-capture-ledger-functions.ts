import { MigrationInterface, QueryRunner } from "typeorm"

/**
 * Database functions for the capture hot path, so that each of its steps is
 * one round trip instead of three to five (bench/RESULTS.md (a)):
 *
 * - capture_ledger_read(payment, lock) reads the payment, its captures and a
 *   fingerprint of both (capture_ledger_token). With `lock` it locks the
 *   payment row first; inside a PL/pgSQL function each statement takes a fresh
 *   snapshot (READ COMMITTED), so the read then sees every capture committed by
 *   whoever held the lock before — which one statement that both locks and
 *   reads would not (its snapshot is taken before it waits for the lock).
 * - capture_insert_requested(token, row, event) writes the `requested` row and
 *   its event under the payment's lock, only if the fingerprint is unchanged:
 *   a decision made from an unlocked read is kept only when it is exactly the
 *   decision a locked read would have made (optimistic concurrency).
 * - capture_apply_outcome(...) is the whole outcome transaction: lock the
 *   payment through the capture, move the row forward only from the statuses
 *   the service allows (the transition rules stay in the domain code, which
 *   passes them in), append its event, and bring Medusa's payment/order in
 *   step. Called on its own it is one transaction.
 *
 * capture_sync_core(payment, order) is the outcome's "Medusa's view" step: it
 * sets payment.captured_at and order.payment_status the way core would.
 */
export class CaptureLedgerFunctions1795518000000 implements MigrationInterface {
  name = "CaptureLedgerFunctions1795518000000"

  public async up(q: QueryRunner): Promise<void> {
    // Medusa v1 knows one capture per payment: captured_at is set once the
    // succeeded captures cover the authorization, and the order is marked
    // captured when none of its other live payments waits. The order's check
    // cannot see the payment's new captured_at within the same statement, so
    // that payment is left out of it by id.
    await q.query(`
      CREATE FUNCTION capture_sync_core(p_payment_id varchar, p_order_id varchar) RETURNS void AS $$
      BEGIN
        WITH captured AS (
          UPDATE payment SET captured_at = now(), updated_at = now()
           WHERE id = p_payment_id AND captured_at IS NULL
             AND amount <= (SELECT COALESCE(SUM(c.amount), 0) FROM capture c
                             WHERE c.payment_id = p_payment_id AND c.status = 'succeeded')
          RETURNING id
        )
        UPDATE "order" o SET payment_status = 'captured', updated_at = now()
          FROM captured
         WHERE o.id = p_order_id
           AND o.payment_status IN ('awaiting', 'requires_action', 'not_paid')
           AND NOT EXISTS (SELECT 1 FROM payment p
                            WHERE p.order_id = o.id AND p.id <> captured.id AND p.canceled_at IS NULL AND p.captured_at IS NULL);
      END $$ LANGUAGE plpgsql VOLATILE`)

    // What a capture decision reads, as a fingerprint: the payment row's and
    // each of its captures' row versions (xmin changes with every update of a
    // row; locking a row does not change it). Equal fingerprints mean nothing
    // the decision was made from has changed since.
    await q.query(`
      CREATE FUNCTION capture_ledger_token(p_payment_id varchar) RETURNS text AS $$
        SELECT md5(p.xmin::text || ':' || COALESCE(
                 (SELECT string_agg(c.id || '@' || c.xmin::text, ',' ORDER BY c.id) FROM capture c WHERE c.payment_id = p.id), ''))
          FROM payment p WHERE p.id = p_payment_id
      $$ LANGUAGE sql STABLE`)

    await q.query(`
      CREATE FUNCTION capture_ledger_read(p_payment_id varchar, p_lock boolean)
      RETURNS TABLE (id varchar, amount integer, currency_code varchar, provider_id varchar, swap_id varchar,
                     captured_at timestamptz, canceled_at timestamptz, data jsonb, order_id varchar,
                     captures jsonb, token text) AS $$
      BEGIN
        IF p_lock THEN
          PERFORM 1 FROM payment p WHERE p.id = p_payment_id FOR UPDATE;
        END IF;
        RETURN QUERY
          SELECT p.id, p.amount, p.currency_code, p.provider_id, p.swap_id, p.captured_at, p.canceled_at, p.data,
                 COALESCE(p.order_id, s.order_id),
                 (SELECT COALESCE(jsonb_agg(to_jsonb(c) ORDER BY c.created_at, c.id), '[]'::jsonb)
                    FROM capture c WHERE c.payment_id = p.id),
                 capture_ledger_token(p.id)
            FROM payment p LEFT JOIN swap s ON s.id = p.swap_id
           WHERE p.id = p_payment_id;
      END $$ LANGUAGE plpgsql VOLATILE`)

    // Inserts a requested capture and its event, under the payment's lock; with
    // a token, only if the ledger is still as it was when the decision to
    // capture was made (else no row: the caller decides again, under the lock).
    // Columns left out take their defaults (number, timestamps).
    await q.query(`
      CREATE FUNCTION capture_insert_requested(
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
                             request_hash, initiated_by)
        SELECT r.id, r.payment_id, r.order_id, r.provider_id, r.mode, r.status, r.amount, r.currency_code, r.refunded_amount,
               r.description, r.reference, r.reference_origin, r.metadata, r.fulfillment_id, r.idempotency_key,
               r.request_hash, r.initiated_by
          FROM jsonb_populate_record(NULL::capture, p_row) r
        RETURNING * INTO v_capture;
        INSERT INTO capture_event (id, payment_id, capture_id, type, actor_type, actor_id, data)
        VALUES (p_event_id, v_capture.payment_id, v_capture.id, 'capture.requested', p_actor_type, p_actor_id, p_event_data);
        RETURN NEXT v_capture;
      END $$ LANGUAGE plpgsql VOLATILE`)

    // p_status 'requested' records an unclear outcome (the message only, and
    // only while the row is still requested); any other status settles the row.
    // No row back: the capture does not exist, or it had moved on already.
    await q.query(`
      CREATE FUNCTION capture_apply_outcome(
        p_capture_id varchar, p_from varchar[], p_status varchar,
        p_gateway_capture_id varchar, p_gateway_transaction_id varchar, p_token varchar,
        p_message text, p_error_code varchar, p_error_detail text, p_decline_code varchar,
        p_event_id varchar, p_actor_type varchar, p_actor_id varchar, p_event_data jsonb
      ) RETURNS SETOF capture AS $$
      DECLARE
        v_payment record;
        v_capture capture%ROWTYPE;
        v_data jsonb := p_event_data;
      BEGIN
        SELECT p.id, p.captured_at, COALESCE(p.order_id, s.order_id) AS order_id INTO v_payment
          FROM payment p LEFT JOIN swap s ON s.id = p.swap_id
         WHERE p.id = (SELECT c.payment_id FROM capture c WHERE c.id = p_capture_id)
           FOR UPDATE OF p;
        IF NOT FOUND THEN
          RETURN;
        END IF;

        IF p_status = 'requested' THEN
          UPDATE capture SET message = p_message, updated_at = now()
           WHERE id = p_capture_id AND status = 'requested'
          RETURNING * INTO v_capture;
        ELSE
          UPDATE capture
             SET status = p_status,
                 gateway_capture_id = COALESCE(p_gateway_capture_id, gateway_capture_id),
                 gateway_transaction_id = COALESCE(p_gateway_transaction_id, gateway_transaction_id),
                 token = COALESCE(p_token, token),
                 message = p_message, error_code = p_error_code, error_detail = p_error_detail,
                 decline_code = p_decline_code,
                 captured_at = CASE WHEN p_status = 'succeeded' THEN now() ELSE captured_at END,
                 updated_at = now()
           WHERE id = p_capture_id AND status = ANY(p_from)
          RETURNING * INTO v_capture;
          v_data := jsonb_build_object('gateway_capture_id', v_capture.gateway_capture_id) || p_event_data;
        END IF;
        IF v_capture.id IS NULL THEN
          RETURN;
        END IF;

        INSERT INTO capture_event (id, payment_id, capture_id, type, actor_type, actor_id, data)
        VALUES (p_event_id, v_capture.payment_id, v_capture.id,
                CASE WHEN p_status = 'requested' THEN 'capture.unresolved' ELSE 'capture.' || p_status END,
                p_actor_type, p_actor_id, v_data);

        -- Core's own capture hook (initiated_by 'processor') updates Medusa's rows itself.
        IF v_capture.status = 'succeeded' AND v_capture.initiated_by <> 'processor' AND v_payment.captured_at IS NULL THEN
          PERFORM capture_sync_core(v_payment.id, v_payment.order_id);
        END IF;
        RETURN NEXT v_capture;
      END $$ LANGUAGE plpgsql VOLATILE`)
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP FUNCTION capture_apply_outcome(varchar, varchar[], varchar, varchar, varchar, varchar, text, varchar, text, varchar, varchar, varchar, varchar, jsonb)`)
    await q.query(`DROP FUNCTION capture_insert_requested(text, jsonb, varchar, varchar, varchar, jsonb)`)
    await q.query(`DROP FUNCTION capture_ledger_read(varchar, boolean)`)
    await q.query(`DROP FUNCTION capture_ledger_token(varchar)`)
    await q.query(`DROP FUNCTION capture_sync_core(varchar, varchar)`)
  }
}
