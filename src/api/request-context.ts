import { MedusaError } from "@medusajs/utils"
import type { MedusaRequest } from "@medusajs/medusa"
import type CaptureService from "../services/capture"
import type { Actor } from "../services/capture"

export function captureService(req: MedusaRequest): CaptureService {
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
