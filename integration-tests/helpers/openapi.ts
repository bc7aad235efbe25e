/**
 * docs/openapi.yaml as a test oracle: load it, check that it is a coherent OpenAPI 3.1
 * document, compile its schemas with Ajv (JSON Schema 2020-12, OpenAPI 3.1's dialect) and
 * check real HTTP responses against the operation and status they answered, remembering which
 * (operation, status) pairs were checked so a test can insist that all were.
 */
import { readdirSync, readFileSync } from "node:fs"
import path from "node:path"
import Ajv2020, { type ErrorObject, type ValidateFunction } from "ajv/dist/2020"
import addFormats from "ajv-formats"
import ts from "typescript"
import { parse } from "yaml"

type Json = Record<string, any> // eslint-disable-line @typescript-eslint/no-explicit-any

/** The HTTP methods an OpenAPI path item can hold (lower case, as in the document). */
export const OPENAPI_METHODS = ["get", "put", "post", "delete", "options", "head", "patch", "trace"] as const

/** What the checks need of a supertest response. */
export type HttpAnswer = {
  status: number
  headers: Record<string, string | string[] | undefined>
  body: unknown
  text: string
}

export type Operation = { method: string; path: string; op: Json }

/** The key coverage is counted by: "POST /admin/captures/{id}/refunds 201". */
export const coverageKey = (method: string, pathTemplate: string, status: number | string): string =>
  `${method.toUpperCase()} ${pathTemplate} ${status}`

export function loadOpenApi(file: string): Json {
  // uniqueKeys: a key written twice (two "201" responses, say) would silently keep only one.
  return parse(readFileSync(file, "utf8"), { uniqueKeys: true, prettyErrors: true }) as Json
}

/** The document's operations, in document order. */
export function operationsOf(doc: Json): Operation[] {
  const out: Operation[] = []
  for (const [p, item] of Object.entries<Json>(doc.paths ?? {})) {
    for (const method of OPENAPI_METHODS) if (item?.[method]) out.push({ method, path: p, op: item[method] })
  }
  return out
}

const escapePointer = (segment: string): string => segment.replace(/~/g, "~0").replace(/\//g, "~1")

export function resolvePointer(doc: Json, ref: string): unknown {
  if (!ref.startsWith("#")) return undefined
  if (ref === "#") return doc
  if (!ref.startsWith("#/")) return undefined
  let node: unknown = doc
  for (const raw of ref.slice(2).split("/")) {
    const key = decodeURIComponent(raw).replace(/~1/g, "/").replace(/~0/g, "~")
    if (node === null || typeof node !== "object" || !(key in (node as Json))) return undefined
    node = (node as Json)[key]
  }
  return node
}

/** Follows `$ref`s (a Response or Parameter object may be one) to the object and its JSON pointer. */
function deref(doc: Json, node: Json, pointer: string): { node: Json; pointer: string } {
  const seen = new Set<string>()
  while (node && typeof node.$ref === "string") {
    if (seen.has(node.$ref)) throw new Error(`$ref cycle at ${node.$ref}`)
    seen.add(node.$ref)
    pointer = node.$ref.slice(1)
    node = resolvePointer(doc, node.$ref) as Json
  }
  return { node, pointer }
}

/**
 * What makes the document unusable or self-contradictory, as a list of readable problems
 * (empty when fine). Schemas themselves are checked by compiling them (SpecChecker).
 */
export function structuralProblems(doc: Json): string[] {
  const problems: string[] = []
  if (typeof doc.openapi !== "string" || !/^3\.1\.\d+$/.test(doc.openapi)) problems.push(`openapi: "${doc.openapi}" is not 3.1.x`)
  if (typeof doc.info?.title !== "string" || typeof doc.info?.version !== "string") problems.push("info: needs title and version")
  if (!doc.paths || typeof doc.paths !== "object" || !Object.keys(doc.paths).length) problems.push("paths: none")

  // Every $ref resolves, and only inside this document.
  const walk = (node: unknown, at: string): void => {
    if (Array.isArray(node)) return node.forEach((v, i) => walk(v, `${at}/${i}`))
    if (!node || typeof node !== "object") return
    for (const [k, v] of Object.entries(node as Json)) {
      if (k === "$ref") {
        if (typeof v !== "string" || !v.startsWith("#/")) problems.push(`${at}: $ref ${JSON.stringify(v)} is not local`)
        else if (resolvePointer(doc, v) === undefined) problems.push(`${at}: $ref ${v} does not resolve`)
      } else if (k !== "example" && k !== "examples") {
        walk(v, `${at}/${escapePointer(k)}`)
      }
    }
  }
  walk(doc, "#")

  const schemes = doc.components?.securitySchemes ?? {}
  const checkSecurity = (security: unknown, at: string) => {
    if (security === undefined) return
    if (!Array.isArray(security)) return problems.push(`${at}: security must be a list`)
    for (const requirement of security as Json[]) {
      for (const name of Object.keys(requirement)) if (!schemes[name]) problems.push(`${at}: security scheme "${name}" is not defined`)
    }
  }
  checkSecurity(doc.security, "#/security")

  const operationIds = new Map<string, string>()
  for (const [p, item] of Object.entries<Json>(doc.paths ?? {})) {
    if (!p.startsWith("/")) problems.push(`paths: "${p}" does not start with /`)
    const allowed = new Set<string>([...OPENAPI_METHODS, "parameters", "summary", "description", "servers"])
    for (const k of Object.keys(item ?? {})) if (!allowed.has(k)) problems.push(`${p}: unexpected key "${k}"`)
    const templateParams = [...p.matchAll(/\{([^}]+)\}/g)].map((m) => m[1])
    const params = (list: Json[] | undefined, where: string) =>
      (list ?? []).map((raw, i) => {
        const { node } = deref(doc, raw, `${where}/${i}`)
        if (!node?.name || !node?.in) problems.push(`${where}/${i}: a parameter needs name and in`)
        if (node?.in === "path" && node.required !== true) problems.push(`${where}/${i}: path parameter "${node.name}" must be required`)
        if (!node?.schema && !node?.content) problems.push(`${where}/${i}: parameter "${node?.name}" has no schema`)
        return node
      })
    const pathLevel = params(item.parameters, `${p}/parameters`)
    for (const method of OPENAPI_METHODS) {
      const op = item[method]
      if (!op) continue
      const at = `${method.toUpperCase()} ${p}`
      if (typeof op.operationId !== "string") problems.push(`${at}: no operationId`)
      else if (operationIds.has(op.operationId)) problems.push(`${at}: operationId ${op.operationId} also used by ${operationIds.get(op.operationId)}`)
      else operationIds.set(op.operationId, at)
      if (typeof op.summary !== "string" || typeof op.description !== "string") problems.push(`${at}: needs a summary and a description`)
      const all = [...pathLevel, ...params(op.parameters, `${at}/parameters`)]
      const seen = new Set<string>()
      for (const prm of all) {
        const key = `${prm?.in}:${prm?.name}`
        if (seen.has(key) && !pathLevel.includes(prm)) problems.push(`${at}: parameter ${key} is declared twice`)
        seen.add(key)
      }
      const pathParams = all.filter((x) => x?.in === "path").map((x) => x.name)
      for (const name of templateParams) if (!pathParams.includes(name)) problems.push(`${at}: {${name}} has no path parameter`)
      for (const name of pathParams) if (!templateParams.includes(name)) problems.push(`${at}: path parameter "${name}" is not in the path`)
      const responses = op.responses
      if (!responses || typeof responses !== "object" || !Object.keys(responses).length) {
        problems.push(`${at}: no responses`)
        continue
      }
      for (const [status, raw] of Object.entries<Json>(responses)) {
        if (!/^([1-5]\d\d|[1-5]XX|default)$/.test(status)) problems.push(`${at}: response key "${status}" is not a status`)
        const { node } = deref(doc, raw, "")
        if (typeof node?.description !== "string") problems.push(`${at} ${status}: a response needs a description`)
      }
      checkSecurity(op.security, at)
    }
  }
  return problems
}

/**
 * Where a media type object of the document holds a schema and examples: each request body,
 * response and parameter, by JSON pointer (through component $refs, so each is compiled in the
 * document's scope).
 */
function schemaSites(doc: Json): Array<{ what: string; pointer: string; node: Json }> {
  const sites: Array<{ what: string; pointer: string; node: Json }> = []
  const media = (what: string, container: Json, pointer: string) => {
    for (const [type, m] of Object.entries<Json>(container?.content ?? {})) {
      sites.push({ what: `${what} (${type})`, pointer: `${pointer}/content/${escapePointer(type)}`, node: m })
    }
  }
  for (const { method, path: p, op } of operationsOf(doc)) {
    const at = `${method.toUpperCase()} ${p}`
    const opPointer = `/paths/${escapePointer(p)}/${method}`
    if (op.requestBody) {
      const { node, pointer } = deref(doc, op.requestBody, `${opPointer}/requestBody`)
      media(`${at} request body`, node, pointer)
    }
    for (const [status, raw] of Object.entries<Json>(op.responses ?? {})) {
      const { node, pointer } = deref(doc, raw, `${opPointer}/responses/${status}`)
      media(`${at} ${status}`, node, pointer)
      for (const [name, h] of Object.entries<Json>(node?.headers ?? {})) {
        const header = deref(doc, h, `${pointer}/headers/${escapePointer(name)}`)
        sites.push({ what: `${at} ${status} header ${name}`, pointer: header.pointer, node: header.node })
      }
    }
    const params = [
      ...((doc.paths[p].parameters ?? []) as Json[]).map((x, i) => [x, `/paths/${escapePointer(p)}/parameters/${i}`] as const),
      ...((op.parameters ?? []) as Json[]).map((x, i) => [x, `${opPointer}/parameters/${i}`] as const),
    ]
    for (const [raw, ptr] of params) {
      const { node, pointer } = deref(doc, raw, ptr)
      sites.push({ what: `${at} parameter ${node?.name}`, pointer, node })
    }
  }
  return sites
}

export function formatAjvErrors(errors: ErrorObject[] | null | undefined): string {
  return (errors ?? [])
    .map((e) => {
      const extra =
        e.keyword === "additionalProperties"
          ? ` (${e.params.additionalProperty})`
          : e.keyword === "required"
            ? ""
            : ` ${JSON.stringify(e.params)}`
      return `  ${e.instancePath || "(root)"} ${e.message}${extra} [schema ${e.schemaPath}]`
    })
    .join("\n")
}

const clip = (value: unknown, max = 1500): string => {
  const text = typeof value === "string" ? JSON.stringify(value) : JSON.stringify(value, null, 1)
  return text === undefined ? String(value) : text.length > max ? `${text.slice(0, max)}…` : text
}

/** Compiles the document's schemas and checks answers against them. */
export class SpecChecker {
  private readonly ajv: Ajv2020
  private readonly compiled = new Map<string, ValidateFunction>()
  /** "METHOD /path/{template} status" of every answer checked so far. */
  readonly covered = new Set<string>()
  private static readonly DOC_ID = "https://medusa-plugin-captures.local/openapi.json"

  constructor(readonly doc: Json) {
    this.ajv = new Ajv2020({
      // Strict, so a misspelt keyword (`additionalProperty`, 3.0's `nullable`) is an error
      // rather than a schema that silently accepts anything. `strictRequired` is off because
      // `allOf: [{$ref: Capture}, {required: [refunds]}]` names properties defined in the $ref.
      strict: true,
      strictRequired: false,
      // OpenAPI 3.1 writes nullable fields as `type: [string, "null"]`.
      allowUnionTypes: true,
      allErrors: true,
    })
    addFormats(this.ajv)
    // The whole document is one schema resource, so `#/components/...` refs resolve; Ajv
    // compiles that root once (as a schema that accepts anything: its OpenAPI fields are
    // declared as keywords without meaning) and then, by pointer, the places that hold schemas.
    for (const field of ["openapi", "info", "jsonSchemaDialect", "servers", "paths", "webhooks", "components", "security", "tags", "externalDocs"]) {
      this.ajv.addKeyword(field)
    }
    this.ajv.addSchema(doc, SpecChecker.DOC_ID, undefined, false)
  }

  /** The compiled schema at a JSON pointer of the document (throws when it does not compile). */
  validatorAt(pointer: string): ValidateFunction {
    let fn = this.compiled.get(pointer)
    if (!fn) {
      const uriPointer = pointer
        .split("/")
        .map((s) => encodeURIComponent(s))
        .join("/")
      fn = this.ajv.getSchema(`${SpecChecker.DOC_ID}#${uriPointer}`)
      if (!fn) throw new Error(`no schema at #${pointer}`)
      this.compiled.set(pointer, fn)
    }
    return fn
  }

  /**
   * Compiles every component schema and every schema of a request body, response, header
   * and parameter, and checks each `example`/`examples` against its schema. Returns the
   * problems (empty when all is well).
   */
  compileProblems(): string[] {
    const problems: string[] = []
    for (const name of Object.keys(this.doc.components?.schemas ?? {})) {
      try {
        this.validatorAt(`/components/schemas/${escapePointer(name)}`)
      } catch (err) {
        problems.push(`components/schemas/${name}: ${(err as Error).message}`)
      }
    }
    for (const site of schemaSites(this.doc)) {
      if (!site.node?.schema) {
        problems.push(`${site.what}: no schema`)
        continue
      }
      let validate: ValidateFunction
      try {
        validate = this.validatorAt(`${site.pointer}/schema`)
      } catch (err) {
        problems.push(`${site.what}: ${(err as Error).message}`)
        continue
      }
      const examples: Array<[string, unknown]> = []
      if ("example" in site.node) examples.push(["example", site.node.example])
      for (const [name, ex] of Object.entries<Json>(site.node.examples ?? {})) {
        examples.push([`examples.${name}`, deref(this.doc, ex, "").node?.value])
      }
      for (const [label, value] of examples) {
        if (!validate(value)) problems.push(`${site.what} ${label} does not match its schema:\n${formatAjvErrors(validate.errors)}`)
      }
    }
    return problems
  }

  /** The document's response statuses of an operation (after following a response $ref). */
  private responseOf(method: string, pathTemplate: string, status: number): { key: string; node: Json; pointer: string } | null {
    const op = this.doc.paths?.[pathTemplate]?.[method.toLowerCase()]
    if (!op) return null
    const responses: Json = op.responses ?? {}
    const key = [String(status), `${String(status)[0]}XX`, "default"].find((k) => k in responses)
    if (!key) return null
    const base = `/paths/${escapePointer(pathTemplate)}/${method.toLowerCase()}/responses/${key}`
    const { node, pointer } = deref(this.doc, responses[key], base)
    return { key, node, pointer }
  }

  /** Every documented "METHOD /path status", for coverage. */
  documentedStatuses(): string[] {
    return operationsOf(this.doc).flatMap(({ method, path: p, op }) => Object.keys(op.responses ?? {}).map((s) => coverageKey(method, p, s)))
  }

  /**
   * Throws unless the answer's status is documented for the operation and its headers and
   * body match that status's schema; records the (operation, status) as covered.
   */
  expectMatchesSpec(method: string, pathTemplate: string, res: HttpAnswer): void {
    const at = `${method.toUpperCase()} ${pathTemplate}`
    const op = this.doc.paths?.[pathTemplate]?.[method.toLowerCase()]
    if (!op) throw new Error(`${at} is not in docs/openapi.yaml`)
    const body = res.text ?? ""
    const response = this.responseOf(method, pathTemplate, res.status)
    if (!response) {
      throw new Error(
        `${at} answered ${res.status}, a status docs/openapi.yaml does not list for it ` +
          `(it lists ${Object.keys(op.responses).join(", ")}). Body: ${clip(body)}`
      )
    }
    const where = `${at} ${res.status}`
    const problems: string[] = []

    for (const [name, h] of Object.entries<Json>(response.node.headers ?? {})) {
      const { node, pointer } = deref(this.doc, h, `${response.pointer}/headers/${escapePointer(name)}`)
      const value = res.headers[name.toLowerCase()]
      if (value === undefined) {
        if (node.required) problems.push(`header ${name} is required but missing`)
        continue
      }
      const validate = this.validatorAt(`${pointer}/schema`)
      if (!validate(value)) problems.push(`header ${name}: ${JSON.stringify(value)} does not match:\n${formatAjvErrors(validate.errors)}`)
    }

    const content: Json | undefined = response.node.content
    const rawType = res.headers["content-type"]
    const mediaType = typeof rawType === "string" ? rawType.split(";")[0].trim().toLowerCase() : undefined
    if (!content || !Object.keys(content).length) {
      if (body.length) problems.push(`the document says no body, got ${mediaType ?? "a body"}: ${clip(body)}`)
    } else {
      // Medusa's authentication (passport) answers 401 with a bare "Unauthorized" and no
      // Content-Type header at all; the document calls that text/plain, the only type of
      // body that can be read without one.
      const type = mediaType ?? (content["text/plain"] ? "text/plain" : undefined)
      if (!type || !content[type]) {
        problems.push(`answered with Content-Type ${rawType ?? "(none)"}, the document has ${Object.keys(content).join(", ")}`)
      } else {
        const data = type === "application/json" ? res.body : body
        const validate = this.validatorAt(`${response.pointer}/content/${escapePointer(type)}/schema`)
        if (!validate(data)) problems.push(`body does not match the schema (${type}):\n${formatAjvErrors(validate.errors)}`)
      }
    }
    if (problems.length) {
      throw new Error(`${where} does not match docs/openapi.yaml (response "${response.key}"):\n${problems.join("\n")}\nBody: ${clip(body)}`)
    }
    this.covered.add(coverageKey(method, pathTemplate, response.key))
  }

  /** Throws unless `body` is a valid request body of the operation (what a client may send). */
  expectRequestMatchesSpec(method: string, pathTemplate: string, body: unknown, mediaType = "application/json"): void {
    const at = `${method.toUpperCase()} ${pathTemplate}`
    const op = this.doc.paths?.[pathTemplate]?.[method.toLowerCase()]
    if (!op?.requestBody) throw new Error(`${at} documents no request body`)
    const { pointer } = deref(this.doc, op.requestBody, `/paths/${escapePointer(pathTemplate)}/${method.toLowerCase()}/requestBody`)
    const validate = this.validatorAt(`${pointer}/content/${escapePointer(mediaType)}/schema`)
    if (!validate(body)) throw new Error(`${at}: the request body ${clip(body)} does not match the document:\n${formatAjvErrors(validate.errors)}`)
  }
}

/**
 * The routes the plugin registers, found the way Medusa's route loader finds them: every
 * `route.ts` under src/api, its folder the path (`[id]` → `{id}`), its exports named after an
 * HTTP method the handlers. `authenticated` follows the loader too: /admin routes require an
 * admin unless the file exports `AUTHENTICATE = false`. The exports are read from the source
 * with TypeScript's parser rather than by loading the modules, which would pull in Medusa
 * (seconds) for a list of names.
 */
export function pluginRoutes(apiDir: string): Array<{ method: string; path: string; file: string; authenticated: boolean }> {
  const HTTP = ["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "HEAD"]
  const files: string[] = []
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name)
      if (entry.isDirectory()) {
        if (entry.name !== "__tests__") walk(full)
      } else if (/^route\.[cm]?[jt]s$/.test(entry.name) && !entry.name.endsWith(".d.ts")) {
        files.push(full)
      }
    }
  }
  walk(apiDir)
  return files.flatMap((file) => {
    const routePath =
      "/" +
      path
        .relative(apiDir, path.dirname(file))
        .split(path.sep)
        .map((s) => s.replace(/^\[(.+)\]$/, "{$1}"))
        .join("/")
    const exported = exportsOf(file)
    const authenticated = routePath.startsWith("/admin") && exported.get("AUTHENTICATE") !== "false"
    return [...exported.keys()]
      .filter((name) => HTTP.includes(name))
      .map((method) => ({ method, path: routePath, file: path.relative(process.cwd(), file), authenticated }))
  })
}

/** A module's exported names, each with the source text of its value when it is a simple const. */
function exportsOf(file: string): Map<string, string | undefined> {
  const source = ts.createSourceFile(file, readFileSync(file, "utf8"), ts.ScriptTarget.Latest, true)
  const names = new Map<string, string | undefined>()
  const isExported = (node: ts.Node) =>
    ts.canHaveModifiers(node) && (ts.getModifiers(node) ?? []).some((m) => m.kind === ts.SyntaxKind.ExportKeyword)
  for (const statement of source.statements) {
    if (ts.isFunctionDeclaration(statement) && statement.name && isExported(statement)) {
      names.set(statement.name.text, undefined)
    } else if (ts.isVariableStatement(statement) && isExported(statement)) {
      for (const d of statement.declarationList.declarations) {
        if (ts.isIdentifier(d.name)) names.set(d.name.text, d.initializer?.getText(source))
      }
    } else if (ts.isExportDeclaration(statement) && statement.exportClause && ts.isNamedExports(statement.exportClause)) {
      for (const element of statement.exportClause.elements) names.set(element.name.text, undefined)
    }
  }
  return names
}

/** The security an operation effectively has: its own, else the document's. */
export function effectiveSecurity(doc: Json, op: Json): Json[] {
  return (op.security ?? doc.security ?? []) as Json[]
}
