import { spawnSync } from "node:child_process"
import { mkdtempSync, readFileSync, rmSync } from "node:fs"
import os from "node:os"
import path from "node:path"

/**
 * The API reference page is rendered from docs/openapi.yaml by `npm run docs` (Redocly's CLI): the
 * build must keep working and show every operation of the document. (That the document matches the
 * server's real answers is integration-tests/api/openapi.spec.ts.)
 */
describe("the API reference page", () => {
  it("renders from docs/openapi.yaml with every operation", () => {
    const root = path.resolve(__dirname, "../..")
    const out = mkdtempSync(path.join(os.tmpdir(), "captures-api-page-"))
    try {
      const cli = require.resolve("@redocly/cli/bin/cli.js", { paths: [root] })
      const run = spawnSync(process.execPath, [cli, "build-docs", "docs/openapi.yaml", "--inlineBundle", "--output", path.join(out, "index.html")], {
        cwd: root,
        encoding: "utf8",
        env: { ...process.env, REDOCLY_TELEMETRY: "off", NO_COLOR: "1" },
      })
      expect({ status: run.status, output: `${run.stdout}${run.stderr}`.slice(-500) }).toMatchObject({ status: 0 })
      const html = readFileSync(path.join(out, "index.html"), "utf8")
      const operations = [...readFileSync(path.join(root, "docs/openapi.yaml"), "utf8").matchAll(/^\s+operationId: (\w+)$/gm)].map((m) => m[1])
      expect(operations.length).toBeGreaterThanOrEqual(16)
      for (const id of operations) expect({ id, shown: html.includes(id) }).toEqual({ id, shown: true })
    } finally {
      rmSync(out, { recursive: true, force: true })
    }
  }, 60_000)
})
