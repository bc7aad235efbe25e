/**
 * The `/v1` routes of the Stripe simulator. Stripe answers an unknown URL, and a known URL with
 * another method, with 404 "Unrecognized request URL"; so does the simulator (no 405).
 */
import { compilePath, findRoute } from "../common/routes"
import { captureIntent } from "./capture"
import { retrieveCharge } from "./charges"
import type { Handler } from "./context"
import { invalidRequest } from "./errors"
import { listEvents, retrieveEvent } from "./events"
import { cancelIntent, confirmIntent, createIntent, retrieveIntent, updateIntent } from "./intents"
import { createRefund, listRefunds, retrieveRefund } from "./refunds"

type Method = "GET" | "POST"
type Route = { method: Method; pattern: RegExp; keys: string[]; handler: Handler }

const route = (method: Method, path: string, handler: Handler): Route => ({ method, ...compilePath(path), handler })

const ROUTES: Route[] = [
  route("POST", "/v1/payment_intents", createIntent),
  route("GET", "/v1/payment_intents/:id", retrieveIntent),
  route("POST", "/v1/payment_intents/:id", updateIntent),
  route("POST", "/v1/payment_intents/:id/confirm", confirmIntent),
  route("POST", "/v1/payment_intents/:id/capture", captureIntent),
  route("POST", "/v1/payment_intents/:id/cancel", cancelIntent),
  route("GET", "/v1/charges/:id", retrieveCharge),
  route("POST", "/v1/refunds", createRefund),
  route("GET", "/v1/refunds", listRefunds),
  route("GET", "/v1/refunds/:id", retrieveRefund),
  route("GET", "/v1/events", listEvents),
  route("GET", "/v1/events/:id", retrieveEvent),
]

export type MatchedRoute = { method: Method; handler: Handler; params: Record<string, string>; endpoint: string }

export const unrecognizedUrl = (method: string, pathname: string) =>
  invalidRequest(`Unrecognized request URL (${method}: ${pathname}). Please see https://stripe.com/docs or we can help at https://support.stripe.com/.`, {
    status: 404,
    phase: "validation",
  })

export function matchRoute(method: string, pathname: string): MatchedRoute {
  const found = findRoute(ROUTES, method, pathname, (segment) => {
    try {
      return decodeURIComponent(segment)
    } catch {
      throw unrecognizedUrl(method, pathname)
    }
  })
  if (!found.route) throw unrecognizedUrl(method, pathname)
  // Idempotency compares endpoints as Stripe's message names them: method and full path.
  return { method: found.route.method, handler: found.route.handler, params: found.params, endpoint: `${method} ${pathname}` }
}
