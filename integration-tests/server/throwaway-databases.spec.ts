import { Client } from "pg"
import { testContext } from "../helpers/store"

// eslint-disable-next-line @typescript-eslint/no-var-requires
const { provideDatabase } = require("../../scripts/lib/database")

/**
 * The demo and the tests make throwaway databases on the server DATABASE_URL
 * names, and drop them when they stop. A database of that name they did not
 * make (a store's own, DEMO_DATABASE=mystore) is never dropped: they refuse.
 */
describe("throwaway databases on a shared PostgreSQL", () => {
  const ctx = testContext()
  const admin = (() => {
    const u = new URL(ctx.databaseUrl)
    u.pathname = "/postgres"
    return u.toString()
  })()
  const sql = async (text: string) => {
    const client = new Client({ connectionString: admin })
    await client.connect()
    try {
      return (await client.query(text)).rows
    } finally {
      await client.end()
    }
  }
  const exists = async (name: string) => (await sql(`SELECT 1 FROM pg_database WHERE datname = '${name}'`)).length === 1

  it("refuses a name taken by a database it did not make, and leaves that database alone", async () => {
    const name = `captures_foreign_${process.pid}`
    await sql(`CREATE DATABASE "${name}"`)
    try {
      await expect(provideDatabase({ name, serverUrl: ctx.databaseUrl })).rejects.toThrow(/was not made by medusa-plugin-captures/)
      expect(await exists(name)).toBe(true)
    } finally {
      await sql(`DROP DATABASE IF EXISTS "${name}"`)
    }
  })

  it("makes its own, marks it, makes it anew on the next start, and drops it when it stops", async () => {
    const name = `captures_throwaway_${process.pid}`
    const first = await provideDatabase({ name, serverUrl: ctx.databaseUrl })
    const again = await provideDatabase({ name, serverUrl: ctx.databaseUrl })
    expect(await exists(name)).toBe(true)
    await again.stop()
    expect(await exists(name)).toBe(false)
    await first.stop()
  })
})
