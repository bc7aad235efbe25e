/**
 * Base for every error the domain layer raises. `code` is stable and machine-readable so
 * the API layer can map it to a response without parsing messages; `field` names the
 * offending input so validation errors can point at it.
 */
export class DomainError extends Error {
  readonly code: string
  readonly field?: string

  constructor(code: string, message: string, field?: string) {
    super(message)
    this.name = "DomainError"
    this.code = code
    if (field !== undefined) this.field = field
    // A no-op on an ES2015+ target, but keeps `instanceof` working if the build target is
    // ever lowered to ES5, where extending Error loses the subclass prototype.
    Object.setPrototypeOf(this, new.target.prototype)
  }
}

export type MoneyErrorCode = "invalid_amount" | "invalid_currency"

export class InvalidMoneyError extends DomainError {
  declare readonly code: MoneyErrorCode
  declare readonly field: string

  constructor(code: MoneyErrorCode, field: string, message: string) {
    super(code, message, field)
    this.name = "InvalidMoneyError"
  }
}
