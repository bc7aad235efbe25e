import { Button, StatusBadge, Text } from "@medusajs/ui"
import { useState } from "react"
import type { CapturesApi } from "../lib/api"
import type { CaptureView } from "../lib/types"
import { useAction } from "../lib/use-action"
import { canReconcile, canRefund, canRetry, statusColor } from "../lib/view"
import { AmountForm } from "./amount-form"
import { EventTrail } from "./event-trail"

type Props = { api: CapturesApi; capture: CaptureView; onChanged: () => Promise<unknown> }

/**
 * One capture: its figures and gateway ids, and what the operator can do with it. Laid out
 * as two lines rather than table columns: the order page's column is narrow (about 600 px
 * at common widths), and gateway ids are long.
 */
export function CaptureRow({ api, capture, onChanged }: Props) {
  const [open, setOpen] = useState<"refund" | "events" | null>(null)
  const refund = useAction("admin-refund", onChanged)
  const settle = useAction("admin-settle", onChanged)
  const toggle = (panel: "refund" | "events") => setOpen(open === panel ? null : panel)
  const testId = `capture-${capture.number}`
  const message = settle.error ?? (capture.message ? withDeclineCode(capture) : null)

  return (
    <li className="border-ui-border-base flex flex-col gap-y-2 border-t py-3" data-testid={testId} data-capture-id={capture.id}>
      <div className="flex items-center justify-between gap-x-2">
        <div className="flex items-center gap-x-3">
          <Text size="small" className="text-ui-fg-subtle">
            #{capture.number}
          </Text>
          <StatusBadge color={statusColor(capture.status)} data-testid={`${testId}-status`}>
            {capture.status}
          </StatusBadge>
          <Text size="small" weight="plus" data-testid={`${testId}-amount`}>
            {capture.formatted_amount}
          </Text>
          <Text size="small" className="text-ui-fg-subtle">
            refunded <span data-testid={`${testId}-refunded`}>{capture.formatted_refunded_amount}</span>
          </Text>
        </div>
        <div className="flex shrink-0 gap-x-1">
          {canRefund(capture) && (
            <Button size="small" variant="secondary" onClick={() => toggle("refund")} data-testid={`${testId}-refund`}>
              Refund
            </Button>
          )}
          {canReconcile(capture) && (
            <SettleButton label="Reconcile" testId={`${testId}-reconcile`} busy={settle.busy} onClick={() => settle.run(() => api.reconcile(capture.id))} />
          )}
          {canRetry(capture) && (
            <SettleButton label="Retry" testId={`${testId}-retry`} busy={settle.busy} onClick={() => settle.run((key) => api.retry(capture.id, key))} />
          )}
          <Button size="small" variant="transparent" onClick={() => toggle("events")} data-testid={`${testId}-events`}>
            Events
          </Button>
        </div>
      </div>

      <Text size="xsmall" className="text-ui-fg-subtle truncate font-mono">
        <span data-testid={`${testId}-gateway-id`}>{capture.gateway_capture_id ?? (capture.status === "failed" ? "nothing captured at the gateway" : "no gateway id yet")}</span>
        {capture.gateway_transaction_id ? ` · ${capture.gateway_transaction_id}` : ""}
        {` · ${capture.provider_id}`}
        {capture.fulfillment_id ? ` · ${capture.fulfillment_id}` : ""}
      </Text>

      {message && (
        <Text size="small" className="text-ui-fg-error" role="alert" data-testid={`${testId}-message`}>
          {message}
        </Text>
      )}

      {open === "refund" && (
        <AmountForm
          id={`${testId}-refund`}
          label="Refund amount"
          action="Refund"
          currency={capture.currency_code}
          max={capture.refund_balance}
          maxLabel={`all ${capture.formatted_refund_balance}`}
          busy={refund.busy}
          error={refund.error}
          onSubmit={async (amount) => {
            const ok = await refund.run((key) => api.refund(capture.id, amount, key))
            if (ok) setOpen(null)
            return ok
          }}
          onCancel={() => setOpen(null)}
        />
      )}
      {open === "events" && <EventTrail api={api} captureId={capture.id} />}
    </li>
  )
}

type SettleButtonProps = { label: string; testId: string; busy: boolean; onClick: () => void }

/** Reconcile and Retry: one request each, no form; the row shows the answer. */
function SettleButton({ label, testId, busy, onClick }: SettleButtonProps) {
  return (
    <Button size="small" variant="secondary" isLoading={busy} onClick={onClick} data-testid={testId}>
      {label}
    </Button>
  )
}

function withDeclineCode(capture: CaptureView): string {
  return capture.decline_code ? `${capture.message} (decline_code: ${capture.decline_code})` : `${capture.message}`
}
