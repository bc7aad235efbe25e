/**
 * The widget's calls to the plugin's admin routes, through the admin's own medusa-js
 * client (it carries the operator's session). Paths are relative to /admin.
 */
import type Medusa from "@medusajs/medusa-js"
import type { CaptureView, OrderCapturesView } from "./types"

type Client = Medusa["admin"]["custom"]

const idempotent = (key: string) => ({ "Idempotency-Key": key })

export function capturesApi(client: Client) {
  return {
    orderSummary: (orderId: string) =>
      client.get<Record<string, never>, OrderCapturesView>(`/orders/${orderId}/captures`),

    captureDetail: (captureId: string) =>
      client.get<{ expand: string }, { capture: CaptureView }>(`/captures/${captureId}`, { expand: "refunds,events" }),

    capture: (paymentId: string, amount: number | undefined, key: string) =>
      client.post(`/payments/${paymentId}/captures`, amount === undefined ? {} : { amount }, {}, idempotent(key)),

    refund: (captureId: string, amount: number | undefined, key: string) =>
      client.post(`/captures/${captureId}/refunds`, amount === undefined ? {} : { amount }, {}, idempotent(key)),

    reconcile: (captureId: string) => client.post(`/captures/${captureId}/reconcile`, {}),

    retry: (captureId: string, key: string) => client.post(`/captures/${captureId}/retry`, {}, {}, idempotent(key)),
  }
}

export type CapturesApi = ReturnType<typeof capturesApi>
