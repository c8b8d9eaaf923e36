import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { argumentsSchema, compileSchema, schemaErrors } from './jsonSchema.ts';
import { backoffDelay } from './supervisor.ts';

describe('plugin tool arguments', () => {
  const validate = compileSchema({
    type: 'object',
    properties: { limit: { type: 'integer', minimum: 1 }, name: { type: 'string' } },
    required: ['name'],
    additionalProperties: false,
  });
  if (typeof validate === 'string') throw new Error(validate);

  it('passes arguments that fit the schema and names each field that does not', () => {
    const schema = argumentsSchema(validate);
    expect(v.safeParse(schema, { name: 'a', limit: 2 }).success).toBe(true);
    const bad = v.safeParse(schema, { limit: 0, other: 1 });
    expect(bad.success).toBe(false);
    const messages = bad.issues?.map((i) => i.message) ?? [];
    expect(messages).toEqual(
      expect.arrayContaining([
        expect.stringContaining('name'),
        expect.stringContaining('limit: must be >= 1'),
        expect.stringContaining('must NOT have additional properties'),
      ]),
    );
    expect(v.safeParse(schema, 'text').issues?.[0]?.message).toBe('the arguments must be a JSON object');
    expect(schemaErrors(validate, { name: 3 })).toBe('name: must be string');
  });

  it('says why a schema cannot be compiled', () => {
    expect(compileSchema({ type: 'object', properties: { a: { type: 'nonsense' } } })).toEqual(expect.any(String));
  });
});

describe('backoffDelay', () => {
  it('doubles from backoff_ms and stops at backoff_max_ms', () => {
    const p = { backoff_ms: 1000, backoff_max_ms: 5000 };
    expect([1, 2, 3, 4, 5].map((n) => backoffDelay(n, p))).toEqual([1000, 2000, 4000, 5000, 5000]);
  });
});
