export { StripeGateway } from "./stripe-gateway"
export { StripeClient, stripeLongestCallMs } from "./client"
export * from "./types"
