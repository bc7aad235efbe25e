import { MigrationInterface, QueryRunner } from "typeorm"

/**
 * Mollie's webhook is unsigned and a payment's `tr_…` id is no secret, so its
 * calls are coalesced per payment (src/services/ledger/webhook-coalescing.ts):
 * one row per payment that received a webhook, shared by every server on the
 * database.
 *
 * - refresh_requested: a webhook came that no refresh has started after yet;
 * - lease_owner / lease_until: the refresh under way (taken by a conditional
 *   UPDATE; a crashed server's lease runs out);
 * - refresh_started_at: refreshes of a payment start a minimum interval apart;
 * - webhooks_waiting / webhooks_covered / webhooks_received, last_received_at:
 *   how many webhooks came (since the last refresh started, answered by the
 *   last refresh, in all) and when the last one did. capture_event records a
 *   webhook only when its refresh changed something, so this row is where
 *   webhooks that changed nothing show.
 *
 * The row is updated in place (it is state, not the audit trail) and goes
 * with its payment.
 */
export class CaptureWebhookRefresh1796800000000 implements MigrationInterface {
  name = "CaptureWebhookRefresh1796800000000"

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE "capture_webhook_refresh" (
        "payment_id" character varying NOT NULL,
        "refresh_requested" boolean NOT NULL DEFAULT false,
        "lease_owner" character varying,
        "lease_until" TIMESTAMP WITH TIME ZONE,
        "refresh_started_at" TIMESTAMP WITH TIME ZONE,
        "refresh_finished_at" TIMESTAMP WITH TIME ZONE,
        "webhooks_waiting" bigint NOT NULL DEFAULT 0,
        "webhooks_covered" bigint NOT NULL DEFAULT 0,
        "webhooks_received" bigint NOT NULL DEFAULT 0,
        "last_received_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        CONSTRAINT "PK_capture_webhook_refresh" PRIMARY KEY ("payment_id"),
        CONSTRAINT "FK_capture_webhook_refresh_payment" FOREIGN KEY ("payment_id") REFERENCES "payment"("id") ON DELETE CASCADE
      )`)
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "capture_webhook_refresh"`)
  }
}
