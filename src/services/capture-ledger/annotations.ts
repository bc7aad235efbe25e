import { Capture } from "../../models/capture"
import { ledgerErrors } from "../ledger/errors"
import { recordEvent, type Actor } from "../ledger/events"
import { mergeMetadata } from "../ledger/metadata"
import { lockPayment } from "../ledger/payment-lock"
import type { LedgerContext } from "./context"
import { assertMetadataSize, type UpdateCaptureInput } from "./inputs"

/** What is added to a capture without moving money: its metadata and reference, and notes in its trail. */
export class CaptureAnnotations {
  constructor(private readonly ctx: LedgerContext) {}

  async update(id: string, input: UpdateCaptureInput, actor: Actor): Promise<Capture> {
    if (input.metadata !== undefined) assertMetadataSize(input.metadata)
    return this.ctx.write(async (m) => {
      const repo = m.getRepository(Capture)
      // The ledger's one lock order: the payment, then the capture. Locking the
      // capture first would deadlock with an outcome being written (it holds
      // the payment and waits for the capture, while the event inserted here
      // waits for the payment through its foreign key).
      const found = await repo.findOne({ where: { id }, select: { id: true, payment_id: true } })
      if (!found) throw ledgerErrors.notFound("Capture", id)
      await lockPayment(m, found.payment_id)
      const capture = await repo.createQueryBuilder("c").setLock("pessimistic_write").where("c.id = :id", { id }).getOne()
      if (!capture) throw ledgerErrors.notFound("Capture", id)
      const changes: Record<string, unknown> = {}
      if (input.metadata !== undefined) {
        capture.metadata = mergeMetadata(capture.metadata, input.metadata)
        assertMetadataSize(capture.metadata)
        changes.metadata = input.metadata
      }
      if (input.reference !== undefined) capture.reference = changes.reference = input.reference
      if (input.reference_origin !== undefined) capture.reference_origin = changes.reference_origin = input.reference_origin
      await repo.save(capture)
      await recordEvent(m, { payment_id: capture.payment_id, capture_id: capture.id, type: "capture.updated", actor, data: changes })
      return capture
    })
  }

  /**
   * Records in the trail of each capture made for a fulfillment that it was
   * canceled (once, however often the event comes). The capture is left as it
   * is: the money was taken, and refunding it is the operator's choice.
   */
  async noteFulfillmentCanceled(fulfillmentId: string): Promise<void> {
    const captures = await this.ctx.manager.getRepository(Capture).find({ where: { fulfillment_id: fulfillmentId } })
    for (const capture of captures) {
      await this.ctx.write(async (m) => {
        await lockPayment(m, capture.payment_id)
        const [{ noted }]: Array<{ noted: boolean }> = await m.query(
          `SELECT EXISTS (SELECT 1 FROM capture_event WHERE capture_id = $1 AND type = 'capture.fulfillment_canceled') AS noted`,
          [capture.id]
        )
        if (noted) return
        await recordEvent(m, {
          payment_id: capture.payment_id,
          capture_id: capture.id,
          type: "capture.fulfillment_canceled",
          actor: { type: "subscriber", id: "order.fulfillment_canceled" },
          data: { fulfillment_id: fulfillmentId, status: capture.status, amount: capture.amount },
        })
      })
    }
  }
}
