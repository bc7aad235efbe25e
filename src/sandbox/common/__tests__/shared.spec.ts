import {
  BASE_FAULT_KINDS,
  FaultQueue,
  TIMEOUT_FAULT_DEFAULT_MS,
  canonicalJson,
  parseFaults,
  readBody,
  respondWithFault,
  send,
  startServer,
  type Fault,
  type ServerLifecycle,
} from ".."

describe("parseFaults", () => {
  it("accepts timeout by default, and a simulator can keep its own list", () => {
    expect(parseFaults([{ kind: "timeout", delayMs: 5 }])).toEqual([{ kind: "timeout", delayMs: 5 }])
    expect(() => parseFaults([{ kind: "timeout" }], BASE_FAULT_KINDS)).toThrow(/must be one of delay/)
  })

  it("the queue hands out faults in order, `times` times", () => {
    const queue = new FaultQueue()
    queue.add([{ kind: "status_500", times: 2 }, { kind: "delay" }])
    expect([queue.take("GET", "/"), queue.take("GET", "/"), queue.take("GET", "/"), queue.take("GET", "/")].map((f) => f?.kind)).toEqual([
      "status_500",
      "status_500",
      "delay",
      undefined,
    ])
  })

  it("canonicalJson ignores key order and undefined", () => {
    expect(canonicalJson({ b: 1, a: { d: undefined, c: [2] } })).toBe(canonicalJson({ a: { c: [2] }, b: 1 }))
  })
})

describe("startServer + respondWithFault, with a simulator's own error bodies", () => {
  let server: ServerLifecycle
  let acted = 0
  let nextFault: Fault | undefined

  beforeAll(async () => {
    server = await startServer({
      handler: async (req, res) => {
        await readBody(req)
        const fault = nextFault
        nextFault = undefined
        await respondWithFault({
          req,
          res,
          fault,
          sleep: server.sleep,
          contentType: "application/xml",
          renderError: (kind) => ({ status: kind === "status_429" ? 429 : Number(kind.slice(7)), body: `<error kind="${kind}"/>` }),
          act: () => {
            acted += 1
            return { status: 201, body: "<created/>" }
          },
        })
      },
      onUnexpectedError: (res) => send(res, { status: 500, body: "bug" }),
    })
  })
  afterAll(() => server.close())
  beforeEach(() => {
    acted = 0
  })

  const hit = async (fault?: Fault) => {
    nextFault = fault
    const res = await fetch(server.url, { method: "POST", body: "x" })
    return { status: res.status, type: res.headers.get("content-type"), body: await res.text(), retryAfter: res.headers.get("retry-after") }
  }

  it("listens on 127.0.0.1 and an ephemeral port", () => {
    expect(server.url).toBe(`http://127.0.0.1:${server.port}`)
  })

  it("no fault: acts and answers in the simulator's content type", async () => {
    expect(await hit()).toMatchObject({ status: 201, type: "application/xml; charset=utf-8", body: "<created/>" })
    expect(acted).toBe(1)
  })

  it.each([
    [{ kind: "status_500" as const }, 500, null],
    [{ kind: "status_503" as const }, 503, null],
    [{ kind: "status_429" as const, retryAfterSeconds: 3 }, 429, "3"],
  ])("%j answers the rendered error without acting", async (fault, status, retryAfter) => {
    const res = await hit(fault)
    expect(res).toMatchObject({ status, body: `<error kind="${fault.kind}"/>`, retryAfter })
    expect(acted).toBe(0)
  })

  it.each([
    ["reset_before", 0],
    ["reset_after", 1],
    ["lost_response", 1],
  ] as const)("%s destroys the socket (acted %i times)", async (kind, times) => {
    await expect(hit({ kind })).rejects.toThrow()
    expect(acted).toBe(times)
  })

  it("malformed acts and answers half a body", async () => {
    expect(await hit({ kind: "malformed" })).toMatchObject({ status: 200, body: "<crea<!-- truncated" })
    expect(acted).toBe(1)
  })

  it("timeout has a long default delay", () => {
    expect(TIMEOUT_FAULT_DEFAULT_MS).toBeGreaterThanOrEqual(10_000)
  })
})

describe("close()", () => {
  it("cancels timers and drops requests parked in a delay", async () => {
    let fired = false
    const server: ServerLifecycle = await startServer({
      handler: async (_req, res) => {
        await server.sleep(10_000)
        send(res, { status: 200, body: "late" })
      },
      onUnexpectedError: () => undefined,
    })
    server.setTimer(() => (fired = true), 50)
    const parked = fetch(server.url).catch((err: unknown) => err)
    await new Promise((resolve) => setTimeout(resolve, 20))
    const started = Date.now()
    await server.close()
    expect(await parked).toMatchObject({ name: "TypeError" }) // fetch failed: the socket was dropped
    expect(Date.now() - started).toBeLessThan(1000)
    expect(server.closed).toBe(true)
    expect(server.signal.aborted).toBe(true)
    await new Promise((resolve) => setTimeout(resolve, 60))
    expect(fired).toBe(false)
    await server.close() // idempotent
  })
})
