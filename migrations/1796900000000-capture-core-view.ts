import { MigrationInterface, QueryRunner } from "typeorm"

/**
 * Medusa's own view equals the ledger at every moment, also while an
 * authorization is open and partly captured (docs/medusa-view.md).
 *
 * Until now Medusa's payment was brought to the money captured only once its
 * authorization closed; in between, core counted the whole authorization as
 * paid and could not refund the part already captured (no `captured_at`), so
 * returns, claims, swaps and the admin's Refund button failed on a partly
 * captured order. From here on, as soon as a payment has captured money:
 *
 * - capture_sync_core: payment.amount = its succeeded captures and
 *   captured_at is set (the authorization was recorded in
 *   capture_authorization first); the authorization is closed, as before,
 *   only once nothing is in flight and nothing more can be captured; the
 *   order's payment status follows the money (capture_sync_order_status).
 * - capture_sync_order_status(order): `captured` once any of the order's
 *   payments holds captured money, `partially_refunded` / `refunded` by what
 *   was refunded of it; a canceled order is left alone, and so is an order in
 *   `requires_action` while one of its captures is still in flight. Also
 *   called after a refund made through the plugin's routes.
 * - capture_payment_amount (trigger): payment.amount of a payment the ledger
 *   has taken over is the sum of its succeeded captures, and its
 *   amount_refunded never goes down, whoever writes the row. Core saves
 *   payments it read before the ledger changed them (its capture hook, its
 *   cancel; TypeORM writes back every column that differs), which would put
 *   the authorized amount, or an older amount_refunded, back.
 * - capture_ledger_read answers whether the payment's order has a confirmed
 *   order edit (`order_edited`): only then can the order owe less than its
 *   payments authorize, and captures are decided against the order's current
 *   total under the lock of all its payments.
 *
 * Payments with captured money and orders still `awaiting` are brought in
 * step here.
 */
export class CaptureCoreView1796900000000 implements MigrationInterface {
  name = "CaptureCoreView1796900000000"

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`DROP FUNCTION capture_ledger_read(varchar, boolean)`)
    await q.query(ledgerRead(true))

    await q.query(`
      CREATE FUNCTION capture_sync_order_status(p_order_id varchar) RETURNS void AS $$
      BEGIN
        -- What the order collected: a ledger payment's succeeded captures (its
        -- amount may still be the authorization), any other payment's amount
        -- once captured; swaps' and canceled payments included.
        UPDATE "order" o
           SET payment_status = t.status, updated_at = now()
          FROM (SELECT CASE WHEN sums.refunded >= sums.paid THEN 'refunded'
                            WHEN sums.refunded > 0 THEN 'partially_refunded'
                            ELSE 'captured' END::order_payment_status_enum AS status,
                       sums.paid, sums.in_flight
                  FROM (SELECT COALESCE(SUM(CASE WHEN c.rows > 0 THEN c.captured
                                                 WHEN p.captured_at IS NOT NULL THEN p.amount
                                                 ELSE 0 END), 0) AS paid,
                               COALESCE(SUM(p.amount_refunded), 0) AS refunded,
                               COALESCE(SUM(c.in_flight), 0) AS in_flight
                          FROM payment p
                          LEFT JOIN swap s ON s.id = p.swap_id
                          CROSS JOIN LATERAL (
                            SELECT count(*) AS rows,
                                   COALESCE(SUM(amount) FILTER (WHERE status = 'succeeded'), 0) AS captured,
                                   COALESCE(SUM(amount) FILTER (WHERE status IN ('requested', 'pending')), 0) AS in_flight
                              FROM capture WHERE payment_id = p.id) c
                         WHERE p.order_id = p_order_id OR s.order_id = p_order_id) sums) t
         WHERE o.id = p_order_id
           AND t.paid > 0
           AND o.payment_status <> 'canceled'
           AND o.payment_status IS DISTINCT FROM t.status
           AND NOT (o.payment_status = 'requires_action' AND t.in_flight > 0);
      END $$ LANGUAGE plpgsql VOLATILE`)

    await q.query(`${SYNC_CORE_HEAD}
        -- Medusa learns only money that was captured.
        IF v_captured = 0 THEN
          RETURN;
        END IF;
        -- The authorization is kept before Medusa's amount becomes the money captured.
        INSERT INTO capture_authorization (payment_id, authorized_amount)
        VALUES (p_payment_id, v_payment.amount) ON CONFLICT (payment_id) DO NOTHING;
        IF v_in_flight = 0 THEN
          v_reason := CASE
            WHEN v_payment.closed_reason IS NOT NULL THEN v_payment.closed_reason
            WHEN v_payment.canceled_at IS NOT NULL THEN 'canceled'
            WHEN v_captured >= COALESCE(v_payment.authorized_amount, v_payment.amount) THEN 'fully_captured'
            WHEN COALESCE(v_payment.single_capture, false) AND v_live THEN 'single_capture'
          END;
          IF v_reason IS NOT NULL THEN
            UPDATE capture_authorization
               SET closed_at = COALESCE(closed_at, now()), closed_reason = v_reason, updated_at = now()
             WHERE payment_id = p_payment_id AND (closed_at IS NULL OR closed_reason IS DISTINCT FROM v_reason);
          END IF;
        END IF;
        UPDATE payment SET amount = v_captured, captured_at = COALESCE(captured_at, now()), updated_at = now()
         WHERE id = p_payment_id AND (amount <> v_captured OR captured_at IS NULL);
        IF p_order_id IS NOT NULL THEN
          PERFORM capture_sync_order_status(p_order_id);
        END IF;
      END $$ LANGUAGE plpgsql VOLATILE`)

    await q.query(`
      CREATE FUNCTION capture_payment_amount() RETURNS trigger AS $$
      DECLARE
        v_captured bigint;
      BEGIN
        IF NOT EXISTS (SELECT 1 FROM capture_authorization WHERE payment_id = NEW.id) THEN
          RETURN NEW;
        END IF;
        IF NEW.amount IS DISTINCT FROM OLD.amount THEN
          SELECT COALESCE(SUM(amount), 0) INTO v_captured
            FROM capture WHERE payment_id = NEW.id AND status = 'succeeded';
          IF v_captured > 0 THEN
            NEW.amount := v_captured;
          END IF;
        END IF;
        -- Medusa only ever adds to amount_refunded: a lower value is a stale copy being saved.
        IF NEW.amount_refunded < OLD.amount_refunded THEN
          NEW.amount_refunded := OLD.amount_refunded;
        END IF;
        RETURN NEW;
      END $$ LANGUAGE plpgsql`)
    await q.query(`
      CREATE TRIGGER "TRG_capture_payment_amount" BEFORE UPDATE OF amount, amount_refunded ON payment
        FOR EACH ROW EXECUTE FUNCTION capture_payment_amount()`)

    // Payments with captured money whose authorization is still open, and their orders.
    await q.query(`
      INSERT INTO capture_authorization (payment_id, authorized_amount)
      SELECT p.id, p.amount FROM payment p
       WHERE EXISTS (SELECT 1 FROM capture c WHERE c.payment_id = p.id AND c.status = 'succeeded')
      ON CONFLICT (payment_id) DO NOTHING`)
    await q.query(`
      UPDATE payment p SET amount = c.captured, captured_at = COALESCE(p.captured_at, c.first_at), updated_at = now()
        FROM (SELECT payment_id, SUM(amount) AS captured, MIN(COALESCE(captured_at, updated_at)) AS first_at
                FROM capture WHERE status = 'succeeded' GROUP BY payment_id) c
       WHERE c.payment_id = p.id AND (p.amount <> c.captured OR p.captured_at IS NULL)`)
    await q.query(`
      SELECT capture_sync_order_status(o.id) FROM "order" o
       WHERE o.payment_status = 'awaiting'
         AND EXISTS (SELECT 1 FROM payment p JOIN capture c ON c.payment_id = p.id
                      WHERE p.order_id = o.id AND c.status = 'succeeded')`)
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER "TRG_capture_payment_amount" ON payment`)
    await q.query(`DROP FUNCTION capture_payment_amount()`)
    // Open authorizations go back to Medusa's view of an authorized payment.
    await q.query(`
      UPDATE payment p SET amount = a.authorized_amount, captured_at = NULL, updated_at = now()
        FROM capture_authorization a
       WHERE a.payment_id = p.id AND a.closed_at IS NULL AND p.canceled_at IS NULL`)
    await q.query(`${SYNC_CORE_HEAD}
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
          RETURN;
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
    await q.query(`DROP FUNCTION capture_sync_order_status(varchar)`)
    await q.query(`DROP FUNCTION capture_ledger_read(varchar, boolean)`)
    await q.query(ledgerRead(false))
  }
}

/**
 * The start of capture_sync_core, the same in this migration's version and in
 * the one its down() restores: the payment, its authorization, and its
 * captures summed (succeeded, in flight, any not failed).
 */
const SYNC_CORE_HEAD = `
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
          FROM capture WHERE payment_id = p_payment_id;`

/** capture_ledger_read, with (`edited`) or without the order_edited column. */
function ledgerRead(edited: boolean): string {
  return `
      CREATE FUNCTION capture_ledger_read(p_payment_id varchar, p_lock boolean)
      RETURNS TABLE (id varchar, amount integer, currency_code varchar, provider_id varchar, swap_id varchar,
                     captured_at timestamptz, canceled_at timestamptz, closed_at timestamptz, data jsonb,
                     order_id varchar,${edited ? " order_edited boolean," : ""} captures jsonb, token text) AS $$
      BEGIN
        IF p_lock THEN
          PERFORM 1 FROM payment p WHERE p.id = p_payment_id FOR UPDATE;
        END IF;
        RETURN QUERY
          SELECT p.id, COALESCE(a.authorized_amount, p.amount), p.currency_code, p.provider_id, p.swap_id,
                 p.captured_at, p.canceled_at, a.closed_at, p.data,
                 COALESCE(p.order_id, s.order_id),${
                   edited
                     ? `
                 p.order_id IS NOT NULL AND EXISTS (SELECT 1 FROM order_edit e
                                                     WHERE e.order_id = p.order_id AND e.confirmed_at IS NOT NULL),`
                     : ""
                 }
                 (SELECT COALESCE(jsonb_agg(to_jsonb(c) ORDER BY c.created_at, c.id), '[]'::jsonb)
                    FROM capture c WHERE c.payment_id = p.id),
                 capture_ledger_token(p.id)
            FROM payment p LEFT JOIN swap s ON s.id = p.swap_id
            LEFT JOIN capture_authorization a ON a.payment_id = p.id
           WHERE p.id = p_payment_id;
      END $$ LANGUAGE plpgsql VOLATILE`
}
