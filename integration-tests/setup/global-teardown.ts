type Stoppable = { stop?: () => Promise<void>; close?: () => Promise<void> }

export default async function globalTeardown(): Promise<void> {
  const g = globalThis as unknown as Record<string, Stoppable | undefined>
  await g.__capturesServer?.stop?.()
  await g.__capturesSandbox?.close?.()
  await g.__capturesMollie?.close?.()
  await g.__capturesClover?.close?.()
  await g.__capturesDb?.stop?.()
}
