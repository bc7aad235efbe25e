/**
 * `GET /v1/charges/:id` (https://docs.stripe.com/api/charges/retrieve): the charge of an attempt,
 * with `payment_method_details.card` (`brand`, `last4`, `capture_before`, `multicapture`) and the
 * running `amount_captured` / `amount_refunded`.
 */
import { json, type ApiResponse } from "../common/http"
import type { RouteContext } from "./context"
import { resourceMissing } from "./errors"
import { checkExpand, renderCharge } from "./render"

export function retrieveCharge(ctx: RouteContext): ApiResponse {
  const charge = ctx.state.charges.get(ctx.path.id)
  if (!charge || charge.mode !== ctx.mode) throw resourceMissing("charge", ctx.path.id, "id", charge?.mode)
  const expand = checkExpand("charge", ctx.params.expand())
  ctx.params.done()
  return json(200, renderCharge(ctx.state, charge, expand))
}
