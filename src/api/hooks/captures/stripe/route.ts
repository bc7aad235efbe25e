import type { MedusaRequest, MedusaResponse } from "@medusajs/medusa"
import { STRIPE_PROVIDER_ID } from "../../../../gateways/registry"
import type { StripeGateway } from "../../../../gateways/stripe"
import { eventShapeProblem, intentOfEvent } from "../../../../gateways/stripe/events"
import { ledger } from "../../../request-context"

/**
 * POST /hooks/captures/stripe — Stripe's webhook endpoint. The event is taken
 * only with a valid `Stripe-Signature` over the raw body (the endpoint's
 * `webhookSecret`, Stripe's default tolerance of 300 s): anything unsigned,
 * forged or stale gets 400 and changes nothing. A verified event is still only
 * a trigger: the PaymentIntent it names is fetched from Stripe again and the
 * ledger follows what Stripe says (settling captures and refunds left
 * unclear), so duplicates and reordering change nothing. An intent this store
 * does not know gets 200 without a call to Stripe; a failure to reach Stripe
 * gets a 5xx, so Stripe sends the event again.
 */
export async function POST(req: MedusaRequest, res: MedusaResponse): Promise<void> {
  const service = ledger(req)
  const registered = service.gatewayFor(STRIPE_PROVIDER_ID)
  if (!registered) {
    res.status(404).json({ type: "not_found", code: "provider_not_configured", message: "stripe-captures is not configured" })
    return
  }
  // Only Medusa's JSON body parser keeps the raw bytes the signature is over.
  const raw = (req as MedusaRequest & { rawBody?: Buffer }).rawBody
  if (raw === undefined) {
    const type = req.get("content-type") ?? "none"
    res.status(400).json({
      type: "invalid_data",
      code: "invalid_body",
      message: `body: Stripe sends each event as an application/json body; none was read from this request (Content-Type: ${type.slice(0, 100)})`,
    })
    return
  }
  let event
  try {
    event = (registered.gateway as StripeGateway).verifyEvent(raw, req.get("stripe-signature"))
  } catch (err) {
    res.status(400).json({ type: "invalid_data", code: "invalid_signature", message: `Stripe-Signature: ${(err as Error).message}` })
    return
  }
  const problem = eventShapeProblem(event)
  if (problem) {
    res.status(400).json({ type: "invalid_data", code: "invalid_event", message: `body: is not a Stripe event (${problem})` })
    return
  }
  const intentId = intentOfEvent(event)
  if (intentId) {
    await service.reconciliation.syncFromGateway(STRIPE_PROVIDER_ID, intentId, { type: "webhook", id: STRIPE_PROVIDER_ID })
  }
  res.status(200).json({ received: true })
}
