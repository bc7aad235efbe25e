/**
 * Starts the Clover simulator from the command line:
 *   PORT=4020 node dist/sandbox/clover/cli.js
 * `PORT` (default 0: any free port) and `HOST` (default 127.0.0.1) come from the environment;
 * `CLOVER_PRIVATE_KEYS` (comma-separated) restricts the accepted keys. Prints the URL and stops
 * on SIGINT or SIGTERM.
 */
import { runCli, serveFromCli } from "../common/cli"
import { startCloverSandbox } from "./server"

export function main(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  return serveFromCli({
    env,
    start: (listen) => {
      const keys = env.CLOVER_PRIVATE_KEYS?.split(",").map((k) => k.trim()).filter(Boolean)
      return startCloverSandbox({ ...listen, privateKeys: keys?.length ? keys : undefined })
    },
    banner: (url) => `Clover simulator listening on ${url}`,
  })
}

if (require.main === module) runCli(main, "the Clover simulator")
