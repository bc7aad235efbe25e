import { BaseEntity, generateEntityId } from "@medusajs/medusa"
import { BeforeInsert, Column, Entity, Index, JoinColumn, ManyToOne } from "typeorm"
import type { RefundStatus } from "../domain/status"
import type { ActorType } from "./capture-event"

/**
 * One refund of one capture, written before the gateway is called like a capture.
 * A trigger (see the migration) keeps the non-failed refunds of a capture within
 * its amount.
 */
@Entity("capture_refund")
export class CaptureRefund extends BaseEntity {
  @Index("IDX_capture_refund_capture_id")
  @Column({ type: "varchar" })
  capture_id: string

  /**
   * A refund is read through its capture (Capture.refunds), never the other way
   * round: TypeORM needs this inverse side declared, and nothing loads it.
   */
  @ManyToOne("Capture", "refunds")
  @JoinColumn({ name: "capture_id" })
  capture?: never

  @Index("IDX_capture_refund_payment_id")
  @Column({ type: "varchar" })
  payment_id: string

  @Column({ type: "varchar", length: 16 })
  status: RefundStatus

  @Column({ type: "integer" })
  amount: number

  @Column({ type: "varchar", length: 3 })
  currency_code: string

  @Column({ type: "varchar", nullable: true })
  gateway_refund_id: string | null

  @Column({ type: "varchar", nullable: true })
  reason: string | null

  @Column({ type: "text", nullable: true })
  note: string | null

  @Column({ type: "jsonb", nullable: true })
  metadata: Record<string, unknown> | null

  @Column({ type: "text", nullable: true })
  message: string | null

  @Column({ type: "varchar", nullable: true })
  error_code: string | null

  @Column({ type: "text", nullable: true })
  error_detail: string | null

  @Column({ type: "varchar", nullable: true })
  decline_code: string | null

  /** The core `refund` row that mirrors this one in Medusa's order view. */
  @Column({ type: "varchar", nullable: true })
  medusa_refund_id: string | null

  @Column({ type: "varchar" })
  idempotency_key: string

  @Column({ type: "varchar", length: 64 })
  request_hash: string

  @Column({ type: "varchar" })
  initiated_by: ActorType

  @Column({ type: "timestamptz", nullable: true })
  refunded_at: Date | null

  /** As Capture.in_flight_until: before then, "not found at the gateway" proves nothing. */
  @Column({ type: "timestamptz", nullable: true })
  in_flight_until: Date | null

  @BeforeInsert()
  private beforeInsert(): void {
    this.id = generateEntityId(this.id, "capref")
  }
}
