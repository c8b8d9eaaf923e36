// Logs: the cap on all files together holds after writing far past it; secrets are scrubbed; queries filter.
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { queryLogs } from './logQuery.ts';
import { Logs } from './logs.ts';
import { RotatingFile } from './rotatingFile.ts';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'titan-logs-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const totalSize = () => readdirSync(dir).reduce((sum, f) => sum + statSync(join(dir, f)).size, 0);

describe('RotatingFile', () => {
  it('keeps all files under the cap after writing 20 times the cap', () => {
    const cap = 64 * 1024;
    const f = new RotatingFile(dir, 'app', cap, 4);
    const line = `${'x'.repeat(199)}\n`;
    for (let i = 0; i < (cap * 20) / line.length; i++) f.write(line);
    f.close();
    expect(totalSize()).toBeLessThanOrEqual(cap);
    expect(totalSize()).toBeGreaterThan(cap * 0.7);
    expect(readdirSync(dir).sort()).toEqual(['app.1.log', 'app.2.log', 'app.3.log', 'app.log']);
  });

  it('cuts a single line longer than a file instead of breaking the cap', () => {
    const f = new RotatingFile(dir, 'app', 8 * 1024, 2);
    f.write(`${'y'.repeat(100_000)}\n`);
    f.close();
    expect(totalSize()).toBeLessThanOrEqual(8 * 1024);
  });

  it('appends to an existing file after a restart', () => {
    const a = new RotatingFile(dir, 'app', 1024 * 1024);
    a.write('one\n');
    a.close();
    const b = new RotatingFile(dir, 'app', 1024 * 1024);
    b.write('two\n');
    b.close();
    expect(readFileSync(join(dir, 'app.log'), 'utf8')).toBe('one\ntwo\n');
  });
});

describe('Logs', () => {
  it('holds the configured cap for app and audit logs together through pino', () => {
    const capBytes = 256 * 1024;
    const logs = new Logs({ dir, level: 'info', capBytes, secrets: () => [] });
    for (let i = 0; i < 20_000; i++) {
      logs.app.info({ i, filler: 'z'.repeat(80) }, 'line');
      if (i % 4 === 0) logs.audit.info({ event: 'test', i }, 'audit');
    }
    logs.close();
    expect(totalSize()).toBeLessThanOrEqual(capBytes);
  });

  it('scrubs secret values and redacts secret fields', () => {
    const logs = new Logs({ dir, level: 'info', capBytes: 1024 * 1024, secrets: () => ['sk-very-secret'] });
    logs.app.info({ password: 'hunter2', nested: { api_key: 'abc' }, note: 'key is sk-very-secret' }, 'with secrets');
    logs.close();
    const text = readFileSync(join(dir, 'titan.log'), 'utf8');
    expect(text).not.toContain('hunter2');
    expect(text).not.toContain('sk-very-secret');
    expect(text).not.toMatch(/"api_key":"abc"/);
    expect(text).toContain('[redacted]');
  });

  it('answers queries newest first, filtered by level and text, across rotated files', async () => {
    const logs = new Logs({ dir, level: 'debug', capBytes: 40 * 1024, secrets: () => [] });
    for (let i = 0; i < 300; i++) logs.app.debug({ i }, `debug ${i}`);
    logs.app.warn({ i: 300 }, 'disk almost full');
    logs.app.error({ i: 301 }, 'disk full');
    const warn = await queryLogs(logs.appFile, { level: 'warn', limit: 10 });
    expect(warn.map((l) => l.msg)).toEqual(['disk full', 'disk almost full']);
    const found = await queryLogs(logs.appFile, { q: 'DEBUG 29', limit: 100 });
    expect(found.map((l) => l.msg)).toEqual([
      'debug 299',
      'debug 298',
      'debug 297',
      'debug 296',
      'debug 295',
      'debug 294',
      'debug 293',
      'debug 292',
      'debug 291',
      'debug 290',
      'debug 29',
    ]);
    expect(await queryLogs(logs.appFile, { limit: 3 })).toHaveLength(3);
    expect(logs.appFile.files().length).toBeGreaterThan(1);
    logs.close();
  });

  it('feeds new lines to live listeners', () => {
    const logs = new Logs({ dir, level: 'info', capBytes: 1024 * 1024, secrets: () => [] });
    const got: unknown[] = [];
    logs.feed.on('line', (l) => got.push(l.msg));
    logs.app.info('hello');
    logs.app.debug('not at this level');
    logs.close();
    expect(got).toEqual(['hello']);
  });
});
