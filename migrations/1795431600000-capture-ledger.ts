import { MigrationInterface, QueryRunner } from "typeorm"

/**
 * The capture ledger. The rules that keep money right are enforced here as well
 * as in CaptureService, so a bug or a second server instance cannot break them:
 * - amounts are positive integers, refunded_amount stays within the capture;
 * - one capture per (payment, idempotency key) and one that is not failed per
 *   (payment, fulfillment);
 * - triggers lock the parent row and refuse captures beyond the authorized
 *   amount and refunds beyond a capture's amount (failed rows count nowhere);
 * - capture_event is append-only;
 * - timestamps keep milliseconds only, so a timestamp the API returned can be
 *   used as an exact created_at[gt] bound.
 */
export class CaptureLedger1795431600000 implements MigrationInterface {
  name = "CaptureLedger1795431600000"

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE "capture" (
        "id" character varying NOT NULL,
        "number" SERIAL NOT NULL,
        "payment_id" character varying NOT NULL,
        "order_id" character varying,
        "provider_id" character varying NOT NULL,
        "mode" character varying(4) NOT NULL,
        "status" character varying(16) NOT NULL,
        "amount" integer NOT NULL,
        "currency_code" character varying(3) NOT NULL,
        "refunded_amount" integer NOT NULL DEFAULT 0,
        "description" character varying(255),
        "reference" character varying,
        "reference_origin" character varying,
        "metadata" jsonb,
        "gateway_capture_id" character varying,
        "gateway_transaction_id" character varying,
        "token" character varying,
        "message" text,
        "error_code" character varying,
        "error_detail" text,
        "decline_code" character varying,
        "fulfillment_id" character varying,
        "idempotency_key" character varying NOT NULL,
        "request_hash" character varying(64) NOT NULL,
        "initiated_by" character varying NOT NULL,
        "captured_at" TIMESTAMP(3) WITH TIME ZONE,
        "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(),
        "updated_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(),
        CONSTRAINT "PK_capture" PRIMARY KEY ("id"),
        CONSTRAINT "UQ_capture_number" UNIQUE ("number"),
        CONSTRAINT "UQ_capture_payment_idempotency_key" UNIQUE ("payment_id", "idempotency_key"),
        CONSTRAINT "CHK_capture_amount_positive" CHECK ("amount" > 0),
        CONSTRAINT "CHK_capture_refunded_within_amount" CHECK ("refunded_amount" >= 0 AND "refunded_amount" <= "amount"),
        CONSTRAINT "CHK_capture_status" CHECK ("status" IN ('requested', 'pending', 'succeeded', 'failed')),
        CONSTRAINT "CHK_capture_mode" CHECK ("mode" IN ('test', 'live')),
        CONSTRAINT "FK_capture_payment" FOREIGN KEY ("payment_id") REFERENCES "payment"("id") ON DELETE RESTRICT
      )`)
    // One capture per fulfillment: a refused (failed) one does not count, so an
    // operator can retry it; a repeated event never makes a second.
    await q.query(
      `CREATE UNIQUE INDEX "UQ_capture_payment_fulfillment" ON "capture" ("payment_id", "fulfillment_id")
        WHERE "fulfillment_id" IS NOT NULL AND "status" <> 'failed'`
    )
    await q.query(`CREATE INDEX "IDX_capture_payment_id" ON "capture" ("payment_id")`)
    await q.query(`CREATE INDEX "IDX_capture_order_id" ON "capture" ("order_id")`)
    await q.query(`CREATE INDEX "IDX_capture_created_at" ON "capture" ("created_at", "id")`)
    await q.query(`CREATE INDEX "IDX_capture_provider_status" ON "capture" ("provider_id", "status", "created_at")`)
    await q.query(`CREATE INDEX "IDX_capture_unsettled" ON "capture" ("updated_at") WHERE "status" IN ('requested', 'pending')`)

    await q.query(`
      CREATE TABLE "capture_refund" (
        "id" character varying NOT NULL,
        "capture_id" character varying NOT NULL,
        "payment_id" character varying NOT NULL,
        "status" character varying(16) NOT NULL,
        "amount" integer NOT NULL,
        "currency_code" character varying(3) NOT NULL,
        "gateway_refund_id" character varying,
        "reason" character varying,
        "note" text,
        "metadata" jsonb,
        "message" text,
        "error_code" character varying,
        "error_detail" text,
        "decline_code" character varying,
        "medusa_refund_id" character varying,
        "idempotency_key" character varying NOT NULL,
        "request_hash" character varying(64) NOT NULL,
        "initiated_by" character varying NOT NULL,
        "refunded_at" TIMESTAMP(3) WITH TIME ZONE,
        "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(),
        "updated_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(),
        CONSTRAINT "PK_capture_refund" PRIMARY KEY ("id"),
        CONSTRAINT "UQ_capture_refund_idempotency_key" UNIQUE ("capture_id", "idempotency_key"),
        CONSTRAINT "CHK_capture_refund_amount_positive" CHECK ("amount" > 0),
        CONSTRAINT "CHK_capture_refund_status" CHECK ("status" IN ('requested', 'pending', 'succeeded', 'failed')),
        CONSTRAINT "FK_capture_refund_capture" FOREIGN KEY ("capture_id") REFERENCES "capture"("id") ON DELETE RESTRICT
      )`)
    await q.query(`CREATE INDEX "IDX_capture_refund_capture_id" ON "capture_refund" ("capture_id")`)
    await q.query(`CREATE INDEX "IDX_capture_refund_payment_id" ON "capture_refund" ("payment_id")`)
    await q.query(`CREATE INDEX "IDX_capture_refund_unsettled" ON "capture_refund" ("updated_at") WHERE "status" IN ('requested', 'pending')`)

    await q.query(`
      CREATE TABLE "capture_event" (
        "id" character varying NOT NULL,
        "payment_id" character varying NOT NULL,
        "capture_id" character varying,
        "refund_id" character varying,
        "type" character varying NOT NULL,
        "actor_type" character varying NOT NULL,
        "actor_id" character varying,
        "data" jsonb,
        "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(),
        CONSTRAINT "PK_capture_event" PRIMARY KEY ("id"),
        CONSTRAINT "FK_capture_event_payment" FOREIGN KEY ("payment_id") REFERENCES "payment"("id") ON DELETE RESTRICT,
        CONSTRAINT "FK_capture_event_capture" FOREIGN KEY ("capture_id") REFERENCES "capture"("id") ON DELETE RESTRICT,
        CONSTRAINT "FK_capture_event_refund" FOREIGN KEY ("refund_id") REFERENCES "capture_refund"("id") ON DELETE RESTRICT
      )`)
    await q.query(`CREATE INDEX "IDX_capture_event_capture_id" ON "capture_event" ("capture_id", "created_at")`)
    await q.query(`CREATE INDEX "IDX_capture_event_payment_id" ON "capture_event" ("payment_id", "created_at")`)

    // Cross-row invariants. The payment/capture row is locked first, so two
    // transactions inserting at once are serialised here even if the service's
    // own lock were skipped.
    await q.query(`
      CREATE FUNCTION capture_within_authorization() RETURNS trigger AS $$
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
    await q.query(`
      CREATE TRIGGER "TRG_capture_within_authorization" BEFORE INSERT OR UPDATE OF amount, status ON "capture"
      FOR EACH ROW EXECUTE FUNCTION capture_within_authorization()`)

    await q.query(`
      CREATE FUNCTION capture_refund_within_capture() RETURNS trigger AS $$
      DECLARE
        captured integer;
        capture_status varchar;
        spoken_for bigint;
      BEGIN
        IF NEW.status = 'failed' THEN
          RETURN NEW;
        END IF;
        SELECT amount, status INTO captured, capture_status FROM capture WHERE id = NEW.capture_id FOR UPDATE;
        IF capture_status <> 'succeeded' THEN
          RAISE EXCEPTION 'capture % is %, only succeeded captures can be refunded', NEW.capture_id, capture_status
            USING ERRCODE = 'check_violation', CONSTRAINT = 'CHK_capture_refund_of_succeeded_capture';
        END IF;
        SELECT COALESCE(SUM(amount), 0) INTO spoken_for FROM capture_refund
          WHERE capture_id = NEW.capture_id AND status <> 'failed' AND id <> NEW.id;
        IF spoken_for + NEW.amount > captured THEN
          RAISE EXCEPTION 'refund of % on capture % exceeds its amount % (% already refunded or requested)',
            NEW.amount, NEW.capture_id, captured, spoken_for
            USING ERRCODE = 'check_violation', CONSTRAINT = 'CHK_capture_refund_within_capture';
        END IF;
        RETURN NEW;
      END $$ LANGUAGE plpgsql`)
    await q.query(`
      CREATE TRIGGER "TRG_capture_refund_within_capture" BEFORE INSERT OR UPDATE OF amount, status ON "capture_refund"
      FOR EACH ROW EXECUTE FUNCTION capture_refund_within_capture()`)

    await q.query(`
      CREATE FUNCTION capture_event_append_only() RETURNS trigger AS $$
      BEGIN
        RAISE EXCEPTION 'capture_event is append-only' USING ERRCODE = 'insufficient_privilege';
      END $$ LANGUAGE plpgsql`)
    await q.query(`
      CREATE TRIGGER "TRG_capture_event_append_only" BEFORE UPDATE OR DELETE ON "capture_event"
      FOR EACH ROW EXECUTE FUNCTION capture_event_append_only()`)
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "capture_event"`)
    await q.query(`DROP TABLE "capture_refund"`)
    await q.query(`DROP TABLE "capture"`)
    await q.query(`DROP FUNCTION capture_event_append_only()`)
    await q.query(`DROP FUNCTION capture_refund_within_capture()`)
    await q.query(`DROP FUNCTION capture_within_authorization()`)
  }
}
