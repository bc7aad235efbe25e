import { errorHandler, type MiddlewaresConfig } from "@medusajs/medusa"
import type { NextFunction, Request, Response } from "express"

/**
 * Medusa's error handler answers body-parser failures (malformed JSON, a body
 * over the size limit) with an opaque 500. Answer them as the client's mistake,
 * in Medusa's error shape; everything else goes to Medusa's handler.
 */
const medusaErrorHandler = errorHandler()

function capturesErrorHandler(err: unknown, req: Request, res: Response, next: NextFunction): void {
  const e = err as { type?: string; status?: number; message?: string }
  if (e?.type === "entity.parse.failed") {
    res.status(400).json({ type: "invalid_data", code: "invalid_json", message: `body: is not valid JSON (${e.message})` })
    return
  }
  if (e?.type === "entity.too.large") {
    res.status(413).json({ type: "invalid_data", code: "body_too_large", message: "body: is too large" })
    return
  }
  medusaErrorHandler(err as never, req as never, res as never, next)
}

export const config: MiddlewaresConfig = {
  errorHandler: capturesErrorHandler as never,
}
