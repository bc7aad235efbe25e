/**
 * The error types of Clover's taxonomy, which the Clover simulator answers with and the generic
 * sandbox copied (the same list as `GatewayErrorType` of the gateway port; the simulators keep
 * their own copy so they depend on nothing but the wire).
 */
export type TaxonomyErrorType =
  | "api_connection_error"
  | "api_error"
  | "authentication_error"
  | "card_error"
  | "idempotency_error"
  | "invalid_request_error"
  | "rate_limit_error"
