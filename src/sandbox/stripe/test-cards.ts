/**
 * The test PaymentMethods the simulator knows, by the ids Stripe documents on its testing page
 * (https://docs.stripe.com/testing) and its multicapture page (docs/gateways/stripe.md#test-payment-methods).
 * Any other `pm_…` is an unknown PaymentMethod (404-style `resource_missing`, param `payment_method`).
 */

export type CardBehaviour =
  /** Authorizes. */
  | { kind: "authorize"; refunds?: "succeed" | "pending_then_succeed" | "succeed_then_fail" }
  /** Declined by the issuer: 402 card_error / card_declined with this decline code. */
  | { kind: "decline"; declineCode: string; message: string }
  /** 3D Secure on every payment: `requires_action` until authenticated. */
  | { kind: "authenticate" }

export type TestCard = {
  brand: "visa" | "mastercard" | "amex"
  last4: string
  funding: "credit" | "debit"
  /** Whether `request_multicapture=if_available` gets `available` on the charge. */
  multicapture: boolean
  behaviour: CardBehaviour
}

const visa = (last4: string, behaviour: CardBehaviour, multicapture = true): TestCard => ({
  brand: "visa",
  last4,
  funding: "credit",
  multicapture,
  behaviour,
})

const AUTHORIZE: CardBehaviour = { kind: "authorize" }

export const TEST_CARDS: Readonly<Record<string, TestCard>> = {
  // "Visa test card that supports multicapture" (multicapture page).
  pm_card_visa: visa("4242", AUTHORIZE),
  pm_card_mastercard: { brand: "mastercard", last4: "4444", funding: "credit", multicapture: true, behaviour: AUTHORIZE },
  // Amex is one of the brands multicapture is available with (multicapture page, Availability).
  pm_card_amex: { brand: "amex", last4: "8431", funding: "credit", multicapture: true, behaviour: AUTHORIZE },
  // "Visa test card that doesn't support multicapture" (multicapture page, Test your integration).
  pm_card_credit_disableEnterpriseCardFeatures: visa("0076", AUTHORIZE, false),
  pm_card_chargeDeclined: visa("0002", { kind: "decline", declineCode: "generic_decline", message: "Your card was declined." }),
  pm_card_chargeDeclinedInsufficientFunds: visa("9995", {
    kind: "decline",
    declineCode: "insufficient_funds",
    message: "Your card has insufficient funds.",
  }),
  // "requires authentication on all transactions" (testing page, 3D Secure).
  pm_card_authenticationRequired: visa("3184", { kind: "authenticate" }),
  pm_card_threeDSecure2Required: visa("3220", { kind: "authenticate" }),
  // Refund test cards (testing page, Refunds): pending then succeeded; succeeded then failed.
  pm_card_pendingRefund: visa("7726", { kind: "authorize", refunds: "pending_then_succeed" }),
  pm_card_refundFail: visa("5126", { kind: "authorize", refunds: "succeed_then_fail" }),
}

export const TEST_CARD_IDS = Object.keys(TEST_CARDS)

export function testCard(paymentMethod: string): TestCard | undefined {
  return Object.hasOwn(TEST_CARDS, paymentMethod) ? TEST_CARDS[paymentMethod] : undefined
}
