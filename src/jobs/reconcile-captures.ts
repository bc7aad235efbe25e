import type { ScheduledJobArgs, ScheduledJobConfig } from "@medusajs/medusa"
import type CaptureReconcilerService from "../services/capture-reconciler"

/**
 * Settles captures and refunds left unclear (see CaptureReconcilerService).
 * Medusa runs scheduled jobs only where Redis is configured, once per schedule
 * across all server instances. The schedule is read when the plugin loads:
 * CAPTURES_RECONCILE_SCHEDULE (cron, seconds allowed), default every 5 minutes.
 */
export default async function reconcileCaptures({ container }: ScheduledJobArgs): Promise<void> {
  const reconciler = container.resolve<CaptureReconcilerService>("captureReconcilerService")
  await reconciler.reconcileStale({ actor: { type: "job", id: "reconcile-captures" } })
}

export const config: ScheduledJobConfig = {
  name: "medusa-plugin-captures-reconcile",
  schedule: process.env.CAPTURES_RECONCILE_SCHEDULE || "*/5 * * * *",
  data: {},
}
