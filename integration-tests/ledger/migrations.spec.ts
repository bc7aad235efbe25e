import fs from "node:fs"
import path from "node:path"
import { Client } from "pg"
import { testContext } from "../helpers/store"

// eslint-disable-next-line @typescript-eslint/no-var-requires
const { provideDatabase } = require("../../scripts/lib/database")
// eslint-disable-next-line @typescript-eslint/no-var-requires
const { runMigrations, revertMigrations } = require("../../scripts/lib/migrate")

/** `medusa migrations run` applies the ledger, `revert` (once per migration) removes all of it, and it applies again. */
describe("the ledger migration", () => {
  let db: { url: string; stop(): Promise<void> }

  beforeAll(async () => {
    // A second, empty database on the server the suite already runs on.
    db = await provideDatabase({ name: `captures_migrations_${process.pid}`, serverUrl: testContext().databaseUrl })
  })
  afterAll(async () => {
    await db?.stop()
  })

  async function schema() {
    const client = new Client({ connectionString: db.url })
    await client.connect()
    try {
      const tables = await client.query(
        `SELECT table_name FROM information_schema.tables WHERE table_name LIKE 'capture%' ORDER BY 1`
      )
      const constraints = await client.query(
        `SELECT conname FROM pg_constraint WHERE conrelid::regclass::text LIKE 'capture%' ORDER BY 1`
      )
      const triggers = await client.query(`SELECT tgname FROM pg_trigger WHERE tgname LIKE 'TRG_capture%' ORDER BY 1`)
      const functions = await client.query(`SELECT proname FROM pg_proc WHERE proname LIKE 'capture%' ORDER BY 1`)
      const uniqueIndexes = await client.query(
        `SELECT indexname FROM pg_indexes WHERE tablename LIKE 'capture%' AND indexdef LIKE 'CREATE UNIQUE INDEX%' ORDER BY 1`
      )
      return {
        tables: tables.rows.map((r) => r.table_name),
        constraints: constraints.rows.map((r) => r.conname),
        triggers: triggers.rows.map((r) => r.tgname),
        functions: functions.rows.map((r) => r.proname),
        uniqueIndexes: uniqueIndexes.rows.map((r) => r.indexname),
      }
    } finally {
      await client.end()
    }
  }

  async function migrationNames(): Promise<string[]> {
    const client = new Client({ connectionString: db.url })
    await client.connect()
    try {
      const rows = await client.query(`SELECT name FROM migrations WHERE name LIKE 'Capture%' ORDER BY timestamp`)
      return rows.rows.map((r) => r.name)
    } finally {
      await client.end()
    }
  }

  it("ships the migrations from migrations/ at the top level, compiled where Medusa's loader reads them", () => {
    const root = path.resolve(__dirname, "../..")
    const sources = fs.readdirSync(path.join(root, "migrations")).filter((f) => f.endsWith(".ts"))
    expect(sources.length).toBeGreaterThan(0)
    // Medusa v1 reads <package>/migrations/*.js and never looks in dist/migrations when that folder exists.
    for (const source of sources) expect(fs.existsSync(path.join(root, "migrations", source.replace(/\.ts$/, ".js")))).toBe(true)
    expect(fs.existsSync(path.join(root, "src", "migrations"))).toBe(false)
    const pkg = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8"))
    expect(pkg.files).toContain("migrations/*.js")
  })

  it("applies, reverts cleanly and applies again", async () => {
    await runMigrations(db.url)
    const applied = await schema()
    expect(applied.tables).toEqual([
      "capture",
      "capture_authorization",
      "capture_core_refund",
      "capture_event",
      "capture_refund",
      "capture_webhook_refresh",
    ])
    expect(applied.constraints).toEqual(
      expect.arrayContaining([
        "CHK_capture_amount_positive",
        "CHK_capture_refunded_within_amount",
        "UQ_capture_payment_idempotency_key",
        "UQ_capture_refund_idempotency_key",
        "FK_capture_payment",
        "FK_capture_webhook_refresh_payment",
      ])
    )
    expect(applied.triggers).toHaveLength(5)
    expect(applied.triggers).toEqual(expect.arrayContaining(["TRG_capture_payment_amount", "TRG_capture_refund_keep_order"]))
    expect(applied.uniqueIndexes).toContain("UQ_capture_payment_fulfillment")

    expect(applied.functions).toEqual(
      expect.arrayContaining([
        "capture_apply_outcome",
        "capture_insert_requested",
        "capture_ledger_read",
        "capture_ledger_token",
        "capture_payment_amount",
        "capture_refund_keep_order",
        "capture_sync_core",
        "capture_sync_order_status",
        "capture_within_authorization",
      ])
    )

    // The names Medusa records: a database migrated by an earlier version sees only the new ones.
    expect(await migrationNames()).toEqual([
      "CaptureLedger1795431600000",
      "CaptureLedgerFunctions1795518000000",
      "CaptureAuthorization1796600000000",
      "CaptureInFlightUntil1796700000000",
      "CaptureWebhookRefresh1796800000000",
      "CaptureCoreView1796900000000",
      "CaptureCoreRefund1797000000000",
    ])

    // `medusa migrations revert` undoes the last migration: the core-view functions and trigger,
    // the webhook coalescing table, the in-flight column, the authorization table, the hot-path
    // functions, then the ledger.
    expect(await revertMigrations(db.url)).toMatch(/CaptureCoreRefund\d{13} has been\s+reverted successfully/)
    const withoutCoreRefund = await schema()
    expect(withoutCoreRefund.tables).toEqual(applied.tables.filter((t) => t !== "capture_core_refund"))
    expect(withoutCoreRefund.triggers).toHaveLength(4)
    expect(withoutCoreRefund.functions).toEqual(applied.functions.filter((f) => f !== "capture_refund_keep_order"))
    expect(await revertMigrations(db.url)).toMatch(/CaptureCoreView\d{13} has been\s+reverted successfully/)
    const withoutCoreView = await schema()
    expect(withoutCoreView.tables).toEqual(applied.tables.filter((t) => t !== "capture_core_refund"))
    expect(withoutCoreView.triggers).toHaveLength(3)
    expect(withoutCoreView.functions).toEqual(
      withoutCoreRefund.functions.filter((f) => f !== "capture_payment_amount" && f !== "capture_sync_order_status")
    )
    expect(await revertMigrations(db.url)).toMatch(/CaptureWebhookRefresh\d{13} has been\s+reverted successfully/)
    const withoutWebhookRefresh = await schema()
    expect(withoutWebhookRefresh.tables).toEqual(["capture", "capture_authorization", "capture_event", "capture_refund"])
    expect(withoutWebhookRefresh.constraints).not.toContain("FK_capture_webhook_refresh_payment")
    expect(withoutWebhookRefresh.functions).toEqual(withoutCoreView.functions)
    expect(await revertMigrations(db.url)).toMatch(/CaptureInFlightUntil\d{13} has been\s+reverted successfully/)
    expect(await schema()).toEqual(withoutWebhookRefresh)
    expect(await revertMigrations(db.url)).toMatch(/CaptureAuthorization\d{13} has been\s+reverted successfully/)
    const withoutAuthorization = await schema()
    expect(withoutAuthorization.tables).toEqual(["capture", "capture_event", "capture_refund"])
    expect(withoutAuthorization.functions).toEqual(withoutCoreView.functions)
    expect(await revertMigrations(db.url)).toMatch(/CaptureLedgerFunctions\d{13} has been\s+reverted successfully/)
    const withoutFunctions = await schema()
    expect(withoutFunctions.tables).toEqual(withoutAuthorization.tables)
    expect(withoutFunctions.functions).not.toContain("capture_apply_outcome")
    const reverted = await revertMigrations(db.url)
    expect(reverted).toMatch(/CaptureLedger\d{13} has been\s+reverted successfully/)
    expect(await schema()).toEqual({ tables: [], constraints: [], triggers: [], functions: [], uniqueIndexes: [] })

    await runMigrations(db.url)
    expect(await schema()).toEqual(applied)
  })
})
