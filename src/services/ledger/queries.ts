import type { EntityManager } from "typeorm"
import { Capture } from "../../models/capture"
import type { CaptureStatus } from "../../domain"

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

const RANGE_OPERATORS: Record<keyof DateRange, string> = { gt: ">", gte: ">=", lt: "<", lte: "<=" }

/**
 * The filtered, paginated list behind GET /admin/captures. Newest first, with
 * the id as tie-breaker so pages never overlap; the indexes in the migration
 * cover each filter.
 */
export async function listCaptures(
  manager: EntityManager,
  filters: CaptureFilters,
  page: Page,
  expand: Array<"refunds" | "events">
): Promise<[Capture[], number]> {
  const qb = manager.getRepository(Capture).createQueryBuilder("capture")
  if (filters.id?.length) qb.andWhere("capture.id IN (:...ids)", { ids: filters.id })
  if (filters.payment_id) qb.andWhere("capture.payment_id = :payment_id", { payment_id: filters.payment_id })
  if (filters.order_id) qb.andWhere("capture.order_id = :order_id", { order_id: filters.order_id })
  if (filters.provider_id) qb.andWhere("capture.provider_id = :provider_id", { provider_id: filters.provider_id })
  if (filters.status?.length) qb.andWhere("capture.status IN (:...statuses)", { statuses: filters.status })
  for (const [op, value] of Object.entries(filters.created_at ?? {}) as Array<[keyof DateRange, Date | undefined]>) {
    if (value) qb.andWhere(`capture.created_at ${RANGE_OPERATORS[op]} :created_${op}`, { [`created_${op}`]: value })
  }
  qb.orderBy("capture.created_at", "DESC").addOrderBy("capture.id", "DESC").skip(page.offset).take(page.limit)

  const [rows, count] = await qb.getManyAndCount()
  if (rows.length && expand.length) {
    const withRelations = await manager.getRepository(Capture).find({
      where: rows.map((r) => ({ id: r.id })),
      relations: { refunds: expand.includes("refunds"), events: expand.includes("events") },
    })
    const byId = new Map(withRelations.map((r) => [r.id, r]))
    return [rows.map((r) => byId.get(r.id) ?? r), count]
  }
  return [rows, count]
}
