/**
 * The unauthenticated `/__control/*` API of the Mollie simulator, for tests and the demo:
 * faults, configuration, state, reset, webhook log / replay / flush. Answers plain JSON;
 * errors use Mollie's error body so one parser reads both.
 */
import { handleControl, standardControlRoutes, type ControlErrors, type ControlRoutes } from "../common/control"
import { json, type ApiResponse } from "../common/http"
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

/** Mollie-shaped error bodies for control requests, so one parser reads both. */
const ERRORS: ControlErrors = {
  invalidJson: (message) => badRequest(message),
  invalidFaults: (err) => badRequest(err.message, err.param),
  notFound: (method, pathname) => new MollieApiError(404, `Unrecognized control URL (${method} ${pathname}).`),
  toResponse: (err) => (err instanceof MollieApiError ? err.toResponse() : undefined),
}

/** Mollie's extra control routes: configuration and the webhook log, replay and flush. */
function mollieControlRoutes(ctx: ControlContext): ControlRoutes {
  const { state, webhooks } = ctx
  return {
    "GET /__control/config": () => json(200, state.config),
    "POST /__control/config": (req) => {
      try {
        Object.assign(state.config, parseConfigPatch(req.body()))
        return json(200, state.config)
      } catch (err) {
        if (err instanceof ConfigValidationError) throw badRequest(err.message, err.param)
        throw err
      }
    },
    "GET /__control/webhooks": ({ url }) => {
      const paymentId = url.searchParams.get("paymentId")
      return json(200, { webhooks: webhooks.log.filter((d) => paymentId === null || d.paymentId === paymentId) })
    },
    "POST /__control/webhooks/replay": async (req) => {
      const body = req.body()
      const paymentId = isRecord(body) ? body.paymentId : undefined
      if (typeof paymentId !== "string") throw badRequest("paymentId is required.", "paymentId")
      const delivery = await webhooks.replay(paymentId)
      if (!delivery) throw new MollieApiError(404, `No webhook was sent for ${paymentId} yet.`)
      return json(200, delivery)
    },
    "POST /__control/webhooks/flush": async (req) => {
      const body = req.body()
      const order = isRecord(body) && body.order !== undefined ? body.order : "fifo"
      if (order !== "fifo" && order !== "reverse") throw badRequest("order must be fifo or reverse.", "order")
      return json(200, { delivered: await webhooks.flush(order) })
    },
  }
}

export function handleControlRequest(ctx: ControlContext, method: string, url: URL, rawBody: string): Promise<ApiResponse> {
  const { state, webhooks } = ctx
  const routes: ControlRoutes = {
    ...standardControlRoutes({
      faults: state.faults,
      errors: ERRORS,
      snapshot: () => stateSnapshot(ctx),
      reset: () => {
        state.reset()
        webhooks.reset()
      },
    }),
    ...mollieControlRoutes(ctx),
  }
  // Mollie's control API always read the body of every POST first: a bad body is a 400 anywhere.
  return handleControl({ routes, errors: ERRORS, parseEveryPost: true }, { method, url, rawBody })
}
