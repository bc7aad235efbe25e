#!/usr/bin/env node
/**
 * Boots a real Medusa v1 server (the same loaders `medusa start` uses) from
 * `.medusa/` with this plugin, listens on PORT (0 = any free port) and reports
 * readiness: a line `MEDUSA_READY <port>` on stdout and, when spawned with IPC,
 * a `{ type: "ready", port }` message. With ADMIN_EMAIL/ADMIN_PASSWORD set it
 * makes sure that admin user exists, through Medusa's own UserService.
 */
process.env.MEDUSA_DISABLE_TELEMETRY = "true"
process.env.NODE_ENV = process.env.NODE_ENV || "development"

const express = require("express")
const { ensureProjectDir } = require("./lib/medusa-project")

async function ensureAdmin(container) {
  const email = process.env.ADMIN_EMAIL
  const password = process.env.ADMIN_PASSWORD
  if (!email || !password) return
  const manager = container.resolve("manager")
  const userService = container.resolve("userService")
  await manager.transaction(async (m) => {
    const users = userService.withTransaction(m)
    const existing = await users.list({ email })
    if (existing.length === 0) {
      await users.create({ email, role: "admin", api_token: process.env.ADMIN_API_TOKEN }, password)
    }
  })
}

async function main() {
  const directory = ensureProjectDir()
  const app = express()
  const loaders = require("@medusajs/medusa/dist/loaders").default
  const { container, shutdown } = await loaders({ directory, expressApp: app, isTest: false })
  await ensureAdmin(container)

  const server = app.listen(Number(process.env.PORT ?? 9000), "127.0.0.1", () => {
    const { port } = server.address()
    process.stdout.write(`MEDUSA_READY ${port}\n`)
    if (process.send) process.send({ type: "ready", port })
  })

  let stopping = false
  const stop = async () => {
    if (stopping) return
    stopping = true
    server.close()
    try {
      await shutdown()
    } finally {
      process.exit(0)
    }
  }
  process.on("SIGTERM", stop)
  process.on("SIGINT", stop)
  process.on("disconnect", stop)
}

main().catch((err) => {
  console.error(err)
  process.exit(1)
})
