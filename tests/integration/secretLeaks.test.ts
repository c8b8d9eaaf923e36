// Secret leaks: a daemon with known secrets (model key, app password, JWT secret, S3 key, MCP env and header values)
// used broadly and along its error paths; then every response it gave, its logs (app + audit, rotated too), its
// console output, the bus streams' contents, the memory export and a backup archive hold none of them, in any encoding.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type FakeModelServer, start } from '../fake-model/server.ts';
import { fileSource, filesUnder, type ScanSource, scanForSecrets, secretForms } from '../helpers/secretScan.ts';
import { readSse } from '../helpers/sse.ts';
import { runToEnd } from '../helpers/titanProcess.ts';
import {
  type ChildDaemon,
  exerciseDaemon,
  expectStatus,
  MAIN,
  modelSettings,
  startChildDaemon,
} from '../helpers/titanSession.ts';

const mark = (what: string) => `${what}-LEAK-${randomBytes(9).toString('base64url')}`;
const SECRETS = {
  api_key: mark('sk-test'),
  app_password: mark('pw'),
  s3_secret: mark('s3'),
  mcp_env: mark('mcp-env'),
  mcp_header: mark('mcp-hdr'),
};
const TOPICS = ['chat.v1', 'fs.v1', 'system.v1', 'plugin.v1'] as const;

describe('secret leaks', () => {
  let model: FakeModelServer;
  let d: ChildDaemon;
  const sources: ScanSource[] = [];
  let secrets: Record<string, string> = {};

  /** Everything a topic ever carried: subscribe from the start, publish a marker, read until it comes back. */
  async function busContents(topic: string): Promise<string> {
    const abort = new AbortController();
    const res = await fetch(`${d.url}/api/bus/subscribe?topic=${topic}&group=leak-scan&start=all`, {
      headers: { authorization: `Bearer ${token}` },
      signal: abort.signal,
    });
    expect(res.status).toBe(200);
    const endMark = mark('end');
    expectStatus(
      await d.call('/api/bus/publish', {
        method: 'POST',
        json: { topic, event_type: 'leak.scan', payload: { endMark } },
      }),
      200,
      201,
      202,
    );
    let text = '';
    await readSse(res, (e) => {
      const line = JSON.stringify(e);
      text += `${line}\n`;
      if (line.includes(endMark)) abort.abort();
    }).catch((err: Error) => {
      if (!abort.signal.aborted) throw err;
    });
    return text;
  }
  let token = '';

  beforeAll(async () => {
    const { s3 } = inject('services');
    // The model answers 401 to our key: the failing calls' errors must not echo it.
    model = await start({ structured: () => ({ text: 'not json' }) });
    d = await startChildDaemon({
      settings: {
        ...modelSettings(model, SECRETS.api_key),
        bus: {
          snapshots: {
            endpoint: s3.url,
            bucket: 'titan-leak-scan',
            region: s3.region,
            access_key_id: 'AKIALEAKSCAN',
            secret_access_key: SECRETS.s3_secret,
            force_path_style: true,
          },
        },
        mcp: {
          servers: [
            {
              name: 'fixture',
              command: process.execPath,
              args: [join(import.meta.dirname, '..', 'fixtures', 'mcp', 'echoServer.ts')],
              env: { FIXTURE_TOKEN: SECRETS.mcp_env },
            },
            // Not an MCP server: connecting fails, and its error must not carry the header.
            { name: 'remote', url: `${model.url}/mcp`, headers: { Authorization: `Bearer ${SECRETS.mcp_header}` } },
          ],
        },
      },
    });
    token = await d.login(SECRETS.app_password);
    secrets = { ...SECRETS, jwt_secret: readFileSync(join(d.data, 'jwt.key'), 'utf8').trim() };

    await exerciseDaemon(d, model);
    // Error paths: a bad password, a forged token, the key in wrong settings fields, a model that refuses the key.
    expectStatus(
      await d.call('/api/auth/login', { method: 'POST', json: { password: `${SECRETS.app_password}x` }, token: null }),
      401,
    );
    expectStatus(
      await d.call('/api/auth/login', {
        method: 'POST',
        json: { password: SECRETS.app_password, extra: SECRETS.api_key },
        token: null,
      }),
      400,
    );
    expectStatus(await d.call('/api/settings', { token: `${secrets.jwt_secret}.${SECRETS.api_key}` }), 401);
    const settings = expectStatus(await d.call('/api/settings'), 200);
    for (const wrong of [
      { model: { ...(settings.model as object), temperature: SECRETS.api_key } },
      { log_level: SECRETS.api_key },
      { model: { ...(settings.model as object), base_url: `http://user:${SECRETS.api_key}@[bad` } },
      { [SECRETS.api_key]: true },
    ]) {
      expectStatus(await d.call('/api/settings', { method: 'PUT', json: { ...settings, ...wrong } }), 400);
    }
    expectStatus(await d.call('/api/settings', { method: 'PUT', json: settings }), 200);
    await model.stop();
    model = await start({ apiKey: 'sk-some-other-key', structured: () => ({ text: 'not json' }) });
    const conv = expectStatus(await d.call('/api/chat/conversations', { method: 'POST', json: {} }), 201);
    // The model moved: the daemon's calls now fail to connect, then (pointed at the new port) are refused with 401.
    await d.call(`/api/chat/conversations/${conv.id}/messages`, { method: 'POST', json: { text: 'hello?' } });
    const moved = { ...settings, model: { ...(settings.model as object), base_url: model.url } };
    expectStatus(await d.call('/api/settings', { method: 'PUT', json: moved }), 200);
    await d.call(`/api/chat/conversations/${conv.id}/messages`, { method: 'POST', json: { text: 'hello again?' } });
    expectStatus(await d.call('/api/scheduler/jobs/bus-snapshot/run?wait=true', { method: 'POST' }), 200);
    for (const path of [
      '/api/logs?limit=5000',
      '/api/logs/audit?limit=5000',
      '/api/mcp/servers',
      '/api/bus/dlq',
      '/metrics',
    ]) {
      expectStatus(await d.call(path), 200);
    }
    for (const topic of TOPICS) sources.push({ name: `bus ${topic}`, content: await busContents(topic) });

    expect(await d.stop()).toBe(0);
    const archive = join(d.root, 'backup.tar.gz');
    const backup = await runToEnd([process.execPath, MAIN, 'backup', '--out', archive], d.env);
    expect(backup.code, backup.err).toBe(0);
    sources.push(fileSource(archive), { name: 'backup command output', content: backup.out + backup.err });
  }, 300_000);

  afterAll(async () => {
    d?.remove();
    await model?.stop();
  });

  it('scans forms a leak would take (the scan itself can find them)', () => {
    const found = scanForSecrets({ key: SECRETS.api_key }, [
      { name: 'b64', content: `xx${Buffer.from(`a${SECRETS.api_key}b`).toString('base64')}` },
      { name: 'url', content: `?k=${encodeURIComponent(`${SECRETS.api_key}/`)}` },
    ]);
    const odd = scanForSecrets({ odd: 'a key/with "quotes"' }, [
      {
        name: 'escaped',
        content: `?k=${encodeURIComponent('a key/with "quotes"')}&j=${JSON.stringify('a key/with "quotes"')}`,
      },
    ]);
    expect(odd.map((f) => f.form).sort()).toEqual(['json', 'url']);
    expect(found.map((f) => `${f.source}:${f.form}`).sort()).toEqual(['b64:base64', 'url:literal']);
    expect(secretForms('ab')).toEqual([]);
  });

  it('no API response (bodies and headers, errors included) carries a secret', () => {
    expect(d.captured.length).toBeGreaterThan(60);
    const responses = d.captured.map((c, i) => ({
      name: `#${i} ${c.method} ${c.path} → ${c.status}`,
      content: `${c.headers}\n${c.body}`,
    }));
    expect(scanForSecrets(secrets, responses)).toEqual([]);
  });

  it('no log (app, audit, rotated) and no console output carries a secret', () => {
    const logs = filesUnder(join(d.data, 'logs'));
    expect(logs.map((l) => l.name.replace(/.*\//, '')).sort()).toEqual(
      expect.arrayContaining(['audit.log', 'titan.log']),
    );
    // The failing model calls and the login failures were logged: the scan looked at lines that had a chance to leak.
    const all = logs.map((l) => l.content.toString()).join('\n');
    expect(all).toMatch(/auth/);
    expect(scanForSecrets(secrets, [...logs, { name: 'daemon console', content: d.out() }])).toEqual([]);
  });

  it('the bus streams, the memory export and the backup archive carry no secret', () => {
    const bus = sources.filter((s) => s.name.startsWith('bus '));
    expect(bus.every((s) => String(s.content).includes('leak.scan'))).toBe(true);
    const exported = d.captured.filter((c) => c.path === '/api/memory/export');
    expect(exported.length).toBe(1);
    expect(scanForSecrets(secrets, sources)).toEqual([]);
  });
});
