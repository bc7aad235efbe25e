/**
 * Starts the Stripe sandbox from the command line:
 *   PORT=4030 node dist/sandbox/stripe/cli.js
 * `PORT` (default 0: any free port) and `HOST` (default 127.0.0.1) come from the environment.
 * Prints the URL and stops on SIGINT or SIGTERM. Point the SDK at it with
 * `new Stripe("sk_test_…", { host: "127.0.0.1", port: <printed port>, protocol: "http" })`.
 */
import { runCli, serveFromCli } from "../common/cli"
import { startStripeSandbox } from "./server"

export function main(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  return serveFromCli({
    env,
    start: (listen) => startStripeSandbox(listen),
    banner: (url) => `Stripe sandbox listening on ${url} (API under /v1, controls under /__control)`,
  })
}

if (require.main === module) runCli(main, "the Stripe sandbox")
