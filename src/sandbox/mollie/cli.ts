/**
 * Starts the Mollie sandbox from the command line:
 *   PORT=4020 node dist/sandbox/mollie/cli.js
 * `PORT` (default 0: any free port) and `HOST` (default 127.0.0.1) come from the environment.
 * Prints the URL and stops on SIGINT or SIGTERM. Point the plugin at it with
 * `mollie: { apiKey: "test_…", baseUrl: <printed URL>, … }`.
 */
import { startMollieSandbox } from "./server"

export async function main(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const port = env.PORT === undefined || env.PORT === "" ? 0 : Number(env.PORT)
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    process.stderr.write(`PORT must be an integer between 0 and 65535\n`)
    process.exitCode = 1
    return
  }
  const sandbox = await startMollieSandbox({ port, host: env.HOST || undefined })
  process.stdout.write(`Mollie sandbox listening on ${sandbox.url} (API under /v2, controls under /__control)\n`)

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
    process.stderr.write(`Could not start the Mollie sandbox: ${err instanceof Error ? err.message : String(err)}\n`)
    process.exit(1)
  })
}
