import type { OrderDetailsWidgetProps, WidgetConfig } from "@medusajs/admin"
import { Container, Heading, Text } from "@medusajs/ui"
import { useQuery, useQueryClient } from "@tanstack/react-query"
import { useMedusa } from "medusa-react"
import { useCallback, useMemo } from "react"
import { AmountForm } from "../components/amount-form"
import { CaptureRow } from "../components/capture-row"
import { CapturesTotals } from "../components/captures-totals"
import { capturesApi } from "../lib/api"
import { useAction } from "../lib/use-action"
import { capturablePayment, formatAmount } from "../lib/view"

const QUERY_ROOT = "medusa-plugin-captures"

/**
 * The order page's "Captures" card: the ledger's captures for this order with their
 * refunds and event trail, the derived totals, and the operator's actions (capture all or
 * part, refund all or part of a capture, reconcile an unsettled one, retry a declined one).
 */
const OrderCapturesWidget = ({ order }: OrderDetailsWidgetProps) => {
  const { client } = useMedusa()
  const api = useMemo(() => capturesApi(client.admin.custom), [client])
  const queryClient = useQueryClient()
  const summary = useQuery([QUERY_ROOT, "order", order.id], () => api.orderSummary(order.id))

  // A capture or refund also changes Medusa's own order (payment status, refunds): refresh
  // the rest of the page too, not only this card.
  const refresh = useCallback(
    () => Promise.all([queryClient.invalidateQueries([QUERY_ROOT]), queryClient.invalidateQueries(["admin_orders"])]),
    [queryClient]
  )
  const capture = useAction("admin-capture", refresh)

  if (summary.isLoading) {
    return (
      <Container>
        <Text>Loading captures…</Text>
      </Container>
    )
  }
  if (summary.error || !summary.data) {
    return (
      <Container>
        <Text className="text-ui-fg-error" role="alert">
          Could not load the captures of this order.
        </Text>
      </Container>
    )
  }

  const { captures, payments, totals } = summary.data
  const payment = capturablePayment(payments)
  const currency = totals.currency_code ?? payments[0]?.currency_code

  return (
    <Container className="flex flex-col gap-y-4" data-testid="captures-widget">
      <div className="flex items-center justify-between">
        <Heading level="h2">Captures</Heading>
        {payments.length > 0 && (
          <Text size="small" className="text-ui-fg-subtle">
            {payments.map((p) => p.provider_id).join(", ")}
          </Text>
        )}
      </div>

      {payments.length === 0 ? (
        <Text size="small" data-testid="captures-none">
          This order has no payment handled by medusa-plugin-captures.
        </Text>
      ) : (
        <CapturesTotals totals={totals} currency={currency} />
      )}

      {payment && (
        <AmountForm
          id="capture"
          label="Capture amount"
          action="Capture"
          currency={payment.currency_code}
          max={payment.totals.capturable}
          maxLabel={`all ${formatAmount(payment.totals.capturable, payment.currency_code)}`}
          busy={capture.busy}
          error={capture.error}
          onSubmit={(amount) => capture.run((key) => api.capture(payment.payment_id, amount, key))}
        />
      )}

      {captures.length > 0 && (
        <ul data-testid="captures-list">
          {captures.map((c) => (
            <CaptureRow key={c.id} api={api} capture={c} onChanged={refresh} />
          ))}
        </ul>
      )}
    </Container>
  )
}

export const config: WidgetConfig = {
  zone: "order.details.after",
}

export default OrderCapturesWidget
