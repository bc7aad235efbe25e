import { DomainError, InvalidMoneyError } from "../errors"
import { InvalidTransitionError } from "../status"

describe("domain errors", () => {
  it.each([
    {
      make: () => new DomainError("something", "msg", "f"),
      classes: [DomainError],
      name: "DomainError",
      fields: { code: "something", field: "f", message: "msg" },
    },
    {
      make: () => new InvalidMoneyError("invalid_amount", "amount", "amount must be > 0"),
      classes: [DomainError, InvalidMoneyError],
      name: "InvalidMoneyError",
      fields: { code: "invalid_amount", field: "amount", message: "amount must be > 0" },
    },
    {
      make: () => new InvalidMoneyError("invalid_currency", "currency_code", "bad"),
      classes: [DomainError, InvalidMoneyError],
      name: "InvalidMoneyError",
      fields: { code: "invalid_currency", field: "currency_code" },
    },
    {
      make: () => new InvalidTransitionError("refund", "failed", "succeeded"),
      classes: [DomainError, InvalidTransitionError],
      name: "InvalidTransitionError",
      fields: { code: "invalid_transition", kind: "refund", from: "failed", to: "succeeded" },
    },
  ])("$name keeps its prototype chain and fields", ({ make, classes, name, fields }) => {
    const error = make()
    expect(error).toBeInstanceOf(Error)
    for (const cls of classes) expect(error).toBeInstanceOf(cls)
    expect(error.name).toBe(name)
    expect(error).toMatchObject(fields)
    expect(error.stack).toContain(name)
  })

  it("does not set field when none is given", () => {
    expect("field" in new DomainError("x", "y")).toBe(false)
  })

  it("transition errors say what was attempted", () => {
    expect(new InvalidTransitionError("capture", "succeeded", "pending").message).toBe(
      'Cannot move a capture from "succeeded" to "pending"'
    )
  })
})
