/**
 * Test card tokens of the simulator. Real Clover tokens (`clv_…`) come from its tokenizer, which
 * the simulator does not have; these tokens stand in for test cards and choose the outcome. Clover's
 * tokens are single-use ("You need to generate a new card token for each payment";
 * `token_already_used`, docs/gateways/clover.md#card-tokens), so each may carry a suffix that makes
 * it new: `clv_test_visa-<letters and digits>`.
 */
import { invalidRequest } from "./errors"
import type { ChargeBehaviour, SimCardSource } from "./state"

type Card = Omit<SimCardSource, "id" | "object">

const CARDS: Record<string, Card> = {
  visa: { brand: "VISA", first6: "424242", last4: "4242", exp_month: "12", exp_year: "2030" },
  mastercard: { brand: "MC", first6: "555555", last4: "4444", exp_month: "12", exp_year: "2030" },
}

export type ParsedToken = ChargeBehaviour & {
  card: Card
  /** `clv_test_decline_<code>`: the authorization itself is declined. */
  declineCode?: string
}

const DECLINE_CODE = /^[a-z0-9_]{1,64}$/

const PREFIXES: Array<[string, "declineCode" | "captureDeclineCode" | "refundDeclineCode"]> = [
  ["clv_test_capture_decline_", "captureDeclineCode"],
  ["clv_test_refund_decline_", "refundDeclineCode"],
  ["clv_test_decline_", "declineCode"],
]

export const TEST_TOKENS_HELP =
  "Use clv_test_visa, clv_test_mastercard, clv_test_decline_<code>, clv_test_capture_decline_<code> or clv_test_refund_decline_<code>, each optionally with -<suffix> to make a new token."

/** The unique suffix a test token may carry (a new token of the same test card). */
const SUFFIX = /^(.*)-[A-Za-z0-9]{1,40}$/

/** Throws 400 `invalid_request_error`, param `source`, for any other token. */
export function parseToken(source: string): ParsedToken {
  const token = SUFFIX.exec(source)?.[1] ?? source
  const brand = /^clv_test_(visa|mastercard)$/.exec(token)
  if (brand) return { card: CARDS[brand[1]] }
  for (const [prefix, field] of PREFIXES) {
    const code = token.startsWith(prefix) ? token.slice(prefix.length) : undefined
    if (code !== undefined && DECLINE_CODE.test(code)) return { card: CARDS.visa, [field]: code }
  }
  throw invalidRequest("invalid_request", `Unknown card token. ${TEST_TOKENS_HELP}`, "source")
}
