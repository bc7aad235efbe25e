/**
 * Whether a Redis server answers, and emptying one of its numbered databases,
 * in a few lines of RESP over a socket (the tests only need these two things).
 */
const net = require("net")

function command(url, commands, timeoutMs = 1000) {
  const u = new URL(url)
  const db = Number(u.pathname.replace("/", "") || 0)
  const wire = [["SELECT", String(db)], ...commands]
    .map((args) => `*${args.length}\r\n` + args.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join(""))
    .join("")
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: u.hostname, port: Number(u.port || 6379) })
    let reply = ""
    const done = (err, value) => {
      socket.destroy()
      err ? reject(err) : resolve(value)
    }
    socket.setTimeout(timeoutMs, () => done(new Error(`no answer from Redis at ${u.host}`)))
    socket.on("error", (err) => done(err))
    socket.on("connect", () => socket.write(wire))
    socket.on("data", (chunk) => {
      reply += chunk
      const lines = reply.split("\r\n").filter(Boolean)
      if (lines.some((l) => l.startsWith("-"))) return done(new Error(`Redis: ${reply.trim()}`))
      if (lines.length >= commands.length + 1) done(null, lines)
    })
  })
}

async function redisAvailable(url) {
  try {
    await command(url, [["PING"]])
    return true
  } catch {
    return false
  }
}

const flushRedisDb = (url) => command(url, [["FLUSHDB"]])

module.exports = { redisAvailable, flushRedisDb }
