// The settings form's schema reading against the daemon's own schema and messages: a field for every key of the
// defaults, starting values that fit, and the 400 answer's "path: message" lines split back onto their keys.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { SettingsError } from '../../daemon/config/errors.ts';
import { validateSettings } from '../../daemon/config/settingsStore.ts';
import { settingsJsonSchema } from '../../daemon/http/settingsSchemaRoute.ts';
import { parseProblems } from '../../web/src/settings/problems.ts';
import { defaultFor, fits, type JsonSchema, knownPaths, variantsOf } from '../../web/src/settings/schema.ts';

const schema = settingsJsonSchema() as JsonSchema;
const defaults = JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', 'config.json'), 'utf8'));

function leaves(value: unknown, path: string[] = []): string[] {
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    return Object.entries(value).flatMap(([k, v]) => leaves(v, [...path, k]));
  }
  if (Array.isArray(value)) return [path.join('.'), ...value.flatMap((v, i) => leaves(v, [...path, String(i)]))];
  return [path.join('.')];
}

describe('settings form schema', () => {
  it('has a field for every key of the defaults, list entries included', () => {
    const known = knownPaths(schema, defaults);
    const missing = leaves(defaults).filter((p) => !known.has(p));
    expect(missing).toEqual([]);
    expect(known.has('bus.streams.0.retry_limit')).toBe(true);
    expect(known.has('chat.tools.write_file')).toBe(true);
  });

  it('reads null and several shapes, and starts new values that fit', () => {
    const redis = schema.properties?.services?.properties?.redis as JsonSchema;
    const { nullable, variants } = variantsOf(redis);
    expect(nullable).toBe(true);
    expect(variants.map((v) => v.required)).toEqual([['url'], ['sentinel'], ['cluster']]);
    expect(defaultFor(redis)).toBeNull();
    expect(defaultFor(variants[1] as JsonSchema)).toEqual({ sentinel: { nodes: [], name: '' } });
    expect(fits({ url: 'redis://x' }, variants[0] as JsonSchema)).toBe(true);
    expect(fits({ url: 'redis://x', extra: 1 }, variants[0] as JsonSchema)).toBe(false);
    const stream = schema.properties?.bus?.properties?.streams?.items as JsonSchema;
    expect(defaultFor(stream)).toEqual({ name: 'chat.v1', maxlen: 100, rate_limit: 1, retry_limit: 0 });
  });

  it("splits the daemon's message back onto the keys", () => {
    const bad = structuredClone(defaults);
    bad.limits.upload_mb = 0;
    bad.folders.allowed = ['ok', ''];
    bad.model.base_url = 'ftp://a; b: c';
    bad.surprise = true;
    let message = '';
    try {
      validateSettings(bad, 'settings');
    } catch (err) {
      message = (err as SettingsError).problems.join('; ');
    }
    const problems = parseProblems(message);
    expect(problems.get('limits.upload_mb')?.[0]).toMatch(/^expected the upload size limit in MB: a whole number/);
    expect(problems.get('folders.allowed.1')?.[0]).toContain('non-empty folder path');
    expect(problems.get('model.base_url')?.[0]).toContain('"ftp://a; b: c"');
    expect(problems.get('surprise')?.[0]).toContain('unknown key');
    expect(knownPaths(schema, bad).has('surprise')).toBe(false);
    expect(parseProblems('(top level): expected an object')).toEqual(new Map([['', ['expected an object']]]));
  });
});
