import { Button, Input, Label, Text } from "@medusajs/ui"
import { useState } from "react"
import { parseAmountInput } from "../lib/view"

type Props = {
  /** e.g. "capture" or "refund-cap_01…": prefixes the test ids */
  id: string
  label: string
  action: string
  currency: string
  /** the most that can be taken, in minor units; empty input means all of it */
  max: number
  maxLabel: string
  busy: boolean
  error: string | null
  onSubmit: (amount: number | undefined) => Promise<boolean>
  onCancel?: () => void
}

/**
 * An amount in the currency's major units ("25.50"), empty for "all of it", and a submit
 * button. Input errors are shown before any request is made; the server's own message
 * (a decline, a limit) is shown under the form.
 */
export function AmountForm({ id, label, action, currency, max, maxLabel, busy, error, onSubmit, onCancel }: Props) {
  const [value, setValue] = useState("")
  const [inputError, setInputError] = useState<string | null>(null)

  const submit = async (e: React.FormEvent) => {
    e.preventDefault()
    const parsed = parseAmountInput(value, currency, max)
    if (!parsed.ok) {
      setInputError(parsed.error)
      return
    }
    setInputError(null)
    if (await onSubmit(parsed.amount)) setValue("")
  }

  const message = inputError ?? error
  return (
    <form onSubmit={submit} className="flex flex-col gap-y-2" data-testid={`${id}-form`}>
      <div className="flex items-end gap-x-2">
        <div className="flex flex-col gap-y-1">
          <Label htmlFor={`${id}-amount`} size="small">
            {label} ({currency.toUpperCase()}, empty for {maxLabel})
          </Label>
          <Input
            id={`${id}-amount`}
            data-testid={`${id}-amount`}
            inputMode="decimal"
            placeholder={maxLabel}
            value={value}
            onChange={(e) => {
              setValue(e.target.value)
              setInputError(null)
            }}
            disabled={busy}
          />
        </div>
        <Button type="submit" variant="secondary" size="small" isLoading={busy} data-testid={`${id}-submit`}>
          {action}
        </Button>
        {onCancel && (
          <Button type="button" variant="transparent" size="small" onClick={onCancel} disabled={busy}>
            Cancel
          </Button>
        )}
      </div>
      {message && (
        <Text size="small" className="text-ui-fg-error" role="alert" data-testid={`${id}-error`}>
          {message}
        </Text>
      )}
    </form>
  )
}
