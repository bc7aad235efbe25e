/**
 * Starts the Mollie sandbox from the command line:
 *   PORT=4020 node dist/sandbox/mollie/cli.js
 * `PORT` (default 0: any free port) and `HOST` (default 127.0.0.1) come from the environment.
 * Prints the URL and stops on SIGINT or SIGTERM. Point the plugin at it with
 * `mollie: { apiKey: "test_…", baseUrl: <printed URL>, … }`.
 */
import { runCli, serveFromCli } from "../common/cli"
import { startMollieSandbox } from "./server"

export function main(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  return serveFromCli({
    env,
    start: (listen) => startMollieSandbox(listen),
    banner: (url) => `Mollie sandbox listening on ${url} (API under /v2, controls under /__control)`,
  })
}

if (require.main === module) runCli(main, "the Mollie sandbox")
