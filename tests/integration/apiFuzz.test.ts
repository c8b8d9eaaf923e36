// The whole HTTP API fuzzed by schemathesis (PyPI) from /openapi.json with a valid token: no 5xx, every response as
// documented (status, content type, headers, body schema), bad input refused, deleted things gone, wrong methods 405.
// And without a token, every operation that is not public answers 401.
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeModelServer, start as startFakeModel } from '../fake-model/server.ts';
import { startDaemon, type TestDaemon } from '../helpers/daemon.ts';

const ROOT = join(import.meta.dirname, '..', '..');

/**
 * Operations left out of the fuzzing, each for a reason that is not "it fails":
 * - settings and bus config: fuzzed settings would point Titan at random hosts and commands (model URL, MCP servers,
 *   plugin folders) — the settings schema is fuzzed offline by tests/web/settingsForm.test.ts and the config tests.
 * - Run Local up/down: runs `docker compose`.
 * - /mcp: JSON-RPC over HTTP, its own protocol (tested with the SDK's client in mcp.test.ts).
 */
const EXCLUDED = [
  '--exclude-path',
  '/api/settings',
  '--exclude-path',
  '/api/bus/config',
  '--exclude-path',
  '/api/services/local/up',
  '--exclude-path',
  '/api/services/local/down',
  '--exclude-path',
  '/mcp',
];

/**
 * Every check but positive_data_acceptance: that one asks that any input the schema allows be accepted, and Titan
 * refuses some schema-valid input on purpose with a 400 that says why — a path the allow-list guard's text rules
 * refuse (a backslash, an unexpanded `~`), a cursor no list gave out — rules JSON Schema cannot state.
 */
const CHECKS = ['--checks', 'all', '--exclude-checks', 'positive_data_acceptance'];

let d: TestDaemon;
let model: FakeModelServer;
let token: string;
let st: string;
const work = mkdtempSync(join(tmpdir(), 'titan-fuzz-'));

beforeAll(async () => {
  st = execFileSync('bash', [join(ROOT, 'tests', 'fuzz', 'schemathesis.sh')], { encoding: 'utf8' }).trim();
  model = await startFakeModel();
  d = await startDaemon({
    model: { provider: 'openai-compatible', base_url: model.url, api_key: 'k', model: 'fake' },
    update: {
      check: false,
      auto: false,
      repository: 'titan-assistant/titan',
      api_url: 'http://127.0.0.1:9',
      cache_ttl_min: 0,
    },
  });
  writeFileSync(join(d.userHome, 'Desktop', 'notes.txt'), 'Fuzzing notes: the lease ends in March.');
  // Invalid data may also be refused for its size: a body over the limit (413), a URL too long (414, 431).
  writeFileSync(
    join(work, 'schemathesis.toml'),
    '[checks.negative_data_rejection]\nexpected-statuses = ["400", "401", "403", "404", "405", "406", "409", "413", ' +
      '"414", "415", "422", "428", "429", "431"]\n',
  );
  token = await d.login();
}, 300_000);

afterAll(async () => {
  await d?.stop();
  await model?.stop();
  rmSync(work, { recursive: true, force: true });
});

function schemathesis(args: string[]): Promise<{ code: number; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(join(st, 'bin', 'st'), args, {
      cwd: work,
      env: { ...process.env, PYTHONPATH: st, NO_COLOR: '1', SCHEMATHESIS_HOOKS: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (b) => {
      output += b;
    });
    child.stderr.on('data', (b) => {
      output += b;
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? 1, output }));
  });
}

/** The failures part of schemathesis' report (what the assertion shows), or the end of it. */
function failures(output: string): string {
  const start = output.indexOf('FAILURES');
  return (start >= 0 ? output.slice(start) : output.slice(-6000)).slice(0, 20_000);
}

describe('API fuzzing (schemathesis)', () => {
  it('finds no 5xx, no undocumented status, no response off its schema, across every operation', async () => {
    const { code, output } = await schemathesis([
      'run',
      `${d.url}/openapi.json`,
      '--header',
      `Authorization: Bearer ${token}`,
      ...CHECKS,
      ...EXCLUDED,
      '--max-examples',
      '3',
      '--workers',
      '2',
      '--seed',
      '20261125',
      '--request-timeout',
      '20',
    ]);
    expect(output, 'schemathesis printed no summary').toMatch(/API Operations:/);
    expect(code, failures(output)).toBe(0);
  }, 600_000);

  it('without a token, every operation that is not public answers 401', async () => {
    const spec = (await (await d.request('/openapi.json')).json()) as {
      paths: Record<string, Record<string, { security?: unknown[] }>>;
    };
    let checked = 0;
    for (const [path, ops] of Object.entries(spec.paths)) {
      for (const [method, op] of Object.entries(ops)) {
        if (Array.isArray(op.security) && op.security.length === 0) continue;
        const url = path.replace(/\{[^}]+\}/g, '01ARZ3NDEKTSV4RRFFQ69G5FAV');
        const res = await d.request(url, {
          method: method.toUpperCase(),
          headers: method === 'get' || method === 'delete' ? {} : { 'content-type': 'application/json' },
          body: method === 'get' || method === 'delete' ? undefined : '{}',
        });
        expect(res.status, `${method.toUpperCase()} ${path}`).toBe(401);
        expect(((await res.json()) as { error: { code: string } }).error.code).toBe('unauthorized');
        checked += 1;
      }
    }
    expect(checked).toBeGreaterThan(60);
  });
});
