import { MigrationInterface, QueryRunner } from "typeorm"

/**
 * Medusa's refund hook is one ledger operation per (payment, amount, what
 * Medusa had acknowledged), keyed `medusa_refund_<amount>_after_<n>`. When
 * the hook gives up (a part's answer was lost or declined), Medusa records no
 * refund; if the operation then completes through reconciliation or a
 * webhook, the money went back without Medusa knowing. This table says who
 * records each operation in Medusa, so that it is recorded exactly once:
 *
 * - `core`: Medusa's hook is working on it (or finished it: core records it);
 * - `left`: the hook gave up; once every part settled, the ledger records in
 *   Medusa what went through (a Refund row, amount_refunded), inside the
 *   outcome's transaction: all of it, or less when a part was declined;
 * - `recorded`: the ledger did (`medusa_refund_id`, `recorded_amount`).
 *   Medusa's retry of the same amount is then answered "already recorded",
 *   nothing refunded, and the operation becomes `answered`;
 * - `answered`: from then on a refund of the same amount is a new one.
 *
 * The operation's key counts what Medusa had acknowledged refunding: its
 * amount_refunded less the plugin's own refunds and less what the ledger
 * recorded of operations nobody was told of yet (`recorded`), so a retry
 * after the ledger recorded one still finds it.
 *
 * Every change happens under the payment's row lock.
 *
 * Also the trigger `TRG_capture_refund_keep_order`: a Medusa Refund row the
 * plugin made (its metadata names the ledger's refund or operation) keeps its
 * order. Core saves orders it read earlier with their `refunds` relation, and
 * TypeORM detaches related rows missing from it (order_id = NULL): Medusa's
 * cancel does so with the refunds the plugin makes while it runs
 * (`refundOnCancel`).
 */
export class CaptureCoreRefund1797000000000 implements MigrationInterface {
  name = "CaptureCoreRefund1797000000000"

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE "capture_core_refund" (
        "payment_id" character varying NOT NULL,
        "op_key" character varying NOT NULL,
        "amount" integer NOT NULL,
        "state" character varying NOT NULL,
        "medusa_refund_id" character varying,
        "recorded_amount" integer,
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        CONSTRAINT "PK_capture_core_refund" PRIMARY KEY ("payment_id", "op_key"),
        CONSTRAINT "CHK_capture_core_refund_amount" CHECK ("amount" > 0),
        CONSTRAINT "CHK_capture_core_refund_state" CHECK ("state" IN ('core', 'left', 'recorded', 'answered')),
        CONSTRAINT "FK_capture_core_refund_payment" FOREIGN KEY ("payment_id") REFERENCES "payment"("id") ON DELETE CASCADE
      )`)
    await q.query(`
      CREATE FUNCTION capture_refund_keep_order() RETURNS trigger AS $$
      BEGIN
        IF NEW.order_id IS NULL AND OLD.order_id IS NOT NULL
           AND (OLD.metadata ? 'capture_refund_id' OR OLD.metadata ? 'capture_refund_operation') THEN
          NEW.order_id := OLD.order_id;
        END IF;
        RETURN NEW;
      END $$ LANGUAGE plpgsql`)
    await q.query(`
      CREATE TRIGGER "TRG_capture_refund_keep_order" BEFORE UPDATE OF order_id ON refund
        FOR EACH ROW EXECUTE FUNCTION capture_refund_keep_order()`)
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER "TRG_capture_refund_keep_order" ON refund`)
    await q.query(`DROP FUNCTION capture_refund_keep_order()`)
    await q.query(`DROP TABLE "capture_core_refund"`)
  }
}
