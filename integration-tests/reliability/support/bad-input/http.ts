/**
 * A raw HTTP client for the bad-input suite: the path, headers and body bytes
 * go on the wire exactly as given (supertest would normalise some of them).
 */
import http from "node:http"

export type RawRequest = {
  method: "GET" | "POST"
  /** Already percent-encoded; sent as is. */
  path: string
  headers: Record<string, string>
  body?: Buffer
}

export type RawResponse = {
  status: number
  headers: http.IncomingHttpHeaders
  text: string
  /** The body parsed as JSON, or undefined when it is not JSON. */
  json: any // eslint-disable-line @typescript-eslint/no-explicit-any
  ms: number
}

export class RawClient {
  private readonly agent = new http.Agent({ keepAlive: true, maxSockets: 2 })
  private readonly host: string
  private readonly port: number

  constructor(baseUrl: string) {
    const u = new URL(baseUrl)
    this.host = u.hostname
    this.port = Number(u.port)
  }

  send(req: RawRequest, timeoutMs = 20000): Promise<RawResponse> {
    const started = Date.now()
    const headers: Record<string, string> = { ...req.headers }
    if (req.body !== undefined) headers["content-length"] = String(req.body.length)
    else if (req.method === "POST") headers["content-length"] = "0"
    return new Promise((resolve, reject) => {
      const r = http.request(
        { host: this.host, port: this.port, method: req.method, path: req.path, headers, agent: this.agent },
        (res) => {
          const chunks: Buffer[] = []
          res.on("data", (c: Buffer) => chunks.push(c))
          res.on("error", reject)
          res.on("end", () => {
            const text = Buffer.concat(chunks).toString("utf8")
            let json: unknown
            if (/json/i.test(String(res.headers["content-type"] ?? ""))) {
              try {
                json = JSON.parse(text)
              } catch {
                json = undefined
              }
            }
            resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json, ms: Date.now() - started })
          })
        }
      )
      r.setTimeout(timeoutMs, () => r.destroy(new Error(`no answer within ${timeoutMs} ms`)))
      r.on("error", reject)
      if (req.body !== undefined) r.write(req.body)
      r.end()
    })
  }

  close(): void {
    this.agent.destroy()
  }
}
