/**
 * The unauthenticated `/__control/*` API of the Mollie simulator, for tests and the demo:
 * faults, configuration, state, reset, webhook log / replay / flush. Answers plain JSON;
 * errors use Mollie's error body so one parser reads both.
 */
import { FaultValidationError, parseFaults } from "../shared/faults"
import { json, type ApiResponse } from "../shared/http"
import { MollieApiError, badRequest } from "./errors"
import { renderCapture, renderPayment, renderRefund } from "./render"
import { cloneConfig, type MollieSandboxConfig, type MollieSandboxState } from "./state"
import { isRecord } from "./validate"
import type { WebhookDispatcher } from "./webhooks"

export class ConfigValidationError extends Error {
  constructor(
    message: string,
    readonly param: string
  ) {
    super(message)
    this.name = "ConfigValidationError"
  }
}

const NUMBER_KEYS = ["captureDelayMs", "refundDelayMs", "duplicateRefundWindowMs", "webhookRetryDelayMs", "webhookTimeoutMs"] as const
const COUNT_KEYS = ["failNextCaptures", "failNextRefunds", "webhookAttempts"] as const
const BOOLEAN_KEYS = ["multiCapture", "holdWebhooks"] as const
const KNOWN_KEYS = new Set<string>([...NUMBER_KEYS, ...COUNT_KEYS, ...BOOLEAN_KEYS, "failCapturesFor"])

/** Checks a (partial) configuration; throws `ConfigValidationError` naming the key. */
export function parseConfigPatch(input: unknown): Partial<MollieSandboxConfig> {
  if (!isRecord(input)) throw new ConfigValidationError("config must be an object", "config")
  const patch: Partial<MollieSandboxConfig> = {}
  for (const [key, value] of Object.entries(input)) {
    if (!KNOWN_KEYS.has(key)) throw new ConfigValidationError(`unknown config key ${key}`, key)
    if ((NUMBER_KEYS as readonly string[]).includes(key)) {
      if (typeof value !== "number" || !Number.isFinite(value) || value < 0) throw new ConfigValidationError(`${key} must be a number >= 0`, key)
      patch[key as (typeof NUMBER_KEYS)[number]] = value
    } else if ((COUNT_KEYS as readonly string[]).includes(key)) {
      const min = key === "webhookAttempts" ? 1 : 0
      if (!Number.isInteger(value) || (value as number) < min) throw new ConfigValidationError(`${key} must be an integer >= ${min}`, key)
      patch[key as (typeof COUNT_KEYS)[number]] = value as number
    } else if ((BOOLEAN_KEYS as readonly string[]).includes(key)) {
      if (typeof value !== "boolean") throw new ConfigValidationError(`${key} must be a boolean`, key)
      patch[key as (typeof BOOLEAN_KEYS)[number]] = value
    } else {
      if (!Array.isArray(value) || !value.every((id) => typeof id === "string")) {
        throw new ConfigValidationError(`${key} must be an array of payment ids`, key)
      }
      patch.failCapturesFor = [...value]
    }
  }
  return patch
}

export type ControlContext = { state: MollieSandboxState; webhooks: WebhookDispatcher; base: string }

function parseJson(raw: string): unknown {
  if (raw.trim() === "") return {}
  try {
    return JSON.parse(raw)
  } catch {
    throw badRequest("The request body is not valid JSON.")
  }
}

/** The whole store, rendered as the API would, plus counts per payment. */
export function stateSnapshot({ state, webhooks, base }: ControlContext) {
  return {
    config: cloneConfig(state.config),
    counts: { ...state.counts(), webhooks: webhooks.log.length, heldWebhooks: webhooks.heldCount },
    perPayment: state.perPayment(),
    payments: [...state.payments.values()].map((p) => renderPayment(state, p, base, { captures: true, refunds: true })),
    captures: [...state.captures.values()].map((c) => renderCapture(c, base)),
    // Canceled refunds too: Mollie hides them, tests want to see them.
    refunds: [...state.refunds.values()].map((r) => renderRefund(r, base)),
    faults: state.faults.list(),
  }
}

export async function handleControlRequest(
  ctx: ControlContext,
  method: string,
  url: URL,
  rawBody: string
): Promise<ApiResponse> {
  const { state, webhooks } = ctx
  try {
    const path = url.pathname.replace(/\/+$/, "")
    const body = method === "POST" ? parseJson(rawBody) : {}
    switch (`${method} ${path}`) {
      case "POST /__control/faults":
        try {
          return json(200, { queued: state.faults.add(parseFaults(isRecord(body) ? body.faults : undefined)) })
        } catch (err) {
          if (err instanceof FaultValidationError) throw badRequest(err.message, err.param)
          throw err
        }
      case "GET /__control/faults":
        return json(200, { faults: state.faults.list() })
      case "DELETE /__control/faults":
        return json(200, { cleared: state.faults.clear() })
      case "GET /__control/config":
        return json(200, state.config)
      case "POST /__control/config":
        try {
          Object.assign(state.config, parseConfigPatch(body))
          return json(200, state.config)
        } catch (err) {
          if (err instanceof ConfigValidationError) throw badRequest(err.message, err.param)
          throw err
        }
      case "GET /__control/state":
        return json(200, stateSnapshot(ctx))
      case "POST /__control/reset":
        state.reset()
        webhooks.reset()
        return json(200, { reset: true })
      case "GET /__control/webhooks": {
        const paymentId = url.searchParams.get("paymentId")
        return json(200, { webhooks: webhooks.log.filter((d) => paymentId === null || d.paymentId === paymentId) })
      }
      case "POST /__control/webhooks/replay": {
        const paymentId = isRecord(body) ? body.paymentId : undefined
        if (typeof paymentId !== "string") throw badRequest("paymentId is required.", "paymentId")
        const delivery = await webhooks.replay(paymentId)
        if (!delivery) throw new MollieApiError(404, `No webhook was sent for ${paymentId} yet.`)
        return json(200, delivery)
      }
      case "POST /__control/webhooks/flush": {
        const order = isRecord(body) && body.order !== undefined ? body.order : "fifo"
        if (order !== "fifo" && order !== "reverse") throw badRequest("order must be fifo or reverse.", "order")
        return json(200, { delivered: await webhooks.flush(order) })
      }
      default:
        throw new MollieApiError(404, `Unrecognized control URL (${method} ${url.pathname}).`)
    }
  } catch (err) {
    if (err instanceof MollieApiError) return err.toResponse()
    throw err
  }
}
