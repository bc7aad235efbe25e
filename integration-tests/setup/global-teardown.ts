import fs from "node:fs"

type Stoppable = { stop?: () => Promise<void>; close?: () => Promise<void> }

export default async function globalTeardown(): Promise<void> {
  const g = globalThis as unknown as Record<string, Stoppable | undefined>
  await g.__capturesServer?.stop?.()
  await g.__capturesSandbox?.close?.()
  await g.__capturesMollie?.close?.()
  await g.__capturesClover?.close?.()
  await g.__capturesDb?.stop?.()
  const logFile = process.env.CAPTURES_TEST_CONTEXT ? JSON.parse(process.env.CAPTURES_TEST_CONTEXT).serverLogFile : null
  if (logFile) fs.rmSync(logFile, { force: true })
}
