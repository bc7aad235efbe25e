import { useCallback, useRef, useState } from "react"
import { errorMessage, newIdempotencyKey } from "./view"

const random = (bytes: Uint8Array) => crypto.getRandomValues(bytes)

/**
 * State of one operator action (capture, refund, reconcile…): busy while the request runs,
 * the server's message when it fails. The idempotency key lives as long as the action has
 * not succeeded, so sending it again after an error or a lost answer replays rather than
 * repeats; a success starts a fresh key for the next action.
 */
export function useAction(prefix: string, onDone: () => Promise<unknown> | void) {
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const key = useRef(newIdempotencyKey(prefix, random))

  const run = useCallback(
    async (send: (idempotencyKey: string) => Promise<unknown>): Promise<boolean> => {
      setBusy(true)
      setError(null)
      try {
        await send(key.current)
        key.current = newIdempotencyKey(prefix, random)
        await onDone()
        return true
      } catch (err) {
        setError(errorMessage(err))
        // A decline is final for this key: the ledger keeps the failed row, and a new try is
        // a new request. Other errors (lost answer, 409) keep the key so a resend replays.
        const status = (err as { response?: { status?: number } })?.response?.status
        if (status === 422 || status === 400) key.current = newIdempotencyKey(prefix, random)
        await onDone()
        return false
      } finally {
        setBusy(false)
      }
    },
    [prefix, onDone]
  )

  return { busy, error, run, clearError: () => setError(null) }
}
