import {
  InvalidTransitionError,
  CAPTURE_STATUSES,
  REFUND_STATUSES,
  assertTransition,
  canTransition,
  isCaptureStatus,
  isNoopTransition,
  isRefundStatus,
  isTerminal,
  type LedgerStatus,
} from "../status"

// Written out in full rather than derived from the module's table, so a change to the
// table has to be matched by a deliberate change here.
const MATRIX: Array<[from: LedgerStatus, to: LedgerStatus, allowed: boolean]> = [
  ["requested", "requested", false],
  ["requested", "pending", true],
  ["requested", "succeeded", true],
  ["requested", "failed", true],
  ["pending", "requested", false],
  ["pending", "pending", false],
  ["pending", "succeeded", true],
  ["pending", "failed", true],
  ["succeeded", "requested", false],
  ["succeeded", "pending", false],
  ["succeeded", "succeeded", false],
  ["succeeded", "failed", false],
  ["failed", "requested", false],
  ["failed", "pending", false],
  ["failed", "succeeded", false],
  ["failed", "failed", false],
]

describe("status sets", () => {
  it("captures and refunds share the four statuses", () => {
    expect([...CAPTURE_STATUSES]).toEqual(["requested", "pending", "succeeded", "failed"])
    expect([...REFUND_STATUSES]).toEqual(["requested", "pending", "succeeded", "failed"])
  })

  it("the matrix covers every pair", () => {
    expect(MATRIX).toHaveLength(CAPTURE_STATUSES.length ** 2)
  })

  it.each([
    ["requested", true],
    ["succeeded", true],
    ["SUCCEEDED", false],
    ["canceled", false],
    [undefined, false],
  ])("isCaptureStatus / isRefundStatus(%j) -> %s", (value, expected) => {
    expect(isCaptureStatus(value)).toBe(expected)
    expect(isRefundStatus(value)).toBe(expected)
  })
})

describe("canTransition", () => {
  it.each(MATRIX)("%s -> %s allowed: %s", (from, to, allowed) => {
    expect(canTransition(from, to)).toBe(allowed)
  })

  it("is false for a status it does not know", () => {
    expect(canTransition("voided" as LedgerStatus, "succeeded")).toBe(false)
  })
})

describe("assertTransition", () => {
  const cases = MATRIX.flatMap(([from, to, allowed]) =>
    (["capture", "refund"] as const).map((kind) => [kind, from, to, allowed] as const)
  )

  it.each(cases)("%s %s -> %s allowed: %s", (kind, from, to, allowed) => {
    if (allowed) {
      expect(() => assertTransition(kind, from, to)).not.toThrow()
      return
    }
    let error: unknown
    try {
      assertTransition(kind, from, to)
    } catch (e) {
      error = e
    }
    expect(error).toBeInstanceOf(InvalidTransitionError)
    expect(error).toMatchObject({ code: "invalid_transition", kind, from, to })
  })
})

describe("isNoopTransition", () => {
  it.each(MATRIX.map(([from, to]) => [from, to, from === to] as const))("%s -> %s: %s", (from, to, noop) => {
    expect(isNoopTransition(from, to)).toBe(noop)
  })
})

describe("isTerminal", () => {
  it.each([
    ["requested", false],
    ["pending", false],
    ["succeeded", true],
    ["failed", true],
  ] as const)("%s -> %s", (status, terminal) => {
    expect(isTerminal(status)).toBe(terminal)
  })
})
