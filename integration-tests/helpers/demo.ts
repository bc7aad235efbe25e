import { fork, type ChildProcess } from "child_process"
import path from "path"

// eslint-disable-next-line @typescript-eslint/no-var-requires
const { freePort } = require("../../scripts/lib/free-port")

export type DemoOrder = { orderId: string; displayId: number; paymentId: string; total: number; currency: string; paymentRef: string }

export type Demo = {
  url: string
  admin: { email: string; password: string }
  simulators: { sandbox: string; mollie: string; clover: string; stripe: string }
  orders: Record<"sandbox" | "yen" | "declining" | "mollie" | "clover" | "stripe", DemoOrder>
  output: () => string
  /** Ctrl-C, as an operator stops it; resolves with the exit code once everything is down. */
  stop: () => Promise<number | null>
}

/**
 * Runs the README's demo (`scripts/demo.js`, after `npm run build`) as its own process,
 * on free ports and its own database, and resolves once it reports ready over IPC.
 */
export async function startDemo({ timeoutMs = 600_000 } = {}): Promise<Demo> {
  const port = await freePort()
  let output = ""
  const child: ChildProcess = fork(path.join(__dirname, "..", "..", "scripts", "demo.js"), [], {
    env: {
      ...process.env,
      PORT: String(port),
      SANDBOX_PORT: "0",
      DEMO_DATABASE: `captures_e2e_${process.pid}`,
      // The demo's own server must not share the test server's Redis queues.
      REDIS_URL: "",
    },
    stdio: ["ignore", "pipe", "pipe", "ipc"],
  })
  const keep = (d: Buffer) => (output = (output + d.toString()).slice(-30000))
  child.stdout?.on("data", keep)
  child.stderr?.on("data", keep)
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)))

  const ready = await new Promise<Omit<Demo, "output" | "stop">>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the demo was not ready in ${timeoutMs} ms:\n${output}`)), timeoutMs)
    child.on("message", (msg: { type?: string } & Omit<Demo, "output" | "stop">) => {
      if (msg?.type === "ready") {
        clearTimeout(timer)
        resolve(msg)
      }
    })
    exited.then((code) => {
      clearTimeout(timer)
      reject(new Error(`the demo exited (${code}) before it was ready:\n${output}`))
    })
  })

  return {
    ...ready,
    output: () => output,
    stop: async () => {
      if (child.exitCode === null) child.kill("SIGINT")
      return exited
    },
  }
}
