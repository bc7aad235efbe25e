/**
 * Ledger statuses and domain errors: the transition table from every side, unknown statuses,
 * and the errors' exact shape. See docs/mutation-testing.md.
 */
import { DomainError, InvalidMoneyError } from "../errors"
import { CAPTURE_STATUSES, InvalidTransitionError, REFUND_STATUSES, assertTransition, canTransition, isTerminal, type LedgerStatus } from "../status"

const ALL: LedgerStatus[] = ["requested", "pending", "succeeded", "failed"]
const unknown = "voided" as LedgerStatus

describe("transitions", () => {
  it("the reachable set of each status, exactly", () => {
    const reachable = Object.fromEntries(ALL.map((from) => [from, ALL.filter((to) => canTransition(from, to))]))
    expect(reachable).toStrictEqual({
      requested: ["pending", "succeeded", "failed"],
      pending: ["succeeded", "failed"],
      succeeded: [],
      failed: [],
    })
  })

  it("statuses it does not know: never a transition, always terminal", () => {
    expect(canTransition(unknown, "pending")).toBe(false)
    expect(canTransition("requested", unknown)).toBe(false)
    expect(isTerminal(unknown)).toBe(true)
    expect(isTerminal("__proto__" as LedgerStatus)).toBe(true)
    expect(() => assertTransition("capture", unknown, "succeeded")).toThrow(InvalidTransitionError)
  })

  it("the status lists are frozen in order and not shared with callers' arrays", () => {
    expect(CAPTURE_STATUSES).toStrictEqual(ALL)
    expect(REFUND_STATUSES).toStrictEqual(ALL)
  })

  it("assertTransition says which move was refused", () => {
    let error: unknown
    try {
      assertTransition("refund", "succeeded", "pending")
    } catch (e) {
      error = e
    }
    expect(error).toBeInstanceOf(InvalidTransitionError)
    expect(error).toBeInstanceOf(DomainError)
    expect(error).toMatchObject({
      name: "InvalidTransitionError",
      code: "invalid_transition",
      kind: "refund",
      from: "succeeded",
      to: "pending",
      message: 'Cannot move a refund from "succeeded" to "pending"',
    })
    expect("field" in (error as object)).toBe(false)
  })
})

describe("domain errors", () => {
  it("a DomainError keeps code, message and field", () => {
    const error = new DomainError("c", "m", "f")
    expect(error).toBeInstanceOf(Error)
    expect(error).toMatchObject({ name: "DomainError", code: "c", message: "m", field: "f" })
    expect(Object.getPrototypeOf(error)).toBe(DomainError.prototype)
  })

  it("an empty field is still a field", () => {
    expect("field" in new DomainError("c", "m", "")).toBe(true)
  })

  it("subclasses keep their own prototype", () => {
    expect(Object.getPrototypeOf(new InvalidMoneyError("invalid_amount", "f", "m"))).toBe(InvalidMoneyError.prototype)
    expect(Object.getPrototypeOf(new InvalidTransitionError("capture", "failed", "pending"))).toBe(InvalidTransitionError.prototype)
    expect(new InvalidMoneyError("invalid_currency", "f", "m")).toMatchObject({ name: "InvalidMoneyError", code: "invalid_currency", field: "f", message: "m" })
  })
})
