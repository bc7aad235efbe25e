/**
 * What every simulator's command line does: read `PORT` (default 0: any free port) and `HOST`
 * (default 127.0.0.1) from the environment, start, print where it listens, and close cleanly on
 * SIGINT or SIGTERM. A simulator passes how to start it and how to announce itself.
 */

export type CliSimulator = { url: string; close(): Promise<void> }

export type CliOptions = {
  env: NodeJS.ProcessEnv
  start(listen: { port: number; host: string | undefined }): Promise<CliSimulator>
  /** The line printed once listening (without the newline). */
  banner(url: string): string
}

export async function serveFromCli(opts: CliOptions): Promise<void> {
  const { env } = opts
  const port = env.PORT === undefined || env.PORT === "" ? 0 : Number(env.PORT)
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    process.stderr.write("PORT must be an integer between 0 and 65535\n")
    process.exitCode = 1
    return
  }
  const simulator = await opts.start({ port, host: env.HOST || undefined })
  process.stdout.write(`${opts.banner(simulator.url)}\n`)

  let stopping = false
  const stop = (): void => {
    if (stopping) return
    stopping = true
    simulator.close().then(
      () => process.exit(0),
      () => process.exit(1)
    )
  }
  process.once("SIGINT", stop)
  process.once("SIGTERM", stop)
}

/** Runs `main` as the process's entry point; a start failure is printed and exits with 1. */
export function runCli(main: () => Promise<void>, name: string): void {
  main().catch((err: unknown) => {
    process.stderr.write(`Could not start ${name}: ${err instanceof Error ? err.message : String(err)}\n`)
    process.exit(1)
  })
}
