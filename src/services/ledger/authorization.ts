import type { EntityManager } from "typeorm"

/**
 * The ledger's own record of a payment's authorization (capture_authorization,
 * migration 1796600000000), and Medusa's view of the payment derived from it.
 * See docs/medusa-view.md for why Medusa's payment.amount is the money
 * captured from the first capture on.
 */

/**
 * On a single-capture gateway (Clover, Mollie without multiple captures) nothing
 * more can be captured after the first capture, whether or not the gateway
 * releases the rest at once (Clover does not say): the ledger records that before the
 * capture is sent, so the outcome can close the authorization. The authorized
 * amount is Medusa's payment.amount, untouched until the ledger has this row.
 */
export async function recordSingleCaptureAuthorization(manager: EntityManager, paymentId: string): Promise<void> {
  await manager.query(
    `INSERT INTO capture_authorization (payment_id, authorized_amount, single_capture)
     SELECT id, amount, true FROM payment WHERE id = $1
     ON CONFLICT (payment_id) DO UPDATE SET single_capture = true, updated_at = now()
      WHERE NOT capture_authorization.single_capture`,
    [paymentId]
  )
}

/**
 * Marks the authorization closed by the operator's release or Medusa's cancel
 * (under the payment's lock, before the gateway is asked): from then on
 * nothing more can be captured, so no capture can race the release. False
 * when it was closed already.
 */
export async function closeForRelease(
  manager: EntityManager,
  paymentId: string,
  reason: "released" | "canceled" = "released"
): Promise<boolean> {
  await manager.query(
    `INSERT INTO capture_authorization (payment_id, authorized_amount)
     SELECT id, amount FROM payment WHERE id = $1 ON CONFLICT (payment_id) DO NOTHING`,
    [paymentId]
  )
  // In a CTE: TypeORM answers a bare UPDATE … RETURNING with [rows, count], never an empty list.
  const rows: unknown[] = await manager.query(
    `WITH closed AS (
       UPDATE capture_authorization SET closed_at = now(), closed_reason = $2, updated_at = now()
        WHERE payment_id = $1 AND closed_at IS NULL RETURNING payment_id)
     SELECT payment_id FROM closed`,
    [paymentId, reason]
  )
  return rows.length > 0
}

/** The gateway refused the release (or cancel): the authorization is open again. */
export async function reopenAfterRefusedRelease(manager: EntityManager, paymentId: string): Promise<void> {
  await manager.query(
    `UPDATE capture_authorization SET closed_at = NULL, closed_reason = NULL, updated_at = now()
      WHERE payment_id = $1 AND closed_reason IN ('released', 'canceled')`,
    [paymentId]
  )
}

/**
 * Brings Medusa's payment and order in step with the ledger (capture_sync_core):
 * once something was captured, payment.amount is what was captured,
 * captured_at is set and the order's payment status follows the money; once
 * nothing is in flight and nothing more can be captured, the authorization is
 * closed. A no-op before the first capture.
 */
export async function syncCoreView(manager: EntityManager, paymentId: string, orderId: string | null): Promise<void> {
  await manager.query(`SELECT capture_sync_core($1, $2)`, [paymentId, orderId])
}
