import { BaseEntity, generateEntityId } from "@medusajs/medusa"
import { BeforeInsert, Column, Entity, Generated, Index, OneToMany } from "typeorm"
import type { CaptureStatus } from "../domain/status"
import type { ActorType, CaptureEvent } from "./capture-event"
import type { CaptureRefund } from "./capture-refund"

export type LedgerMode = "test" | "live"

/**
 * One capture attempt against a payment's authorization. The row is written
 * (status `requested`) before the gateway is called; the outcome lands in a
 * second transaction. Amounts are integer minor units of `currency_code`.
 * Constraints live in the migration: amount > 0, 0 <= refunded_amount <= amount,
 * unique (payment_id, idempotency_key), unique (payment_id, fulfillment_id),
 * and a trigger keeping the non-failed captures within the authorized amount.
 *
 * The other half of this entity is SQL: the hot path's database functions
 * (capture_insert_requested, capture_apply_outcome, capture_ledger_read in
 * migrations/) name its columns, as do src/services/ledger/capture-columns.ts
 * and json-rows.ts. A new column goes there too (a migration replacing the
 * functions); integration-tests/ledger/capture-columns.spec.ts fails until it does.
 */
@Entity("capture")
export class Capture extends BaseEntity {
  @Column({ type: "integer", unique: true })
  @Generated("increment")
  number: number

  @Index("IDX_capture_payment_id")
  @Column({ type: "varchar" })
  payment_id: string

  @Index("IDX_capture_order_id")
  @Column({ type: "varchar", nullable: true })
  order_id: string | null

  @Column({ type: "varchar" })
  provider_id: string

  @Column({ type: "varchar", length: 4 })
  mode: LedgerMode

  @Column({ type: "varchar", length: 16 })
  status: CaptureStatus

  @Column({ type: "integer" })
  amount: number

  @Column({ type: "varchar", length: 3 })
  currency_code: string

  /** Sum of this capture's succeeded refunds. */
  @Column({ type: "integer", default: 0 })
  refunded_amount: number

  @Column({ type: "varchar", length: 255, nullable: true })
  description: string | null

  @Column({ type: "varchar", nullable: true })
  reference: string | null

  @Column({ type: "varchar", nullable: true })
  reference_origin: string | null

  @Column({ type: "jsonb", nullable: true })
  metadata: Record<string, unknown> | null

  @Column({ type: "varchar", nullable: true })
  gateway_capture_id: string | null

  @Column({ type: "varchar", nullable: true })
  gateway_transaction_id: string | null

  @Column({ type: "varchar", nullable: true })
  token: string | null

  @Column({ type: "text", nullable: true })
  message: string | null

  @Column({ type: "varchar", nullable: true })
  error_code: string | null

  @Column({ type: "text", nullable: true })
  error_detail: string | null

  @Column({ type: "varchar", nullable: true })
  decline_code: string | null

  @Column({ type: "varchar", nullable: true })
  fulfillment_id: string | null

  /** The client's Idempotency-Key, or one we made from the row id. */
  @Column({ type: "varchar" })
  idempotency_key: string

  /** Hash of the request that created the row: the same key with another body is refused. */
  @Column({ type: "varchar", length: 64 })
  request_hash: string

  /** Who asked for it. Captures that core's hooks asked for leave Medusa's rows to core. */
  @Column({ type: "varchar" })
  initiated_by: ActorType

  @Column({ type: "timestamptz", nullable: true })
  captured_at: Date | null

  /**
   * Until then the gateway call for this row may still be running (the
   * provider's timeout × attempts and retry waits when it was sent, with a
   * margin): a lookup that finds nothing before then proves nothing.
   * Null on rows written before this was recorded.
   */
  @Column({ type: "timestamptz", nullable: true })
  in_flight_until: Date | null

  @OneToMany("CaptureRefund", "capture")
  refunds?: CaptureRefund[]

  @OneToMany("CaptureEvent", "capture")
  events?: CaptureEvent[]

  @BeforeInsert()
  private beforeInsert(): void {
    this.id = generateEntityId(this.id, "cap")
  }
}
