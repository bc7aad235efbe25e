/**
 * autocannon with a fixed number of requests, each built by `pathFor(i)`.
 * Latencies are every response's own time (autocannon's histogram keeps whole
 * milliseconds); the duration runs from the first request built to the last
 * response (autocannon's own end is rounded to its 1 s sampling tick).
 */
const autocannon = require("autocannon")

function run({ url, method = "GET", headers = {}, body, amount, connections = 10, pathFor, timeoutSeconds = 30 }) {
  let issued = 0
  let first = null
  let last = null
  const latencies = []
  const okLatencies = []
  const statuses = {}
  const errorSamples = []
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      {
        url,
        connections,
        amount,
        timeout: timeoutSeconds,
        requests: [
          {
            method,
            headers: { "content-type": "application/json", ...headers },
            body: body === undefined ? undefined : JSON.stringify(body),
            setupRequest: (req) => {
              if (first === null) first = process.hrtime.bigint()
              return { ...req, path: pathFor(issued++) }
            },
            onResponse: (status, resBody) => {
              if (status >= 300 && errorSamples.length < 5) errorSamples.push(`${status} ${String(resBody).slice(0, 300)}`)
            },
          },
        ],
      },
      (err, result) => {
        if (err) return reject(err)
        const seconds = Number(last - first) / 1e9
        resolve({ result, latencies, okLatencies, ok: okLatencies.length, okPerSecond: okLatencies.length / seconds, statuses, errorSamples, seconds, rps: latencies.length / seconds, errors: result.errors, timeouts: result.timeouts })
      }
    )
    instance.on("response", (_client, statusCode, _bytes, responseTime) => {
      last = process.hrtime.bigint()
      latencies.push(responseTime)
      if (statusCode >= 200 && statusCode < 300) okLatencies.push(responseTime)
      statuses[statusCode] = (statuses[statusCode] || 0) + 1
    })
  })
}

module.exports = { run }
