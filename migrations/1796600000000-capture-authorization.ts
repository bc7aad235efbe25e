import { MigrationInterface, QueryRunner } from "typeorm"

/**
 * The authorization moves into the ledger, so that Medusa's own payment can say
 * what was really collected (docs/medusa-view.md).
 *
 * Medusa v1 knows one capture per payment: core counts `payment.amount` as the
 * order's paid total and refunds only from payments with `captured_at`. Once
 * nothing more can be captured on a payment (fully captured, a single-capture
 * gateway's rest released, the rest released by the operator, the payment
 * canceled), the ledger brings Medusa's payment down to the money captured —
 * `amount` = succeeded captures, `captured_at` set — so core's paid total,
 * refundable amount, refund route and Refund button all see exactly that. The
 * authorized amount it had is kept here first (`capture_authorization`), and
 * every ledger rule reads the authorization from here when a row exists, else
 * from Medusa's payment (which the ledger has not touched then).
 *
 * - capture_authorization: one row per payment the ledger took over
 *   (authorized_amount, single_capture, closed_at/closed_reason), made before
 *   payment.amount is ever changed; backfilled for payments with captures.
 * - capture_within_authorization (trigger), capture_ledger_read: the
 *   authorization from capture_authorization when present.
 * - capture_sync_core(payment, order): once nothing is in flight and nothing
 *   more can be captured, closes the authorization, brings payment.amount to
 *   what was captured and sets captured_at, and marks the order captured when
 *   no other live payment waits. Called after every final capture outcome
 *   (also of captures core's own capture hook asked for: a capture that core
 *   saw as unresolved and that succeeds later is brought into Medusa's view),
 *   and after a release.
 */
export class CaptureAuthorization1796600000000 implements MigrationInterface {
  name = "CaptureAuthorization1796600000000"

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE "capture_authorization" (
        "payment_id" character varying NOT NULL,
        "authorized_amount" integer NOT NULL,
        "single_capture" boolean NOT NULL DEFAULT false,
        "closed_at" TIMESTAMP WITH TIME ZONE,
        "closed_reason" character varying,
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        CONSTRAINT "PK_capture_authorization" PRIMARY KEY ("payment_id"),
        CONSTRAINT "CHK_capture_authorization_amount" CHECK ("authorized_amount" >= 0),
        CONSTRAINT "CHK_capture_authorization_reason" CHECK (
          "closed_reason" IS NULL OR "closed_reason" IN ('fully_captured', 'single_capture', 'released', 'canceled')),
        CONSTRAINT "FK_capture_authorization_payment" FOREIGN KEY ("payment_id") REFERENCES "payment"("id") ON DELETE CASCADE
      )`)
    // Until now payment.amount was never changed by the ledger: it is the authorization.
    await q.query(`
      INSERT INTO capture_authorization (payment_id, authorized_amount)
      SELECT p.id, p.amount FROM payment p WHERE EXISTS (SELECT 1 FROM capture c WHERE c.payment_id = p.id)`)

    await q.query(`
      CREATE OR REPLACE FUNCTION capture_within_authorization() RETURNS trigger AS $$
      DECLARE
        authorized integer;
        spoken_for bigint;
      BEGIN
        IF NEW.status = 'failed' THEN
          RETURN NEW;
        END IF;
        PERFORM 1 FROM payment WHERE id = NEW.payment_id FOR UPDATE;
        SELECT COALESCE(a.authorized_amount, p.amount) INTO authorized
          FROM payment p LEFT JOIN capture_authorization a ON a.payment_id = p.id
         WHERE p.id = NEW.payment_id;
        SELECT COALESCE(SUM(amount), 0) INTO spoken_for FROM capture
          WHERE payment_id = NEW.payment_id AND status <> 'failed' AND id <> NEW.id;
        IF spoken_for + NEW.amount > authorized THEN
          RAISE EXCEPTION 'capture of % on payment % exceeds the authorized amount % (% already captured or requested)',
            NEW.amount, NEW.payment_id, authorized, spoken_for
            USING ERRCODE = 'check_violation', CONSTRAINT = 'CHK_capture_within_authorization';
        END IF;
        RETURN NEW;
      END $$ LANGUAGE plpgsql`)

    // Its answer gains closed_at (a released or closed authorization has nothing left to capture).
    await q.query(`DROP FUNCTION capture_ledger_read(varchar, boolean)`)
    await q.query(`
      CREATE FUNCTION capture_ledger_read(p_payment_id varchar, p_lock boolean)
      RETURNS TABLE (id varchar, amount integer, currency_code varchar, provider_id varchar, swap_id varchar,
                     captured_at timestamptz, canceled_at timestamptz, closed_at timestamptz, data jsonb,
                     order_id varchar, captures jsonb, token text) AS $$
      BEGIN
        IF p_lock THEN
          PERFORM 1 FROM payment p WHERE p.id = p_payment_id FOR UPDATE;
        END IF;
        RETURN QUERY
          SELECT p.id, COALESCE(a.authorized_amount, p.amount), p.currency_code, p.provider_id, p.swap_id,
                 p.captured_at, p.canceled_at, a.closed_at, p.data,
                 COALESCE(p.order_id, s.order_id),
                 (SELECT COALESCE(jsonb_agg(to_jsonb(c) ORDER BY c.created_at, c.id), '[]'::jsonb)
                    FROM capture c WHERE c.payment_id = p.id),
                 capture_ledger_token(p.id)
            FROM payment p LEFT JOIN swap s ON s.id = p.swap_id
            LEFT JOIN capture_authorization a ON a.payment_id = p.id
           WHERE p.id = p_payment_id;
      END $$ LANGUAGE plpgsql VOLATILE`)

    await q.query(`
      CREATE OR REPLACE FUNCTION capture_sync_core(p_payment_id varchar, p_order_id varchar) RETURNS void AS $$
      DECLARE
        v_payment record;
        v_captured bigint;
        v_in_flight bigint;
        v_live boolean;
        v_reason varchar;
      BEGIN
        SELECT p.amount, p.canceled_at, a.authorized_amount, a.single_capture, a.closed_at, a.closed_reason
          INTO v_payment
          FROM payment p LEFT JOIN capture_authorization a ON a.payment_id = p.id
         WHERE p.id = p_payment_id;
        SELECT COALESCE(SUM(amount) FILTER (WHERE status = 'succeeded'), 0),
               COALESCE(SUM(amount) FILTER (WHERE status IN ('requested', 'pending')), 0),
               COALESCE(bool_or(status <> 'failed'), false)
          INTO v_captured, v_in_flight, v_live
          FROM capture WHERE payment_id = p_payment_id;
        -- Medusa learns only final amounts, and only money that was captured.
        IF v_in_flight > 0 OR v_captured = 0 THEN
          RETURN;
        END IF;
        v_reason := CASE
          WHEN v_payment.closed_reason IS NOT NULL THEN v_payment.closed_reason
          WHEN v_payment.canceled_at IS NOT NULL THEN 'canceled'
          WHEN v_captured >= COALESCE(v_payment.authorized_amount, v_payment.amount) THEN 'fully_captured'
          WHEN COALESCE(v_payment.single_capture, false) AND v_live THEN 'single_capture'
        END;
        IF v_reason IS NULL THEN
          RETURN; -- more can still be captured: Medusa keeps its own view of the authorization
        END IF;
        INSERT INTO capture_authorization (payment_id, authorized_amount)
        VALUES (p_payment_id, v_payment.amount) ON CONFLICT (payment_id) DO NOTHING;
        UPDATE capture_authorization
           SET closed_at = COALESCE(closed_at, now()), closed_reason = v_reason, updated_at = now()
         WHERE payment_id = p_payment_id AND (closed_at IS NULL OR closed_reason IS DISTINCT FROM v_reason);
        UPDATE payment SET amount = v_captured, captured_at = COALESCE(captured_at, now()), updated_at = now()
         WHERE id = p_payment_id AND (amount <> v_captured OR captured_at IS NULL);
        UPDATE "order" o SET payment_status = 'captured', updated_at = now()
         WHERE o.id = p_order_id
           AND o.payment_status IN ('awaiting', 'requires_action', 'not_paid')
           AND NOT EXISTS (SELECT 1 FROM payment p LEFT JOIN swap s ON s.id = p.swap_id
                            WHERE (p.order_id = o.id OR s.order_id = o.id)
                              AND p.canceled_at IS NULL AND p.captured_at IS NULL);
      END $$ LANGUAGE plpgsql VOLATILE`)

    await q.query(applyOutcome(true))
  }

  public async down(q: QueryRunner): Promise<void> {
    // Medusa's payments get their authorized amounts back before the table goes.
    await q.query(`
      UPDATE payment p SET amount = a.authorized_amount, updated_at = now()
        FROM capture_authorization a WHERE a.payment_id = p.id AND p.amount <> a.authorized_amount`)
    await q.query(applyOutcome(false))
    await q.query(`
      CREATE OR REPLACE FUNCTION capture_sync_core(p_payment_id varchar, p_order_id varchar) RETURNS void AS $$
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
    await q.query(`DROP FUNCTION capture_ledger_read(varchar, boolean)`)
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
    await q.query(`
      CREATE OR REPLACE FUNCTION capture_within_authorization() RETURNS trigger AS $$
      DECLARE
        authorized integer;
        spoken_for bigint;
      BEGIN
        IF NEW.status = 'failed' THEN
          RETURN NEW;
        END IF;
        SELECT amount INTO authorized FROM payment WHERE id = NEW.payment_id FOR UPDATE;
        SELECT COALESCE(SUM(amount), 0) INTO spoken_for FROM capture
          WHERE payment_id = NEW.payment_id AND status <> 'failed' AND id <> NEW.id;
        IF spoken_for + NEW.amount > authorized THEN
          RAISE EXCEPTION 'capture of % on payment % exceeds the authorized amount % (% already captured or requested)',
            NEW.amount, NEW.payment_id, authorized, spoken_for
            USING ERRCODE = 'check_violation', CONSTRAINT = 'CHK_capture_within_authorization';
        END IF;
        RETURN NEW;
      END $$ LANGUAGE plpgsql`)
    await q.query(`DROP TABLE "capture_authorization"`)
  }
}

/**
 * capture_apply_outcome (its signature unchanged). `syncEveryFinalOutcome`:
 * this migration's rule, Medusa's view brought in step after every final
 * outcome; without, the previous one (succeeded, not asked by core's hook,
 * payment not yet captured).
 */
function applyOutcome(syncEveryFinalOutcome: boolean): string {
  const sync = syncEveryFinalOutcome
    ? `IF v_capture.status IN ('succeeded', 'failed') THEN`
    : `IF v_capture.status = 'succeeded' AND v_capture.initiated_by <> 'processor' AND v_payment.captured_at IS NULL THEN`
  return `
      CREATE OR REPLACE FUNCTION capture_apply_outcome(
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

        ${sync}
          PERFORM capture_sync_core(v_payment.id, v_payment.order_id);
        END IF;
        RETURN NEXT v_capture;
      END $$ LANGUAGE plpgsql VOLATILE`
}
