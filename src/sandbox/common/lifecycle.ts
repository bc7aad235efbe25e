/**
 * The life of a simulator's HTTP server: listen on 127.0.0.1 and an ephemeral port by default,
 * own every timer the simulator starts (fault delays, asynchronous state changes, webhook
 * retries), and `close()` that stops all of it and drops open connections, so a test's
 * `afterAll(() => sandbox.close())` leaves no handle behind.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http"
import type { AddressInfo } from "node:net"

export type ServerHandler = (req: IncomingMessage, res: ServerResponse) => Promise<void>

export type StartServerOptions = {
  /** Default 0: an ephemeral port. */
  port?: number
  /** Default 127.0.0.1: a simulator is never reachable from another machine unless asked. */
  host?: string
  handler: ServerHandler
  /**
   * Called when `handler` throws (a bug in the simulator): answer something if still possible.
   * It must not log request data, which may hold API keys.
   */
  onUnexpectedError: (res: ServerResponse, err: unknown) => void
}

export type ServerLifecycle = {
  url: string
  port: number
  /** Resolves after `ms`; never resolves once the server is closing (its timer is cleared). */
  sleep(ms: number): Promise<void>
  /** `setTimeout` whose timer is cleared by `close()`. */
  setTimer(fn: () => void, ms: number): void
  /** Aborted when `close()` starts: outgoing requests (webhooks) pass it to `fetch`. */
  signal: AbortSignal
  readonly closed: boolean
  close(): Promise<void>
}

export async function startServer(opts: StartServerOptions): Promise<ServerLifecycle> {
  const host = opts.host ?? "127.0.0.1"
  const timers = new Set<NodeJS.Timeout>()
  const abort = new AbortController()

  const setTimer = (fn: () => void, ms: number): void => {
    if (abort.signal.aborted) return
    const timer = setTimeout(() => {
      timers.delete(timer)
      fn()
    }, Math.max(0, ms))
    timers.add(timer)
  }

  const sleep = (ms: number): Promise<void> =>
    ms <= 0 ? Promise.resolve() : new Promise((resolve) => setTimer(resolve, ms))

  const server = createServer((req, res) => {
    opts.handler(req, res).catch((err: unknown) => opts.onUnexpectedError(res, err))
  })

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject)
    server.listen(opts.port ?? 0, host, () => {
      server.off("error", reject)
      resolve()
    })
  })

  const port = (server.address() as AddressInfo).port
  const urlHost = host.includes(":") ? `[${host}]` : host
  let closing: Promise<void> | undefined

  return {
    url: `http://${urlHost}:${port}`,
    port,
    sleep,
    setTimer,
    signal: abort.signal,
    get closed() {
      return abort.signal.aborted
    },
    close() {
      closing ??= new Promise<void>((resolve, reject) => {
        abort.abort()
        for (const timer of timers) clearTimeout(timer)
        timers.clear()
        server.close((err) => (err ? reject(err) : resolve()))
        // Keep-alive sockets and requests parked in a delay would otherwise hold close() open.
        server.closeAllConnections()
      })
      return closing
    },
  }
}
