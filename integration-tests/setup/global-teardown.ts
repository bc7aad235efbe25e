import fs from "node:fs"

type Stoppable = { stop?: () => Promise<void>; close?: () => Promise<void> }

export default async function globalTeardown(): Promise<void> {
  const g = globalThis as unknown as Record<string, Stoppable | undefined>
  await g.__capturesServer?.stop?.()
  await g.__capturesSandbox?.close?.()
  await g.__capturesMollie?.close?.()
  await g.__capturesClover?.close?.()
  await g.__capturesStripe?.close?.()
  await g.__capturesDb?.stop?.()
  const logFile = process.env.CAPTURES_TEST_CONTEXT ? JSON.parse(process.env.CAPTURES_TEST_CONTEXT).serverLogFile : null
  if (logFile && fs.existsSync(logFile)) {
    // What the server reported as errors or warnings (not its access log) is the first clue when
    // a test waited in vain.
    const lines = fs
      .readFileSync(logFile, "utf8")
      .split("\n")
      .filter((line) => /\b(error|warn)/i.test(line) && !/^\S+ - - \[/.test(line))
    if (lines.length > 0) {
      process.stdout.write(`\n[teardown] the suite's Medusa server reported ${lines.length} errors or warnings; the last ones:\n${lines.slice(-40).join("\n")}\n`)
    }
    fs.rmSync(logFile, { force: true })
  }
}
