// Proves GET/PUT /api/settings keep secrets masked and on disk only, refuse invalid values by key, and apply or flag changes.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDaemon, type TestDaemon } from '../helpers/daemon.ts';

const MASK = '********';
const API_KEY = 'sk-test-abcdef123456';
const REDIS_PASSWORD = 'hunter2-redis-pw-7781';

type Json = Record<string, unknown>;
interface SettingsJson {
  server: { host: string; port: number };
  limits: Json & { upload_mb: number };
  model: Json & { api_key: string; temperature: number };
  services: { redis: { url: string } | null; postgres: unknown; neo4j: unknown };
  log_level: string;
}
interface PutResult {
  settings: SettingsJson;
  restart_required: string[];
}
interface ErrorBody {
  error: { code: string; message: string };
}

function readSettingsFile(d: TestDaemon): SettingsJson {
  return JSON.parse(readFileSync(join(d.home, 'settings.json'), 'utf8')) as SettingsJson;
}

function fileMode(d: TestDaemon): number {
  return statSync(join(d.home, 'settings.json')).mode & 0o777;
}

/** Every file under <home>/logs, concatenated. */
function allLogText(d: TestDaemon): string {
  const dir = join(d.home, 'logs');
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .map((name) => join(dir, name))
    .filter((path) => statSync(path).isFile())
    .map((path) => readFileSync(path, 'utf8'))
    .join('\n');
}

describe('settings API', () => {
  let d: TestDaemon;
  let token: string;
  // Every raw response body, to prove afterwards that no secret ever left the daemon.
  const bodies: string[] = [];

  async function getSettings(): Promise<SettingsJson> {
    const res = await d.request('/api/settings', { token });
    const text = await res.text();
    bodies.push(text);
    expect(res.status, text).toBe(200);
    return JSON.parse(text) as SettingsJson;
  }

  async function putSettings(body: unknown): Promise<{ status: number; body: PutResult & ErrorBody }> {
    const res = await d.request('/api/settings', { method: 'PUT', token, json: body });
    const text = await res.text();
    bodies.push(text);
    return { status: res.status, body: JSON.parse(text) as PutResult & ErrorBody };
  }

  beforeAll(async () => {
    d = await startDaemon({
      model: { api_key: API_KEY },
      auth: { token_ttl_h: 1, login_attempts_per_minute: 1000 },
    });
    token = await d.login();
  });
  afterAll(async () => {
    await d?.stop();
  });

  it('GET masks model.api_key and keeps the other model settings', async () => {
    const s = await getSettings();
    expect(s.model.api_key).toBe(MASK);
    expect(s.model.model).toBe('gpt-4o-mini');
    expect(bodies.at(-1)).not.toContain(API_KEY);
    expect(readSettingsFile(d).model.api_key).toBe(API_KEY);
  });

  it('PUT stores a services URL password, masks it in the answer and in GET, and keeps the masked api_key', async () => {
    const s = await getSettings();
    s.services.redis = { url: `redis://:${REDIS_PASSWORD}@127.0.0.1:6390/0` };
    const put = await putSettings(s);
    expect(put.status).toBe(200);
    expect(put.body.restart_required).toEqual(['services']);
    expect(put.body.settings.model.api_key).toBe(MASK);
    const answered = put.body.settings.services.redis?.url ?? '';
    expect(answered).toContain('127.0.0.1:6390');
    expect(answered).not.toContain(REDIS_PASSWORD);
    expect(bodies.at(-1)).not.toContain(REDIS_PASSWORD);
    expect(bodies.at(-1)).not.toContain(API_KEY);

    const again = await getSettings();
    expect(again.services.redis?.url).toBe(answered);
    expect(bodies.at(-1)).not.toContain(REDIS_PASSWORD);

    const file = readSettingsFile(d);
    expect(file.model.api_key).toBe(API_KEY);
    expect(file.services.redis?.url).toBe(`redis://:${REDIS_PASSWORD}@127.0.0.1:6390/0`);
    expect(fileMode(d)).toBe(0o600);
  });

  it('PUT of the masked settings as GET returns them keeps every secret on disk, mode 0600', async () => {
    const s = await getSettings();
    s.model.temperature = 0.7;
    const put = await putSettings(s);
    expect(put.status).toBe(200);
    expect(put.body.restart_required).toEqual([]);
    expect(put.body.settings.model.temperature).toBe(0.7);

    const file = readSettingsFile(d);
    expect(file.model.api_key).toBe(API_KEY);
    expect(file.model.temperature).toBe(0.7);
    expect(file.services.redis?.url).toBe(`redis://:${REDIS_PASSWORD}@127.0.0.1:6390/0`);
    expect(fileMode(d)).toBe(0o600);
  });

  it('a GET → PUT round trip does not write the TITAN_PORT override into settings.json', async () => {
    // The harness starts the daemon with TITAN_PORT=0; the file itself never named a port, so it keeps the default.
    const s = await getSettings();
    expect(s.server.port).toBe(0);
    const put = await putSettings(s);
    expect(put.status).toBe(200);
    expect(readSettingsFile(d).server.port).toBe(7337);
  });

  it('PUT with a new api_key stores it and never echoes it', async () => {
    const s = await getSettings();
    const newKey = `${API_KEY}-rotated`;
    s.model.api_key = newKey;
    const put = await putSettings(s);
    expect(put.status).toBe(200);
    expect(put.body.settings.model.api_key).toBe(MASK);
    expect(bodies.at(-1)).not.toContain(newKey);
    expect(readSettingsFile(d).model.api_key).toBe(newKey);

    // Put the original back so the remaining checks look for one known key.
    s.model.api_key = API_KEY;
    expect((await putSettings(s)).status).toBe(200);
    expect(readSettingsFile(d).model.api_key).toBe(API_KEY);
  });

  it('PUT with invalid values → 400 invalid_settings naming each bad key, and the file is untouched', async () => {
    const before = readFileSync(join(d.home, 'settings.json'), 'utf8');
    const s = (await getSettings()) as SettingsJson & Json;
    s.limits.upload_mb = 'abc' as unknown as number;
    s.model.temperature = 5;
    s.model.colour = 'blue';
    s.extra = true;
    const put = await putSettings(s);
    expect(put.status).toBe(400);
    expect(put.body.error.code).toBe('invalid_settings');
    const message = put.body.error.message;
    expect(message).toContain('limits.upload_mb');
    expect(message).toContain('"abc"');
    expect(message).toContain('model.temperature');
    expect(message).toContain('from 0 to 2');
    expect(message).toContain('model.colour: unknown key');
    expect(message).toContain('extra: unknown key');
    expect(message).not.toContain(API_KEY);
    expect(readFileSync(join(d.home, 'settings.json'), 'utf8')).toBe(before);
  });

  it('PUT with a partial object → 400 naming the missing keys as missing', async () => {
    const put = await putSettings({ log_level: 'debug' });
    expect(put.status).toBe(400);
    expect(put.body.error.code).toBe('invalid_settings');
    expect(put.body.error.message).toContain('server: missing');
    expect(put.body.error.message).not.toContain('server: unknown key');
    expect((await getSettings()).log_level).toBe('info');
  });

  it('PUT changing log_level takes effect at once: debug lines get logged after', async () => {
    d.titan.logs.app.debug({ probe: 'before-debug-4411' }, 'debug probe before');
    const s = await getSettings();
    s.log_level = 'debug';
    const put = await putSettings(s);
    expect(put.status).toBe(200);
    expect(put.body.restart_required).toEqual([]);
    d.titan.logs.app.debug({ probe: 'after-debug-4411' }, 'debug probe after');

    const res = await d.request('/api/logs?q=debug-4411', { token });
    expect(res.status).toBe(200);
    const { lines } = (await res.json()) as { lines: { probe?: string; level: number }[] };
    expect(lines.map((l) => l.probe)).toEqual(['after-debug-4411']);
    expect(lines[0]?.level).toBe(20);
  });

  it('no secret appears in any response or in any file under <home>/logs', async () => {
    // Even a careless log call that puts the key in the message and in a field is scrubbed.
    d.titan.logs.app.warn({ detail: `using ${API_KEY}`, pw: REDIS_PASSWORD }, `key is ${API_KEY}`);
    d.titan.logs.audit.info({ event: 'test.secret', api_key: API_KEY }, 'secret probe');

    const text = allLogText(d);
    expect(text).toContain('key is [redacted]');
    expect(text).toContain('settings.update');
    expect(text).not.toContain(API_KEY);
    expect(text).not.toContain(REDIS_PASSWORD);
    for (const body of bodies) {
      expect(body).not.toContain(API_KEY);
      expect(body).not.toContain(REDIS_PASSWORD);
    }
    expect(bodies.length).toBeGreaterThan(8);
  });
});

describe('settings API: restart-only keys', () => {
  let d: TestDaemon;
  let token: string;

  beforeAll(async () => {
    // No TITAN_PORT override here, so the port comes from the file and a change to it is a real change.
    d = await startDaemon({ server: { port: 0 } }, { TITAN_PORT: undefined } as unknown as Record<string, string>);
    token = await d.login();
  });
  afterAll(async () => {
    await d?.stop();
  });

  it('PUT changing server.port answers restart_required with "server" and keeps serving on the old port', async () => {
    const res = await d.request('/api/settings', { token });
    const s = (await res.json()) as SettingsJson;
    expect(s.server.port).toBe(0);
    s.server.port = 45_678;
    const put = await d.request('/api/settings', { method: 'PUT', token, json: s });
    expect(put.status).toBe(200);
    const body = (await put.json()) as PutResult;
    expect(body.restart_required).toContain('server');
    expect(body.restart_required).toEqual(['server']);
    expect(readSettingsFile(d).server.port).toBe(45_678);
    expect((await d.request('/api/health')).status).toBe(200);
  });
});
