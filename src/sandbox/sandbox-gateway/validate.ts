/** Request-body field checks. Each throws a 400 `invalid_request_error` naming the field. */
import { invalidRequest } from "./http"
import type { Metadata } from "./state"

export type Body = Record<string, unknown>

export const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value)

const MAX_METADATA_KEYS = 50
const MAX_METADATA_BYTES = 8 * 1024

export function positiveInteger(body: Body, param: string): number {
  const value = body[param]
  if (value === undefined || value === null) {
    throw invalidRequest("parameter_missing", `Missing required param: ${param}.`, param)
  }
  return positiveIntegerValue(value, param)
}

export function optionalPositiveInteger(body: Body, param: string): number | undefined {
  const value = body[param]
  return value === undefined || value === null ? undefined : positiveIntegerValue(value, param)
}

function positiveIntegerValue(value: unknown, param: string): number {
  if (typeof value !== "number" || !Number.isSafeInteger(value) || value <= 0) {
    throw invalidRequest(
      "parameter_invalid",
      `Invalid ${param}: must be a positive integer in minor units.`,
      param
    )
  }
  return value
}

export function currency(body: Body, param = "currency"): string {
  const value = body[param]
  if (value === undefined || value === null) {
    throw invalidRequest("parameter_missing", `Missing required param: ${param}.`, param)
  }
  if (typeof value !== "string" || !/^[A-Za-z]{3}$/.test(value)) {
    throw invalidRequest("parameter_invalid", `Invalid ${param}: must be a three-letter ISO 4217 code.`, param)
  }
  return value.toLowerCase()
}

export function requiredString(body: Body, param: string): string {
  const value = body[param]
  if (value === undefined || value === null) {
    throw invalidRequest("parameter_missing", `Missing required param: ${param}.`, param)
  }
  if (typeof value !== "string" || value.length === 0) {
    throw invalidRequest("parameter_invalid", `Invalid ${param}: must be a non-empty string.`, param)
  }
  return value
}

export function optionalString(body: Body, param: string, maxLength = 255): string | null {
  const value = body[param]
  if (value === undefined || value === null) return null
  if (typeof value !== "string") {
    throw invalidRequest("parameter_invalid", `Invalid ${param}: must be a string.`, param)
  }
  if (value.length > maxLength) {
    throw invalidRequest(
      "parameter_invalid",
      `Invalid ${param}: must be at most ${maxLength} characters.`,
      param
    )
  }
  return value
}

export function metadata(body: Body, param = "metadata"): Metadata {
  const value = body[param]
  if (value === undefined || value === null) return {}
  if (!isRecord(value)) {
    throw invalidRequest("parameter_invalid", `Invalid ${param}: must be an object.`, param)
  }
  if (Object.keys(value).length > MAX_METADATA_KEYS) {
    throw invalidRequest("parameter_invalid", `Invalid ${param}: at most ${MAX_METADATA_KEYS} keys.`, param)
  }
  if (Buffer.byteLength(JSON.stringify(value)) > MAX_METADATA_BYTES) {
    throw invalidRequest("parameter_invalid", `Invalid ${param}: at most ${MAX_METADATA_BYTES} bytes.`, param)
  }
  return JSON.parse(JSON.stringify(value)) as Metadata
}
