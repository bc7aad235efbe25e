import { generateEntityId } from "@medusajs/medusa"
import { BeforeInsert, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from "typeorm"

export type CaptureEventType =
  | "capture.requested"
  | "capture.pending"
  | "capture.succeeded"
  | "capture.failed"
  | "capture.unresolved"
  | "capture.updated"
  | "capture.fulfillment_canceled"
  | "refund.requested"
  | "refund.pending"
  | "refund.succeeded"
  | "refund.failed"
  | "refund.unresolved"
  | "webhook.received"
  | "reconciled"
  | "authorization.release_requested"
  | "authorization.released"
  | "authorization.release_unresolved"
  | "authorization.release_failed"
  | "medusa_refund.recorded"

export type ActorType = "admin" | "subscriber" | "job" | "webhook" | "processor" | "system"

/** Append-only audit trail; the migration makes UPDATE and DELETE fail. */
@Entity("capture_event")
export class CaptureEvent {
  @PrimaryColumn({ type: "varchar" })
  id: string

  @Index("IDX_capture_event_payment_id")
  @Column({ type: "varchar" })
  payment_id: string

  /** Null for events about the payment as a whole (a webhook before any capture). */
  @Index("IDX_capture_event_capture_id")
  @Column({ type: "varchar", nullable: true })
  capture_id: string | null

  /**
   * An event is read through its capture (Capture.events), never the other way
   * round: TypeORM needs this inverse side declared, and nothing loads it.
   */
  @ManyToOne("Capture", "events")
  @JoinColumn({ name: "capture_id" })
  capture?: never

  @Column({ type: "varchar", nullable: true })
  refund_id: string | null

  @Column({ type: "varchar" })
  type: CaptureEventType

  @Column({ type: "varchar" })
  actor_type: ActorType

  @Column({ type: "varchar", nullable: true })
  actor_id: string | null

  @Column({ type: "jsonb", nullable: true })
  data: Record<string, unknown> | null

  @CreateDateColumn({ type: "timestamptz" })
  created_at: Date

  @BeforeInsert()
  private beforeInsert(): void {
    this.id = generateEntityId(this.id, "capevt")
  }
}
