import { Client } from "pg"
import { DataSource } from "typeorm"
import { Capture } from "../../src/models/capture"
import { CaptureEvent } from "../../src/models/capture-event"
import { CaptureRefund } from "../../src/models/capture-refund"
import {
  DATABASE_FILLED_CAPTURE_COLUMNS,
  OUTCOME_CAPTURE_COLUMNS,
  REQUESTED_CAPTURE_COLUMNS,
} from "../../src/services/ledger/capture-columns"
import { JSON_ROW_TIMESTAMPS } from "../../src/services/ledger/json-rows"
import { testContext } from "../helpers/store"

/**
 * The capture hot path names the `capture` entity's columns twice: in the
 * entity (TypeORM) and in SQL (the database functions of the migrations, and
 * the lists in src/services/ledger/capture-columns.ts and json-rows.ts that
 * say what those functions write and return). A column added on one side only
 * is a value silently dropped or left a string: this fails instead.
 */
describe("the capture columns, in the entity and in the hot path's SQL", () => {
  const ctx = testContext()
  let db: Client
  let entity: DataSource

  beforeAll(async () => {
    db = new Client({ connectionString: ctx.databaseUrl })
    await db.connect()
    entity = new DataSource({ type: "postgres", url: ctx.databaseUrl, entities: [Capture, CaptureRefund, CaptureEvent] })
    await entity.initialize()
  })
  afterAll(async () => {
    await entity?.destroy()
    await db?.end()
  })

  const tableColumns = async (table: string, types?: string[]) =>
    (
      await db.query(
        `SELECT column_name FROM information_schema.columns
          WHERE table_schema = current_schema() AND table_name = $1 AND ($2::text[] IS NULL OR data_type = ANY($2))
          ORDER BY 1`,
        [table, types ?? null]
      )
    ).rows.map((r) => r.column_name as string)
  const functionSource = async (name: string) =>
    (await db.query(`SELECT pg_get_functiondef(p.oid) AS def FROM pg_proc p WHERE p.proname = $1`, [name])).rows.map((r) => r.def as string)
  const sorted = (names: readonly string[]) => [...new Set(names)].sort()

  it("the table has exactly the entity's columns", async () => {
    for (const model of [Capture, CaptureRefund, CaptureEvent]) {
      const metadata = entity.getMetadata(model)
      expect({ table: metadata.tableName, columns: sorted(metadata.columns.map((c) => c.databaseName)) }).toEqual({
        table: metadata.tableName,
        columns: await tableColumns(metadata.tableName),
      })
    }
  })

  it("every capture column is inserted with the requested row, written by an outcome, or filled by the database", async () => {
    const accounted = sorted([...REQUESTED_CAPTURE_COLUMNS, ...OUTCOME_CAPTURE_COLUMNS, ...DATABASE_FILLED_CAPTURE_COLUMNS])
    expect(accounted).toEqual(await tableColumns("capture"))
  })

  it("capture_insert_requested inserts exactly the requested row's columns", async () => {
    const [def] = await functionSource("capture_insert_requested")
    const list = /INSERT INTO capture \(([^)]*)\)/.exec(def)?.[1]
    expect(list).toBeDefined()
    expect(sorted(list!.split(",").map((c) => c.trim()))).toEqual(sorted(REQUESTED_CAPTURE_COLUMNS))
  })

  it("capture_apply_outcome sets exactly the outcome columns", async () => {
    const [def] = await functionSource("capture_apply_outcome")
    const sets = [...def.matchAll(/UPDATE capture\s+SET\s+([\s\S]*?)\s+WHERE/g)].map((m) => m[1])
    expect(sets.length).toBeGreaterThan(0)
    const written = sets.flatMap((set) => [...set.matchAll(/(?:^|,)\s*([a-z_]+)\s*=/g)].map((m) => m[1]))
    expect(sorted(written)).toEqual(sorted(OUTCOME_CAPTURE_COLUMNS))
  })

  it("every timestamp of the rows read as JSON becomes a Date", async () => {
    // capture_ledger_read hands captures over as to_jsonb rows (json-rows.ts).
    const timestamps = sorted([
      ...(await tableColumns("capture", ["timestamp with time zone", "timestamp without time zone"])),
      ...(await tableColumns("capture_refund", ["timestamp with time zone", "timestamp without time zone"])),
    ])
    expect(sorted(JSON_ROW_TIMESTAMPS)).toEqual(timestamps)
  })
})
