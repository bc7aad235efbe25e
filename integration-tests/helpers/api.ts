import request from "supertest"
import type { TestContext } from "./store"

/** supertest against the running Medusa server, as an admin (Bearer JWT) or anonymously. */
export function adminApi(ctx: Pick<TestContext, "medusaUrl" | "adminToken">) {
  const agent = request(ctx.medusaUrl)
  const auth = { authorization: `Bearer ${ctx.adminToken}` }
  return {
    get: (path: string) => agent.get(path).set(auth),
    post: (path: string, body?: object, headers: Record<string, string> = {}) =>
      agent.post(path).set({ ...auth, ...headers }).send(body ?? {}),
    raw: agent,
  }
}

/** The sandbox gateway's own view, for checking what really happened at the gateway. */
export async function sandboxState(ctx: Pick<TestContext, "sandboxUrl">): Promise<any> { // eslint-disable-line @typescript-eslint/no-explicit-any
  const res = await fetch(`${ctx.sandboxUrl}/__control/state`)
  return res.json()
}

/** The payment as the sandbox gateway sees it (its own amounts, captures and refunds). */
export async function sandboxPayment(ctx: TestContext, paymentRef: string): Promise<any> { // eslint-disable-line @typescript-eslint/no-explicit-any
  const res = await fetch(`${ctx.sandboxUrl}/v1/payments/${paymentRef}`, {
    headers: { authorization: `Bearer ${ctx.sandboxApiKey}` },
  })
  if (res.status !== 200) throw new Error(`sandbox payment ${paymentRef}: HTTP ${res.status}`)
  return res.json()
}

/** The sandbox's captures and refunds that belong to one payment. */
export async function gatewayOperations(ctx: Pick<TestContext, "sandboxUrl">, paymentRef: string) {
  const state = await sandboxState(ctx)
  return {
    captures: state.captures.filter((c: { payment: string }) => c.payment === paymentRef),
    refunds: state.refunds.filter((r: { payment: string }) => r.payment === paymentRef),
  }
}

/** Queues faults at the sandbox gateway (`/__control/faults`), or clears them with null. */
export async function sandboxFaults(ctx: Pick<TestContext, "sandboxUrl">, faults: unknown[] | null): Promise<void> {
  const res = await fetch(`${ctx.sandboxUrl}/__control/faults`, {
    method: faults ? "POST" : "DELETE",
    headers: { "content-type": "application/json" },
    body: faults ? JSON.stringify({ faults }) : undefined,
  })
  if (res.status >= 300) throw new Error(`sandbox faults: HTTP ${res.status} ${await res.text()}`)
}
