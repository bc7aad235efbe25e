/**
 * What `require("medusa-plugin-captures")` gives a store's own code: the options schema and
 * its parser (to validate a configuration before deploying), the gateway error type, the
 * ledger's money helpers, and the gateway simulators for the store's own tests. Medusa itself
 * does not load this file: its plugin loader scans dist/api, dist/services, dist/models, …
 */
export { parsePluginOptions, pluginOptionsSchema, PluginOptionsError } from "./types/options"
export type { PluginOptions, SandboxOptions, MollieOptions, CloverOptions, CaptureTrigger } from "./types/options"
export { GatewayError, isGatewayError } from "./gateways/gateway"
export { formatMoney, fromDecimalString, toDecimalString, currencyExponent } from "./domain"
export { startSandboxGateway } from "./sandbox/sandbox-gateway"
export { startMollieSandbox } from "./sandbox/mollie"
export { startCloverSandbox } from "./sandbox/clover"
