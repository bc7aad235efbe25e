/**
 * Starts the sandbox gateway from the command line:
 *   PORT=4010 node dist/sandbox/sandbox-gateway/cli.js
 * `PORT` (default 0: any free port) and `HOST` (default 127.0.0.1) come from the environment.
 * Prints the URL and stops on SIGINT or SIGTERM.
 */
import { runCli, serveFromCli } from "../common/cli"
import { startSandboxGateway } from "./server"

export function main(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  return serveFromCli({
    env,
    start: (listen) => startSandboxGateway(listen),
    banner: (url) => `Sandbox gateway listening on ${url}`,
  })
}

if (require.main === module) runCli(main, "the sandbox gateway")
