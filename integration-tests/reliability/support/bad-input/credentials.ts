/** Credentials for the admin routes: a valid token, and every way one can be wrong. */
import crypto from "node:crypto"
import fc from "fast-check"
import type { World } from "./world"

function jwt(payload: object, secret: string, alg: "HS256" | "none" = "HS256"): string {
  const part = (o: object) => Buffer.from(JSON.stringify(o)).toString("base64url")
  const head = `${part({ alg, typ: "JWT" })}.${part(payload)}`
  return alg === "none" ? `${head}.` : `${head}.${crypto.createHmac("sha256", secret).update(head).digest("base64url")}`
}

export type Auth = { headers: Record<string, string>; problem?: string }

export function authArb(w: World): fc.Arbitrary<Auth> {
  const token = w.ctx.adminToken
  const now = Math.floor(Date.now() / 1000)
  const admin = { user_id: w.adminUserId, domain: "admin", iat: now, exp: now + 86400 }
  const secret = w.ctx.serverEnv.JWT_SECRET
  const basic = Buffer.from(`${w.ctx.serverEnv.ADMIN_EMAIL}:${w.ctx.serverEnv.ADMIN_PASSWORD}`).toString("base64")
  const bad: Auth[] = [
    { problem: "no credentials", headers: {} },
    { problem: "a token signed by another store", headers: { authorization: `Bearer ${jwt(admin, "another-store-secret")}` } },
    { problem: "an expired token", headers: { authorization: `Bearer ${jwt({ ...admin, iat: now - 7200, exp: now - 3600 }, secret)}` } },
    { problem: "a customer's token", headers: { authorization: `Bearer ${jwt({ customer_id: "cus_01", domain: "store", iat: now, exp: now + 3600 }, secret)}` } },
    { problem: "an unsigned token (alg none)", headers: { authorization: `Bearer ${jwt(admin, "", "none")}` } },
    { problem: "the token without its last character", headers: { authorization: `Bearer ${token.slice(0, -1)}` } },
    { problem: "the token with a character appended", headers: { authorization: `Bearer ${token}x` } },
    { problem: "the JWT sent as an API token", headers: { "x-medusa-access-token": token } },
    { problem: "an unknown API token", headers: { "x-medusa-access-token": "pk_01J000000000000000000000000" } },
    { problem: "a forged session cookie", headers: { cookie: "connect.sid=s%3Aforged-session.c2lnbmF0dXJl" } },
    { problem: "the admin's password as Basic auth", headers: { authorization: `Basic ${basic}` } },
    { problem: "an empty Bearer", headers: { authorization: "Bearer " } },
    { problem: "the token under another scheme", headers: { authorization: `Token ${token}` } },
  ]
  const garbage = fc
    .string({ unit: "grapheme-ascii", minLength: 1, maxLength: 80 })
    .map((s): Auth => ({ problem: "a garbage Bearer token", headers: { authorization: `Bearer ${s.trim() || "x"}` } }))
  return fc.oneof(
    { weight: 8, arbitrary: fc.constant<Auth>({ headers: { authorization: `Bearer ${token}` } }) },
    { weight: 1, arbitrary: fc.constantFrom(...bad) },
    { weight: 1, arbitrary: garbage }
  )
}
