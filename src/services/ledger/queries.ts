import { In, type EntityManager, type SelectQueryBuilder } from "typeorm"
import { Capture } from "../../models/capture"
import { CaptureEvent } from "../../models/capture-event"
import { CaptureRefund } from "../../models/capture-refund"
import type { CaptureStatus } from "../../domain"
import { DEFAULT_LIST_COUNT_CAP } from "../../types/options"
import { withDates } from "./json-rows"

export type DateRange = { gt?: Date; gte?: Date; lt?: Date; lte?: Date }

export type CaptureFilters = {
  id?: string[]
  payment_id?: string
  order_id?: string
  provider_id?: string
  status?: CaptureStatus[]
  created_at?: DateRange
}

export type Page = { limit: number; offset: number }

/**
 * One page of the list, and how many rows match the filters: exactly when that
 * is at most `countCap`, else `countCap` itself with `count_capped` set.
 */
export type CaptureList = { captures: Capture[]; count: number; count_capped: boolean }

const RANGE_OPERATORS: Record<keyof DateRange, string> = { gt: ">", gte: ">=", lt: "<", lte: "<=" }

function applyFilters<T extends SelectQueryBuilder<Capture>>(qb: T, filters: CaptureFilters): T {
  if (filters.id?.length) qb.andWhere("capture.id IN (:...ids)", { ids: filters.id })
  if (filters.payment_id) qb.andWhere("capture.payment_id = :payment_id", { payment_id: filters.payment_id })
  if (filters.order_id) qb.andWhere("capture.order_id = :order_id", { order_id: filters.order_id })
  if (filters.provider_id) qb.andWhere("capture.provider_id = :provider_id", { provider_id: filters.provider_id })
  if (filters.status?.length) qb.andWhere("capture.status IN (:...statuses)", { statuses: filters.status })
  for (const [op, value] of Object.entries(filters.created_at ?? {}) as Array<[keyof DateRange, Date | undefined]>) {
    if (value) qb.andWhere(`capture.created_at ${RANGE_OPERATORS[op]} :created_${op}`, { [`created_${op}`]: value })
  }
  return qb
}

/**
 * Counts the matching rows, but stops at cap + 1: an exact COUNT of a broad
 * filter visits every matching index entry (0.4–1 million at a million rows,
 * 46–67 ms), while a page of 20 takes well under a millisecond. Reading one
 * row past the cap is what tells "exactly cap" from "more than cap".
 */
function cappedCountQuery(manager: EntityManager, filters: CaptureFilters, cap: number): [string, unknown[]] {
  const inner = applyFilters(manager.getRepository(Capture).createQueryBuilder("capture").select("1"), filters).limit(cap + 1)
  const [sql, params] = inner.getQueryAndParameters()
  return [`SELECT count(*)::int AS n FROM (${sql}) AS capped`, params]
}

async function cappedCount(manager: EntityManager, filters: CaptureFilters, cap: number): Promise<number> {
  const rows: Array<{ n: number }> = await manager.query(...cappedCountQuery(manager, filters, cap))
  return rows[0].n
}

/**
 * The filtered, paginated list behind GET /admin/captures, in one statement:
 * the page, its refunds, and the capped count when it may be needed. Newest
 * first, with the id as tie-breaker so pages never overlap; the indexes in the
 * migrations cover each filter.
 *
 * The rows skipped by the offset are found by their ids alone (a "deferred
 * join"): with no filter, or one the index covers, PostgreSQL skips them in
 * the index without visiting the table, and reads full rows for the page only
 * (at offset 10000 of a million rows about 1 ms of SQL instead of about 6).
 */
export async function listCaptures(
  manager: EntityManager,
  filters: CaptureFilters,
  page: Page,
  expand: Array<"refunds" | "events">,
  countCap: number = DEFAULT_LIST_COUNT_CAP
): Promise<CaptureList> {
  const [pageSql, params] = applyFilters(manager.getRepository(Capture).createQueryBuilder("capture"), filters)
    .select(["capture.id", "capture.created_at"])
    .orderBy("capture.created_at", "DESC")
    .addOrderBy("capture.id", "DESC")
    .offset(page.offset)
    .limit(page.limit)
    .getQueryAndParameters()
  // A page that starts past the cap and has rows proves "more than the cap"
  // by itself; below it the count is read in the same statement (cheap when
  // the filter is narrow, and needed when it is not).
  const countInline = page.offset < countCap
  const [countSql, countParams] = cappedCountQuery(manager, filters, countCap)
  // Both come from the same filters, so their parameters are the same list.
  if (JSON.stringify(countParams) !== JSON.stringify(params)) throw new Error("list: page and count parameters differ")
  const withRefunds = expand.includes("refunds")

  const result: Array<Record<string, unknown> & { __total: number | null; __refunds?: Array<Record<string, unknown>> }> =
    await manager.query(
      `WITH total AS (SELECT ${countInline ? `(${countSql})` : "NULL::int"} AS n)
       SELECT total.n AS __total, c.*${
         withRefunds
           ? `, (SELECT COALESCE(jsonb_agg(to_jsonb(r) ORDER BY r.created_at, r.id), '[]'::jsonb)
                   FROM capture_refund r WHERE r.capture_id = c.id) AS __refunds`
           : ""
       }
         FROM total
         LEFT JOIN (capture c JOIN (${pageSql}) AS page ON page.capture_id = c.id) ON true
        ORDER BY c.created_at DESC, c.id DESC`,
      params
    )
  const captureRepo = manager.getRepository(Capture)
  const refundRepo = manager.getRepository(CaptureRefund)
  const rows: Capture[] = result
    .filter((r) => r.id !== null)
    .map(({ __total, __refunds, ...row }) => {
      const capture = captureRepo.create(row as Partial<Capture>)
      if (__refunds) capture.refunds = __refunds.map((r) => refundRepo.create(withDates<CaptureRefund>(r) as CaptureRefund))
      return capture
    })

  // The page alone often settles the count:
  // - a short page that is not past the end is the last one: the total is
  //   offset + its rows (the usual case for payment_id and order_id);
  // - a page with rows that reach past the cap proves there are more than the
  //   cap (deep pages, e.g. offset 10000); an empty page past the end proves
  //   nothing, and is counted on its own.
  const lastPage = rows.length < page.limit && (rows.length > 0 || page.offset === 0)
  const seen = page.offset + rows.length
  const pastCap = rows.length > 0 && seen > countCap
  const inline = result[0]?.__total ?? null
  const total = lastPage || pastCap ? seen : inline ?? (await cappedCount(manager, filters, countCap))
  const count_capped = total > countCap
  const count = count_capped ? countCap : total

  if (rows.length && expand.includes("events")) {
    const events = await manager.getRepository(CaptureEvent).find({ where: { capture_id: In(rows.map((r) => r.id)) } })
    attach(rows, events, (c, list) => (c.events = list))
  }
  return { captures: rows, count, count_capped }
}

function attach<T extends { capture_id: string | null }>(captures: Capture[], children: T[], set: (c: Capture, list: T[]) => void): void {
  const byCapture = new Map<string, T[]>(captures.map((c) => [c.id, []]))
  for (const child of children) if (child.capture_id) byCapture.get(child.capture_id)?.push(child)
  for (const c of captures) set(c, byCapture.get(c.id) ?? [])
}
