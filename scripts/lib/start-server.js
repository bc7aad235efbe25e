/** Starts scripts/serve.js as a child process and resolves once it listens. */
const { fork } = require("child_process")
const fs = require("fs")
const path = require("path")

/**
 * @param {{ env?: object, port?: number, timeoutMs?: number, inheritOutput?: boolean, logFile?: string }} [opts]
 *   logFile: every line the server writes is appended there too (tests read what it logged).
 */
function startServer({ env = {}, port = 0, timeoutMs = 120000, inheritOutput = false, logFile } = {}) {
  const child = fork(path.join(__dirname, "..", "serve.js"), [], {
    env: { ...process.env, PORT: String(port), ...env },
    stdio: ["ignore", "pipe", "pipe", "ipc"],
  })
  let log = ""
  const keep = (d) => {
    log = (log + d).slice(-20000)
    if (inheritOutput) process.stdout.write(d)
    if (logFile) fs.appendFileSync(logFile, d)
  }
  child.stdout.on("data", keep)
  child.stderr.on("data", keep)

  const exited = new Promise((resolve) => child.once("exit", (code, signal) => resolve({ code, signal })))
  const ready = new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`Medusa did not start in ${timeoutMs} ms\n${log}`)), timeoutMs)
    child.on("message", (msg) => {
      if (msg && msg.type === "ready") {
        clearTimeout(timer)
        resolve(msg.port)
      }
    })
    exited.then(({ code, signal }) => {
      clearTimeout(timer)
      reject(new Error(`Medusa exited (${code ?? signal}) before it was ready\n${log}`))
    })
  })

  return ready.then((actualPort) => ({
    url: `http://127.0.0.1:${actualPort}`,
    port: actualPort,
    pid: child.pid,
    output: () => log,
    exited,
    async stop(signal = "SIGTERM") {
      if (child.exitCode !== null || child.signalCode !== null) return
      child.kill(signal)
      await exited
    },
  }))
}

module.exports = { startServer }
