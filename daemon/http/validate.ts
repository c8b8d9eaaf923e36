// Reads request input through valibot schemas, turning every kind of bad input into a 400 that says what to fix.
import type { Context } from 'hono';
import * as v from 'valibot';
import { describeIssues } from '../config/errors.ts';
import { ApiError, badRequest } from './errors.ts';

export type AnySchema = v.GenericSchema;

function check<S extends AnySchema>(schema: S, input: unknown, where: string): v.InferOutput<S> {
  const result = v.safeParse(schema, input);
  if (result.success) return result.output;
  throw badRequest('invalid_input', `invalid ${where}: ${describeIssues(result.issues).join('; ')}`);
}

export async function readJsonBody<S extends AnySchema>(c: Context, schema: S): Promise<v.InferOutput<S>> {
  const type = c.req.header('content-type') ?? '';
  if (!/^application\/(.+\+)?json\b/i.test(type)) {
    throw new ApiError(415, 'unsupported_media_type', 'send the body as JSON with "Content-Type: application/json"');
  }
  const raw = await c.req.text();
  if (raw.trim() === '') throw badRequest('invalid_json', 'the request body is empty: send a JSON object');
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch (err) {
    throw badRequest('invalid_json', `the request body is not valid JSON: ${(err as Error).message}`);
  }
  // valibot's object schemas let an array through (it is an object with no unknown keys).
  if (Array.isArray(parsed) && schema.type.endsWith('object')) {
    throw badRequest('invalid_input', 'invalid body: send a JSON object ({…}), not an array');
  }
  const nul = nulPath(parsed, '');
  if (nul !== null) {
    throw badRequest(
      'invalid_input',
      `invalid body: ${nul || 'the body'} contains a NUL character (\\u0000), which Titan cannot store: remove it`,
    );
  }
  return check(schema, parsed, 'body');
}

/** The dotted path of the first string (or key) holding a NUL character — Postgres text cannot hold one — or null. */
function nulPath(value: unknown, at: string): string | null {
  if (typeof value === 'string') return value.includes('\0') ? at : null;
  if (value === null || typeof value !== 'object') return null;
  for (const [key, inner] of Object.entries(value)) {
    const here = at ? `${at}.${key}` : key;
    if (key.includes('\0')) return here;
    const found = nulPath(inner, here);
    if (found !== null) return found;
  }
  return null;
}

/** Query strings arrive as strings; schemas describe them so (use v.pipe + v.transform for numbers). */
export function readQuery<S extends AnySchema>(c: Context, schema: S): v.InferOutput<S> {
  const url = new URL(c.req.url);
  const query: Record<string, string> = {};
  for (const [k, val] of url.searchParams) {
    if (k in query) throw badRequest('invalid_input', `invalid query: "${k}" is given more than once`);
    query[k] = val;
  }
  return check(schema, query, 'query');
}

export function readParams<S extends AnySchema>(c: Context, schema: S): v.InferOutput<S> {
  return check(schema, c.req.param(), 'path');
}

/** A query parameter holding a whole number within bounds, e.g. `limit`. */
export const intParam = (min: number, max: number, name: string) =>
  v.pipe(
    v.string(),
    // Documented as the integer it stands for, so clients (and the API fuzzer) send numbers in range.
    v.metadata({ jsonSchema: { type: 'integer', minimum: min, maximum: max } }),
    v.regex(/^\d+$/, `${name} must be a whole number from ${min} to ${max}`),
    v.transform(Number),
    v.minValue(min, `${name} must be a whole number from ${min} to ${max}`),
    v.maxValue(max, `${name} must be a whole number from ${min} to ${max}`),
  );
