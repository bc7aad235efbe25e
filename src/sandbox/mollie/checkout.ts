/**
 * The simulator's hosted checkout, where `_links.checkout.href` points (the shopper authorizes
 * there; status changes to `authorized`, and the webhook is called; docs/gateways/mollie.md#placing-a-hold).
 *
 * - `GET /checkout/{id}`: a tiny HTML page with one button per shopper choice.
 * - `POST /checkout/{id}` with form or JSON `{ "action": "authorize" | "pending" | "fail" |
 *   "cancel" | "expire" }`. Allowed while the payment is `open` or `pending`. `authorize` →
 *   `authorized` (captureMode manual) or `paid` (automatic); `pending` → `pending` (no webhook,
 *   docs/gateways/mollie.md#webhooks); the others → `failed` / `canceled` / `expired`. JSON requests get 200 `{ id, status,
 *   redirectUrl }`; form posts get 303 to the payment's redirectUrl (cancelUrl when canceled
 *   and set), as a browser would.
 */
import { json, type ApiResponse } from "../common/http"
import { toDecimalString } from "../../domain"
import { MollieApiError, noSuch } from "./errors"
import type { MollieSandboxState, PaymentRecord, PaymentStatus, WebhookEvent } from "./state"
import { parseBody } from "./validate"

export const CHECKOUT_ACTIONS = ["authorize", "pending", "fail", "cancel", "expire"] as const
export type CheckoutAction = (typeof CHECKOUT_ACTIONS)[number]

const escapeHtml = (text: string): string =>
  text.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!)

const html = (status: number, body: string): ApiResponse => ({ status, body, contentType: "text/html" })

function page(payment: PaymentRecord): string {
  const open = payment.status === "open" || payment.status === "pending"
  const buttons = open
    ? CHECKOUT_ACTIONS.map((a) => `<button name="action" value="${a}">${a}</button>`).join(" ")
    : `<p>This payment is ${payment.status}.</p>`
  return `<!doctype html>
<html><head><meta charset="utf-8"><title>Mollie sandbox checkout</title></head>
<body>
<h1>${escapeHtml(payment.description)}</h1>
<p>${payment.currency} ${toDecimalString(payment.amount, payment.currency)} — status ${payment.status} (${payment.mode} mode)</p>
<form method="post" action="/checkout/${escapeHtml(payment.id)}">${buttons}</form>
</body></html>`
}

const TARGET: Record<Exclude<CheckoutAction, "authorize">, PaymentStatus> = {
  pending: "pending",
  fail: "failed",
  cancel: "canceled",
  expire: "expired",
}

export function handleCheckout(
  state: MollieSandboxState,
  req: { method: string; paymentId: string; rawBody: string; contentType?: string; accept?: string }
): ApiResponse {
  const payment = state.payments.get(req.paymentId)
  if (req.method === "GET") {
    return payment ? html(200, page(payment)) : html(404, "<!doctype html><p>No such payment.</p>")
  }
  if (req.method !== "POST") return new MollieApiError(405, `The method ${req.method} is not allowed on the checkout.`).toResponse()

  const wantsJson = /json/i.test(req.contentType ?? "") || /json/i.test(req.accept ?? "")
  try {
    if (!payment) throw noSuch("payment", req.paymentId)
    const action = parseBody(req.rawBody, req.contentType).action
    if (typeof action !== "string" || !(CHECKOUT_ACTIONS as readonly string[]).includes(action)) {
      throw new MollieApiError(422, `The action must be one of ${CHECKOUT_ACTIONS.join(", ")}.`, "action")
    }
    if (payment.status !== "open" && payment.status !== "pending") {
      throw new MollieApiError(409, `The payment is ${payment.status}; its checkout is closed.`)
    }
    let event: WebhookEvent | undefined
    if (action === "authorize") {
      payment.method ??= "creditcard"
      if (payment.captureMode === "manual") {
        event = state.setStatus(payment, "authorized")
      } else {
        payment.autoCaptured = payment.amount
        event = state.setStatus(payment, "paid")
      }
    } else {
      event = state.setStatus(payment, TARGET[action as keyof typeof TARGET])
    }
    if (event) state.effects.webhook(payment, event)

    const target = action === "cancel" && payment.cancelUrl ? payment.cancelUrl : payment.redirectUrl
    if (wantsJson) return json(200, { id: payment.id, status: payment.status, redirectUrl: target })
    return { status: 303, body: "", headers: target ? { Location: target } : {}, contentType: "text/html" }
  } catch (err) {
    if (!(err instanceof MollieApiError)) throw err
    return wantsJson ? err.toResponse() : html(err.status, `<!doctype html><p>${escapeHtml(err.detail)}</p>`)
  }
}
