import { Text } from "@medusajs/ui"
import { useQuery } from "@tanstack/react-query"
import type { CapturesApi } from "../lib/api"

/** The capture's append-only event trail (who did what, when), oldest first. */
export function EventTrail({ api, captureId }: { api: CapturesApi; captureId: string }) {
  const { data, isLoading, error } = useQuery(["medusa-plugin-captures", "capture", captureId], () =>
    api.captureDetail(captureId)
  )
  if (isLoading) return <Text size="small">Loading events…</Text>
  if (error || !data) return <Text size="small" className="text-ui-fg-error">Could not load the events.</Text>
  const events = data.capture.events ?? []
  return (
    <ol className="flex flex-col gap-y-1" data-testid={`events-${captureId}`}>
      {events.map((event) => (
        <li key={event.id} className="flex gap-x-3" data-testid="capture-event">
          <Text size="xsmall" className="text-ui-fg-subtle w-36 shrink-0">
            {new Date(event.created_at).toLocaleString()}
          </Text>
          <Text size="xsmall" weight="plus" className="w-40 shrink-0" data-testid="capture-event-type">
            {event.type}
          </Text>
          <Text size="xsmall" className="text-ui-fg-subtle min-w-0 truncate" title={event.actor_id ?? undefined}>
            {event.actor_type}
            {event.actor_id ? ` ${event.actor_id}` : ""}
          </Text>
        </li>
      ))}
    </ol>
  )
}
