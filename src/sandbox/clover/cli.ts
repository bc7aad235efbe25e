/**
 * Starts the Clover simulator from the command line:
 *   PORT=4020 node dist/sandbox/clover/cli.js
 * `PORT` (default 0: any free port) and `HOST` (default 127.0.0.1) come from the environment;
 * `CLOVER_PRIVATE_KEYS` (comma-separated) restricts the accepted keys. Prints the URL and stops
 * on SIGINT or SIGTERM.
 */
import { startCloverSandbox } from "./server"

export async function main(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const port = env.PORT === undefined || env.PORT === "" ? 0 : Number(env.PORT)
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    process.stderr.write("PORT must be an integer between 0 and 65535\n")
    process.exitCode = 1
    return
  }
  const keys = env.CLOVER_PRIVATE_KEYS?.split(",").map((k) => k.trim()).filter(Boolean)
  const sandbox = await startCloverSandbox({ port, host: env.HOST || undefined, privateKeys: keys?.length ? keys : undefined })
  process.stdout.write(`Clover simulator listening on ${sandbox.url}\n`)

  let stopping = false
  const stop = (): void => {
    if (stopping) return
    stopping = true
    sandbox.close().then(
      () => process.exit(0),
      () => process.exit(1)
    )
  }
  process.once("SIGINT", stop)
  process.once("SIGTERM", stop)
}

if (require.main === module) {
  main().catch((err: unknown) => {
    process.stderr.write(`Could not start the Clover simulator: ${err instanceof Error ? err.message : String(err)}\n`)
    process.exit(1)
  })
}
