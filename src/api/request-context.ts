import { MedusaError } from "@medusajs/utils"
import type { MedusaRequest } from "@medusajs/medusa"
import type CaptureService from "../services/capture"
import type { Actor } from "../services/capture"

/** The capture ledger; a route takes the part it needs (`ledger(req).refunds`, `.reads`, …). */
export function ledger(req: MedusaRequest): CaptureService {
  return req.scope.resolve<CaptureService>("captureService")
}

/** The admin user behind the request (session/JWT give `userId`, API tokens the whole user). */
export function adminActor(req: MedusaRequest): Actor {
  const user = (req as MedusaRequest & { user?: { userId?: string; id?: string } }).user
  return { type: "admin", id: user?.userId ?? user?.id ?? null }
}

/** The optional `Idempotency-Key` header: printable ASCII, at most 255 characters. */
export function idempotencyKey(req: MedusaRequest): string | undefined {
  const raw = req.get("Idempotency-Key")
  if (raw === undefined) return undefined
  const key = raw.trim()
  if (!key || key.length > 255 || !/^[\x21-\x7e]+$/.test(key)) {
    throw new MedusaError(
      MedusaError.Types.INVALID_DATA,
      "Idempotency-Key: must be 1 to 255 printable ASCII characters without spaces",
      "invalid_idempotency_key"
    )
  }
  return key
}

/** Medusa ids (`cap_01…`, `pay_01…`, `order_01…`): a path segment that is none cannot name anything here. */
const ID = /^[A-Za-z0-9_-]{1,100}$/

export function pathId(req: MedusaRequest, kind: "payment" | "capture" | "order"): string {
  const id = req.params.id
  if (typeof id !== "string" || !ID.test(id)) {
    throw new MedusaError(MedusaError.Types.INVALID_DATA, `id: is not a valid ${kind} id`, "invalid_id")
  }
  return id
}

/** The body types Medusa's route loader parses (JSON, and HTML forms). */
const PARSED_BODY_TYPES = ["application/json", "application/x-www-form-urlencoded"]

/**
 * Medusa parses a body only when its Content-Type is one it knows; any other
 * body would reach the route as {} — and `{}` means "capture everything". A
 * body of another type is refused instead.
 */
export function requireParsedBody(req: MedusaRequest): void {
  const length = Number(req.get("content-length") ?? 0)
  const hasBody = length > 0 || req.get("transfer-encoding") !== undefined
  if (!hasBody) return
  if (req.is(PARSED_BODY_TYPES)) return
  // A plain error with status 415: the plugin's error handler answers it as is (middlewares.ts).
  throw Object.assign(
    new Error(`body: Content-Type must be ${PARSED_BODY_TYPES.join(" or ")} (got ${req.get("content-type") ?? "none"})`),
    { status: 415, code: "unsupported_media_type" }
  )
}
