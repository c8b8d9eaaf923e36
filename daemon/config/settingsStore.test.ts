// The settings store: first-run file with mode 0600, defaults merged, env overrides, one readable line per bad key.
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import defaults from '../../config.json' with { type: 'json' };
import { SettingsError } from './errors.ts';
import { dataDir, expandHome } from './paths.ts';
import { deepMerge, SettingsStore, validateSettings } from './settingsStore.ts';

let home: string;
beforeEach(() => {
  home = mkdtempSync(join(tmpdir(), 'titan-settings-'));
});
afterEach(() => rmSync(home, { recursive: true, force: true }));

const write = (obj: unknown) => writeFileSync(join(home, 'settings.json'), JSON.stringify(obj));
const problemsOf = (fn: () => unknown): string[] => {
  try {
    fn();
  } catch (err) {
    if (err instanceof SettingsError) return err.problems;
    throw err;
  }
  throw new Error('expected a SettingsError');
};

describe('SettingsStore', () => {
  it('creates the settings file on first run with the defaults and mode 0600', () => {
    const store = new SettingsStore({ TITAN_HOME: home });
    const file = join(home, 'settings.json');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual(defaults);
    expect(store.get()).toEqual(defaults);
  });

  it('tightens a settings file that others can read', () => {
    writeFileSync(join(home, 'settings.json'), '{}', { mode: 0o644 });
    new SettingsStore({ TITAN_HOME: home });
    expect(statSync(join(home, 'settings.json')).mode & 0o777).toBe(0o600);
  });

  it('merges a partial user file over the defaults', () => {
    write({ limits: { upload_mb: 5 }, folders: { allowed: ['/tmp'] } });
    const s = new SettingsStore({ TITAN_HOME: home }).get();
    expect(s.limits.upload_mb).toBe(5);
    expect(s.limits.logs_mb).toBe(defaults.limits.logs_mb);
    expect(s.folders.allowed).toEqual(['/tmp']);
  });

  it('lets TITAN_PORT override the port without writing it to the file', () => {
    const store = new SettingsStore({ TITAN_HOME: home, TITAN_PORT: '4567' });
    expect(store.get().server.port).toBe(4567);
    expect(JSON.parse(readFileSync(join(home, 'settings.json'), 'utf8')).server.port).toBe(defaults.server.port);
  });

  it('refuses a TITAN_PORT that is not a port', () => {
    expect(problemsOf(() => new SettingsStore({ TITAN_HOME: home, TITAN_PORT: 'abc' }))).toEqual([
      'TITAN_PORT: expected a whole number from 0 to 65535 (got "abc")',
    ]);
  });

  it('reports every bad key on its own line, saying what is allowed', () => {
    write({
      server: { port: 70000 },
      limits: { upload_mb: 'big' },
      model: { temperature: 3, provider: 'skynet' },
      services: { postgres: { url: 'mysql://x' } },
      surprise: true,
    });
    const problems = problemsOf(() => new SettingsStore({ TITAN_HOME: home }));
    expect(problems).toEqual(
      expect.arrayContaining([
        'server.port: expected the port: a whole number from 0 to 65535 (got 70000)',
        'limits.upload_mb: expected the upload size limit in MB: a whole number from 1 to 100000 (got "big")',
        'model.temperature: expected the temperature: a number from 0 to 2 (got 3)',
        'model.provider: expected the model provider: "openai", "openai-compatible" or "none" (got "skynet")',
        'services.postgres.url: expected the Postgres URL: a URL starting with postgres:// or postgresql:// (got "mysql://x")',
        'surprise: unknown key — remove it or check its spelling',
      ]),
    );
    expect(problems).toHaveLength(6);
  });

  it('says when the file is not JSON', () => {
    writeFileSync(join(home, 'settings.json'), '{ "server": ');
    const [line] = problemsOf(() => new SettingsStore({ TITAN_HOME: home }));
    expect(line).toMatch(/^the file is not valid JSON: /);
  });

  it('update validates, writes atomically with mode 0600, notifies listeners, and names keys needing a restart', () => {
    const store = new SettingsStore({ TITAN_HOME: home });
    const seen: string[] = [];
    store.onChange((next, prev) => seen.push(`${prev.log_level}->${next.log_level}`));
    const next = structuredClone(store.get());
    next.log_level = 'debug';
    next.server.port = 9999;
    const { restartRequired } = store.update(next);
    expect(restartRequired).toEqual(['server']);
    expect(seen).toEqual(['info->debug']);
    expect(statSync(join(home, 'settings.json')).mode & 0o777).toBe(0o600);
    expect(new SettingsStore({ TITAN_HOME: home }).get().log_level).toBe('debug');
    expect(problemsOf(() => store.update({ ...next, log_level: 'loud' }))).toHaveLength(1);
    expect(store.get().log_level).toBe('debug');
  });

  it('accepts each Redis form: URL, Sentinel, Cluster — and refuses a mixture', () => {
    const base = structuredClone(defaults) as Record<string, unknown> & { services: Record<string, unknown> };
    for (const redis of [
      { url: 'rediss://:pw@127.0.0.1:6380', ca_file: '/tmp/ca.pem' },
      { sentinel: { nodes: ['127.0.0.1:26379'], name: 'mymaster' } },
      { cluster: { nodes: ['127.0.0.1:7000', '127.0.0.1:7001'] } },
    ]) {
      expect(() => validateSettings({ ...base, services: { ...base.services, redis } }, 'x')).not.toThrow();
    }
    expect(() =>
      validateSettings(
        { ...base, services: { ...base.services, redis: { url: 'redis://x', cluster: { nodes: [] } } } },
        'x',
      ),
    ).toThrow(SettingsError);
  });
});

describe('paths', () => {
  it('puts the data dir where each OS expects it, TITAN_HOME first', () => {
    expect(dataDir({ TITAN_HOME: '/srv/t' }, 'linux')).toBe('/srv/t');
    expect(dataDir({ HOME: '/home/u' }, 'linux')).toBe('/home/u/.local/share/titan');
    expect(dataDir({ HOME: '/home/u', XDG_DATA_HOME: '/x' }, 'linux')).toBe('/x/titan');
    expect(dataDir({ HOME: '/Users/u' }, 'darwin')).toBe('/Users/u/Library/Application Support/Titan');
    expect(dataDir({ HOME: 'C:/Users/u', APPDATA: 'C:/Users/u/AppData/Roaming' }, 'win32')).toMatch(
      /AppData.Roaming.Titan$/,
    );
  });

  it('expands ~ only at the start', () => {
    expect(expandHome('~/Desktop', { HOME: '/home/u' })).toBe('/home/u/Desktop');
    expect(expandHome('~', { HOME: '/home/u' })).toBe('/home/u');
    expect(expandHome('/a/~/b', { HOME: '/home/u' })).toBe('/a/~/b');
  });

  it('deepMerge merges objects and replaces arrays', () => {
    expect(deepMerge({ a: { b: 1, c: [1, 2] } }, { a: { c: [3] } })).toEqual({ a: { b: 1, c: [3] } });
    expect(deepMerge({ a: 1 }, undefined)).toEqual({ a: 1 });
  });
});

describe('SettingsStore.reload', () => {
  it('applies a valid file and tells listeners; keeps the old settings when the file is invalid', () => {
    const store = new SettingsStore({ TITAN_HOME: home });
    const seen: number[] = [];
    store.onChange((next) => seen.push(next.bus.global_rate_limit));
    write({ bus: { global_rate_limit: 123 } });
    expect(store.reload().bus.global_rate_limit).toBe(123);
    expect(seen).toEqual([123]);
    write({ bus: { global_rate_limit: -1 } });
    expect(() => store.reload()).toThrow(SettingsError);
    expect(store.get().bus.global_rate_limit).toBe(123);
  });
});
