import { Text } from "@medusajs/ui"
import type { TotalsView } from "../lib/types"
import { formatTotal, visibleTotalCells } from "../lib/view"

/** The order's totals, derived by the ledger: authorized, captured, pending, refunded… */
export function CapturesTotals({ totals, currency }: { totals: TotalsView; currency: string | undefined }) {
  return (
    <dl className="grid grid-cols-3 gap-x-4 gap-y-2 md:grid-cols-6" data-testid="captures-totals">
      {visibleTotalCells(totals).map(({ key, label }) => (
        <div key={key} data-testid={`total-${key}`}>
          <dt>
            <Text size="small" className="text-ui-fg-subtle">
              {label}
            </Text>
          </dt>
          <dd>
            <Text size="small" weight="plus" data-testid={`total-${key}-value`}>
              {formatTotal(totals, key, currency)}
            </Text>
          </dd>
        </div>
      ))}
    </dl>
  )
}
