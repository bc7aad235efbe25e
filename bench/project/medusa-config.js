/**
 * The benchmarks' Medusa project: the repository's own configuration (the
 * plugin from this checkout's dist/, medusa-fulfillment-manual, Redis when
 * REDIS_URL is set) plus Medusa's manual payment provider (`manual`), the
 * baseline that core's POST /admin/payments/:id/capture is measured with.
 *
 * BENCH_REDIS_PREFIX, when set, keeps this server's Redis keys apart from any
 * other server's on the same Redis database: its event queue, its sessions
 * (projectConfig.redis_prefix) and its cache namespace all carry the prefix,
 * so a benchmark can delete exactly its own keys afterwards.
 */
const base = require("../../medusa-config.js")

const prefix = process.env.BENCH_REDIS_PREFIX
const modules = { ...(base.modules || {}) }
if (prefix && modules.eventBus) {
  modules.eventBus = { ...modules.eventBus, options: { ...modules.eventBus.options, queueName: `${prefix}-events` } }
}
if (prefix && modules.cacheService) {
  modules.cacheService = { ...modules.cacheService, options: { ...modules.cacheService.options, namespace: `${prefix}-cache` } }
}

module.exports = {
  ...base,
  projectConfig: { ...base.projectConfig, ...(prefix && base.projectConfig.redis_url ? { redis_prefix: `${prefix}:` } : {}) },
  plugins: [...base.plugins, "medusa-payment-manual"],
  modules,
}
