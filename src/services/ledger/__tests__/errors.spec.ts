import { ledgerErrors } from "../errors"

const row = { id: "cap_1", message: "Your card has insufficient funds.", decline_code: "insufficient_funds", error_code: "card_declined" }

describe("ledgerErrors.declined", () => {
  it("reports a card decline with its decline code", () => {
    const err = ledgerErrors.declined({ ...row, error_detail: "card_error; HTTP 402" })
    expect(err.message).toBe("Capture cap_1 was declined by the gateway: Your card has insufficient funds. (decline_code: insufficient_funds)")
    expect(err.code).toBe("insufficient_funds")
  })

  it("does not call a refused request (a wrong key) a decline", () => {
    const err = ledgerErrors.declined({
      id: "capref_1",
      message: "Clover rejected the private key (HTTP 401).",
      decline_code: null,
      error_code: "unauthorized",
      error_detail: "authentication_error; HTTP 401",
    })
    expect(err.message).toBe("Refund capref_1 was refused by the gateway (authentication_error): Clover rejected the private key (HTTP 401).")
    expect(err.code).toBe("unauthorized")
  })

  it("keeps 'declined' for a failed outcome the gateway reported without a type", () => {
    const err = ledgerErrors.declined({ ...row, decline_code: null, error_detail: "The capture failed at Mollie" })
    expect(err.message).toMatch(/^Capture cap_1 was declined by the gateway: /)
  })
})
