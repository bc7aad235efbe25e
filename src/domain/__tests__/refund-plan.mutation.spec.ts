/**
 * planOperationRefund at its edges and against a reference model, so that mutation testing
 * (docs/mutation-testing.md) finds no changed comparison or sum that every test lets through.
 */
import fc from "fast-check"
import { planOperationRefund, type CaptureBalance, type RefundPart, type RefundPlan } from "../refund-plan"
import type { RefundStatus } from "../status"

const part = (amount: number, status: RefundStatus, captureId = "c"): RefundPart => ({ captureId, amount, status })

/** The rule written the plain way: unknown parts block; otherwise what is left is taken greedily. */
function model(amount: number, existing: RefundPart[], balances: CaptureBalance[]): RefundPlan {
  const unknown = existing.filter((p) => p.status === "requested").reduce((s, p) => s + p.amount, 0)
  if (unknown > 0) return { kind: "unresolved", unknown }
  const covered = existing.filter((p) => p.status === "succeeded" || p.status === "pending").reduce((s, p) => s + p.amount, 0)
  const rest = amount - covered
  if (rest <= 0) return { kind: "complete" }
  const parts: Array<{ captureId: string; amount: number }> = []
  let left = rest
  for (const b of balances) {
    const take = Math.min(left, Math.max(0, b.balance))
    if (take > 0) {
      parts.push({ captureId: b.captureId, amount: take })
      left -= take
    }
  }
  return left > 0 ? { kind: "exceeds", rest, refundable: rest - left } : { kind: "send", parts }
}

describe("planOperationRefund", () => {
  it("an operation with nothing so far, exactly covered by one balance", () => {
    expect(planOperationRefund(100, [], [{ captureId: "a", balance: 100 }])).toStrictEqual({ kind: "send", parts: [{ captureId: "a", amount: 100 }] })
  })

  it("one unit short of the balances", () => {
    expect(planOperationRefund(101, [], [{ captureId: "a", balance: 100 }])).toStrictEqual({ kind: "exceeds", rest: 101, refundable: 100 })
  })

  it("covered exactly, or more than covered: complete", () => {
    expect(planOperationRefund(100, [part(60, "succeeded"), part(40, "pending")], [])).toStrictEqual({ kind: "complete" })
    expect(planOperationRefund(100, [part(101, "succeeded")], [])).toStrictEqual({ kind: "complete" })
  })

  it("covered one unit short: that unit is sent", () => {
    expect(planOperationRefund(100, [part(99, "succeeded")], [{ captureId: "a", balance: 5 }])).toStrictEqual({
      kind: "send",
      parts: [{ captureId: "a", amount: 1 }],
    })
  })

  it("failed parts cover nothing; requested parts block whatever else there is", () => {
    expect(planOperationRefund(100, [part(100, "failed")], [{ captureId: "a", balance: 100 }])).toStrictEqual({
      kind: "send",
      parts: [{ captureId: "a", amount: 100 }],
    })
    expect(planOperationRefund(100, [part(100, "succeeded"), part(1, "requested"), part(2, "requested")], [])).toStrictEqual({
      kind: "unresolved",
      unknown: 3,
    })
  })

  it("a requested part of 0 does not block", () => {
    expect(planOperationRefund(10, [part(0, "requested")], [{ captureId: "a", balance: 10 }])).toStrictEqual({
      kind: "send",
      parts: [{ captureId: "a", amount: 10 }],
    })
  })

  it("skips empty and negative balances, takes from the next", () => {
    expect(
      planOperationRefund(10, [], [
        { captureId: "a", balance: 0 },
        { captureId: "b", balance: -5 },
        { captureId: "c", balance: 4 },
        { captureId: "d", balance: 100 },
        { captureId: "e", balance: 100 },
      ])
    ).toStrictEqual({ kind: "send", parts: [{ captureId: "c", amount: 4 }, { captureId: "d", amount: 6 }] })
  })

  it("with no balances at all", () => {
    expect(planOperationRefund(10, [part(4, "succeeded")], [])).toStrictEqual({ kind: "exceeds", rest: 6, refundable: 0 })
  })

  it("agrees with the reference model (property)", () => {
    const statuses = fc.constantFrom<RefundStatus>("requested", "pending", "succeeded", "failed")
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 10_000 }),
        fc.array(fc.record({ captureId: fc.constantFrom("a", "b"), amount: fc.integer({ min: 0, max: 5_000 }), status: statuses }), { maxLength: 4 }),
        fc.array(fc.record({ captureId: fc.constantFrom("a", "b", "c"), balance: fc.integer({ min: -100, max: 5_000 }) }), { maxLength: 4 }),
        (amount, existing, balances) => {
          expect(planOperationRefund(amount, existing, balances)).toStrictEqual(model(amount, existing, balances))
        }
      ),
      { numRuns: 500 }
    )
  })
})
