import type { MedusaRequest, MedusaResponse } from "@medusajs/medusa"
import { MOLLIE_PROVIDER_ID } from "../../../../gateways/registry"
import { ledger } from "../../../request-context"

const PAYMENT_ID = /^tr_[A-Za-z0-9]+$/

/**
 * POST /hooks/captures/mollie — Mollie's webhook: a form-encoded `id=tr_…` and
 * nothing else (classic webhooks are unsigned, docs/gateways/mollie.md#webhooks). The id is only
 * a trigger: the payment, its captures and refunds are fetched from Mollie and
 * the ledger follows what Mollie says. An id we do not know gets 200 (Mollie
 * retries anything else) and changes nothing; a failure to reach Mollie gets a
 * 5xx so that Mollie calls again. Anyone who knows a payment's id can call this,
 * so calls are coalesced per payment across servers and each refresh is bounded
 * (services/ledger/webhook-coalescing.ts): a call that arrives while a refresh
 * runs or within its interval gets 200 at once and is owed one refresh after it.
 */
export async function POST(req: MedusaRequest, res: MedusaResponse): Promise<void> {
  // Only `id` is read; a body of any other shape simply has none (400), so no Content-Type check.
  const body = (req.body ?? {}) as Record<string, unknown>
  const id = typeof body.id === "string" ? body.id.trim() : ""
  if (!PAYMENT_ID.test(id)) {
    res.status(400).json({ type: "invalid_data", code: "invalid_id", message: "id: must be a Mollie payment id (tr_…)" })
    return
  }
  await ledger(req).reconciliation.syncFromGateway(MOLLIE_PROVIDER_ID, id, { type: "webhook", id: MOLLIE_PROVIDER_ID })
  res.status(200).json({ received: true })
}
