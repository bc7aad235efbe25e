import { errorHandler, transformIncludesOptions, transformQuery, type MiddlewaresConfig } from "@medusajs/medusa"
import { AdminPostOrdersOrderCaptureParams, allowedOrderIncludes } from "@medusajs/medusa/dist/api/routes/admin/orders"
import { defaultAdminOrdersFields, defaultAdminOrdersRelations } from "@medusajs/medusa/dist/types/orders"
import type { NextFunction, Request, Response } from "express"
import { isGatewayError, isLookupDiscrepancy } from "../gateways/gateway"

/**
 * Medusa's error handler answers every error it does not know with an opaque
 * 500, including the client's own mistakes that Express and body-parser
 * report with a 4xx status: malformed JSON, a body over the size limit, an
 * unsupported charset or Content-Encoding, too many or too deeply nested form
 * fields, a path that cannot be percent-decoded. Answer those with their
 * status, in Medusa's error shape, naming what was wrong; everything else goes
 * to Medusa's handler.
 */
const medusaErrorHandler = errorHandler()

const BODY_ERRORS: Record<string, { status: number; code: string; message: string }> = {
  "entity.parse.failed": { status: 400, code: "invalid_json", message: "body: is not valid JSON" },
  "entity.too.large": { status: 413, code: "body_too_large", message: "body: is too large" },
  "encoding.unsupported": { status: 415, code: "unsupported_encoding", message: "body: its Content-Encoding is not supported" },
  "charset.unsupported": { status: 415, code: "unsupported_charset", message: "body: its charset is not supported (use utf-8)" },
  "parameters.too.many": { status: 413, code: "too_many_fields", message: "body: has too many fields" },
  "request.size.invalid": { status: 400, code: "invalid_length", message: "body: does not match its Content-Length" },
  "request.aborted": { status: 400, code: "request_aborted", message: "body: the request was aborted" },
}

function clientError(err: unknown): { status: number; code: string; message: string } | null {
  const e = err as { type?: string; status?: number; statusCode?: number; message?: string; __isMedusaError?: boolean }
  if (!e || typeof e !== "object" || e.__isMedusaError) return null
  const known = e.type ? BODY_ERRORS[e.type] : undefined
  if (known) return e.type === "entity.parse.failed" ? { ...known, message: `${known.message} (${e.message})` } : known
  // zlib's verdict on a body that is not compressed the way Content-Encoding says.
  const zlib = (e as { code?: unknown }).code
  if (typeof zlib === "string" && zlib.startsWith("Z_")) {
    return { status: 400, code: "invalid_encoding", message: `body: is not encoded as its Content-Encoding says (${e.message})` }
  }
  const status = e.status ?? e.statusCode
  if (typeof status !== "number" || status < 400 || status > 499) return null
  if (/decode param/i.test(e.message ?? "")) {
    return { status: 400, code: "invalid_path", message: "id: is not a valid percent-encoded path segment" }
  }
  const message = e.message ?? "could not be read"
  const code = typeof (e as { code?: unknown }).code === "string" ? (e as { code: string }).code : "invalid_request"
  // Our own 4xx errors already name their field ("body: …"); others get "request:".
  return { status, code, message: /^[\w.-]+: /.test(message) ? message : `request: ${message}` }
}

/**
 * A gateway error that reaches a route (asking the gateway during a reconcile or a Mollie
 * webhook failed) is not a server bug: say which gateway answered what, so an operator
 * can act (wrong key, gateway down, rate limited). 503 with Retry-After when trying again
 * later can help (429, 5xx, network), 502 when the gateway's answer itself was the problem.
 * A lookup that found something not matching the capture (`lookup_discrepancy`) is 409: asking
 * again will not help, a person has to look at the payment at the gateway.
 * Ledger rows are unchanged in every case. Messages are built by our gateway mappers and
 * never carry credentials.
 */
function gatewayFailure(err: unknown): { status: number; code: string; message: string; retryAfterS?: number } | null {
  if (!isGatewayError(err)) return null
  if (isLookupDiscrepancy(err)) return { status: 409, code: err.code ?? "lookup_discrepancy", message: `gateway: ${err.message}` }
  const later = err.retryable || err.outcomeUnknown || err.httpStatus === 429
  return {
    status: later ? 503 : 502,
    code: err.code ?? err.type,
    // Gateways' own messages ("Too many requests") do not always say what they answered.
    message: `gateway: ${err.message}${err.httpStatus && !err.message.includes("HTTP ") ? ` (HTTP ${err.httpStatus})` : ""}`,
    ...(err.retryAfterMs ? { retryAfterS: Math.ceil(err.retryAfterMs / 1000) } : {}),
  }
}

function capturesErrorHandler(err: unknown, req: Request, res: Response, next: NextFunction): void {
  const known = clientError(err)
  if (known) {
    res.status(known.status).json({ type: "invalid_data", code: known.code, message: known.message })
    return
  }
  const gateway = gatewayFailure(err)
  if (gateway) {
    if (gateway.retryAfterS) res.setHeader("Retry-After", String(gateway.retryAfterS))
    res.status(gateway.status).json({ type: "gateway_error", code: gateway.code, message: gateway.message })
    return
  }
  medusaErrorHandler(err as never, req as never, res as never, next)
}

export const config: MiddlewaresConfig = {
  errorHandler: capturesErrorHandler as never,
  routes: [
    {
      // Stripe signs the exact bytes it sent: the webhook needs them as well as the parsed body.
      method: "POST",
      matcher: "/hooks/captures/stripe",
      bodyParser: { preserveRawBody: true },
    },
    {
      // Our POST /admin/orders/:id/capture answers in core's place: the same query options as core's route.
      method: "POST",
      matcher: "/admin/orders/:id/capture",
      middlewares: [
        transformIncludesOptions(allowedOrderIncludes),
        transformQuery(AdminPostOrdersOrderCaptureParams, {
          defaultRelations: [...defaultAdminOrdersRelations],
          defaultFields: [...defaultAdminOrdersFields],
          isList: false,
        }),
      ],
    },
  ],
}
