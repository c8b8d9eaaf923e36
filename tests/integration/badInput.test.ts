// Proves every kind of bad input gets a 4xx `{error: {code, message}}` that says what is wrong, and the daemon keeps serving.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { rawRequest, startDaemon, TEST_PASSWORD, type TestDaemon } from '../helpers/daemon.ts';

interface ErrorBody {
  error: { code: string; message: string };
}

describe('bad input', () => {
  let d: TestDaemon;
  let token: string;

  beforeAll(async () => {
    d = await startDaemon({ limits: { body_kb: 1 }, auth: { token_ttl_h: 1, login_attempts_per_minute: 1000 } });
    token = await d.login();
  });
  afterAll(async () => {
    await d?.stop();
  });
  afterEach(async () => {
    const health = await d.request('/api/health');
    expect(health.status, 'the daemon still answers /api/health').toBe(200);
  });

  /** Sends a request and checks it is refused with `status`/`code` in the error envelope; returns the message. */
  async function refused(res: Response | Promise<Response>, status: number, code: string): Promise<string> {
    const r = await res;
    const text = await r.text();
    expect(r.status, text).toBe(status);
    expect(r.headers.get('content-type')).toContain('application/json');
    const body = JSON.parse(text) as ErrorBody;
    expect(Object.keys(body)).toEqual(['error']);
    expect(Object.keys(body.error).sort()).toEqual(['code', 'message']);
    expect(body.error.code).toBe(code);
    expect(body.error.message.length).toBeGreaterThan(0);
    return body.error.message;
  }

  const postLogin = (body: string | undefined, contentType: string | null = 'application/json') =>
    d.request('/api/auth/login', {
      method: 'POST',
      headers: contentType === null ? {} : { 'content-type': contentType },
      ...(body === undefined ? {} : { body }),
    });

  it('malformed JSON → 400 invalid_json', async () => {
    const message = await refused(postLogin('{"password": "abc'), 400, 'invalid_json');
    expect(message).toContain('not valid JSON');
    await refused(postLogin("{'password': 'single quotes'}"), 400, 'invalid_json');
    await refused(
      d.request('/api/settings', {
        method: 'PUT',
        token,
        headers: { 'content-type': 'application/json' },
        body: '{"log_level":',
      }),
      400,
      'invalid_json',
    );
  });

  it('an empty body → 400 invalid_json saying it is empty', async () => {
    expect(await refused(postLogin(''), 400, 'invalid_json')).toContain('empty');
    expect(await refused(postLogin('   \n'), 400, 'invalid_json')).toContain('empty');
    expect(await refused(postLogin(undefined), 400, 'invalid_json')).toContain('empty');
  });

  it('a body that is not JSON by its content type → 415', async () => {
    const json = JSON.stringify({ password: TEST_PASSWORD });
    const message = await refused(postLogin(json, 'text/plain'), 415, 'unsupported_media_type');
    expect(message).toContain('application/json');
    await refused(postLogin(json, 'application/x-www-form-urlencoded'), 415, 'unsupported_media_type');
    await refused(postLogin(json, 'multipart/form-data; boundary=x'), 415, 'unsupported_media_type');
    await refused(postLogin(json, 'application/jsonp'), 415, 'unsupported_media_type');
    // fetch labels a string body text/plain; a raw request can send none at all.
    const none = await rawRequest(d.url, {
      method: 'POST',
      path: '/api/auth/login',
      headers: { host: d.host, 'content-length': String(Buffer.byteLength(json)) },
      body: json,
    });
    expect(none.status).toBe(415);
    expect((JSON.parse(none.body) as ErrorBody).error.code).toBe('unsupported_media_type');
  });

  it('wrong types → 400 invalid_input naming the field', async () => {
    for (const password of [5, null, true, ['x'], { p: 'x' }]) {
      const message = await refused(postLogin(JSON.stringify({ password })), 400, 'invalid_input');
      expect(message).toContain('password must be a string');
    }
    const short = await refused(postLogin(JSON.stringify({ password: 'short' })), 400, 'invalid_input');
    expect(short).toContain('at least 8 characters');
  });

  it('a JSON value that is not an object → 400 invalid_input', async () => {
    for (const body of ['[]', '"a string"', '42', 'null', '[{"password":"x"}]']) {
      await refused(postLogin(body), 400, 'invalid_input');
    }
  });

  it('an array where an object is expected → 400 (valibot alone would let [] through)', async () => {
    const message = await refused(
      d.request('/api/chat/conversations', { method: 'POST', token, json: [] }),
      400,
      'invalid_input',
    );
    expect(message).toContain('not an array');
  });

  it('a NUL character anywhere in a JSON body → 400 naming the field (Postgres text cannot hold it)', async () => {
    const message = await refused(
      d.request('/api/memory/graph', {
        method: 'POST',
        token,
        json: { entities: [{ name: 'a\u0000b', type: 'person' }] },
      }),
      400,
      'invalid_input',
    );
    expect(message).toContain('entities.0.name');
  });

  it('blank graph names and types → 400 from the schema, not a 500 from the graph', async () => {
    const message = await refused(
      d.request('/api/memory/graph', {
        method: 'POST',
        token,
        json: { relations: [{ from: { name: 'a', type: ' ' }, to: { name: 'b', type: 'x' }, type: 'knows' }] },
      }),
      400,
      'invalid_input',
    );
    expect(message).toContain('relations.0.from.type');
  });

  it('unknown fields → 400 naming the key', async () => {
    const message = await refused(postLogin(JSON.stringify({ password: TEST_PASSWORD, x: 1 })), 400, 'invalid_input');
    expect(message).toContain('x: unknown key');
    const proto = await refused(
      postLogin(`{"password": ${JSON.stringify(TEST_PASSWORD)}, "__proto__": {"admin": true}}`),
      400,
      'invalid_input',
    );
    expect(proto).toContain('__proto__');
  });

  it('a missing field → 400 saying it is missing, not that it is unknown', async () => {
    const message = await refused(postLogin('{}'), 400, 'invalid_input');
    expect(message).toContain('password');
    expect(message).toContain('missing');
    expect(message).not.toContain('unknown key');
  });

  it('a body over limits.body_kb → 413 body_too_large, with or without a Content-Length', async () => {
    const big = JSON.stringify({ password: 'x'.repeat(4096) });
    const message = await refused(postLogin(big), 413, 'body_too_large');
    expect(message).toContain('1 KB');

    const chunked = await rawRequest(d.url, {
      method: 'POST',
      path: '/api/auth/login',
      headers: { host: d.host, 'content-type': 'application/json', 'transfer-encoding': 'chunked' },
      body: big,
    });
    expect(chunked.status).toBe(413);
    expect((JSON.parse(chunked.body) as ErrorBody).error.code).toBe('body_too_large');

    const put = d.request('/api/settings', { method: 'PUT', token, json: { padding: 'y'.repeat(4096) } });
    await refused(put, 413, 'body_too_large');
  });

  it('bad query strings on /api/logs → 400 invalid_input saying what to fix', async () => {
    const cases: [string, string][] = [
      ['limit=abc', 'limit must be a whole number from 1 to 5000'],
      ['limit=0', 'limit must be a whole number from 1 to 5000'],
      ['limit=99999', 'limit must be a whole number from 1 to 5000'],
      ['limit=-1', 'limit must be a whole number from 1 to 5000'],
      ['limit=1.5', 'limit must be a whole number from 1 to 5000'],
      ['limit=', 'limit must be a whole number from 1 to 5000'],
      ['level=loud', 'level must be one of trace, debug, info, warn, error, fatal'],
      ['limit=1&limit=2', '"limit" is given more than once'],
      ['verbose=1', 'verbose: unknown key'],
      [`q=${'a'.repeat(201)}`, 'q must have at most 200 characters'],
    ];
    for (const [query, expected] of cases) {
      const message = await refused(d.request(`/api/logs?${query}`, { token }), 400, 'invalid_input');
      expect(message, query).toContain(expected);
    }
    await refused(d.request('/api/logs/audit?level=loud', { token }), 400, 'invalid_input');
  });

  it('an unknown route → 404 JSON', async () => {
    const api = await refused(d.request('/api/nope', { token }), 404, 'not_found');
    expect(api).toContain('GET /api/nope');
    await refused(d.request('/nope'), 404, 'not_found');
    await refused(d.request('/docs/assets/../../package.json'), 404, 'not_found');
    await refused(d.request('/docs/assets/package.json'), 404, 'not_found');
  });

  it('a known path with a method it does not take → 405 with Allow', async () => {
    const res = await d.request('/api/health', { method: 'POST', token, json: {} });
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('GET, HEAD');
    expect((await res.json()).error.code).toBe('method_not_allowed');
    // A path parameter with a pattern does not swallow its static siblings: /api/memory/stats is not a memory id.
    const sibling = await d.request('/api/memory/stats', { method: 'PATCH', token, json: {} });
    expect(sibling.status).toBe(405);
    expect(sibling.headers.get('allow')).toBe('GET, HEAD');
  });

  it('a URL over 32 KB → 414 JSON, not a bare parser error', async () => {
    await refused(d.request(`/api/memory/query?q=${'a'.repeat(40 * 1024)}`, { token }), 414, 'uri_too_long');
  });

  it('an unknown API route without a token is refused before it is looked up', async () => {
    await refused(d.request('/api/nope'), 401, 'unauthorized');
  });

  it('a huge header is refused at the parser (431, or the connection is cut), not with a 5xx', async () => {
    // Headers up to 1 MB reach the app (which answers long URLs with a JSON 414); larger ones Node refuses itself.
    for (const size of [1100 * 1024, 4 * 1024 * 1024]) {
      const outcome = await rawRequest(d.url, {
        path: '/api/health',
        headers: { host: d.host, 'x-padding': 'a'.repeat(size) },
      }).then(
        (res) => res.status,
        (err: NodeJS.ErrnoException) => err.code,
      );
      // Node answers 431 and closes; when the client is still sending, the close can arrive first as a reset.
      expect([431, 'ECONNRESET', 'EPIPE'], `header of ${size} bytes`).toContain(outcome);
    }
  });

  it('invalid percent-encoding in the query or path never gives a 5xx', async () => {
    for (const path of [
      '/api/logs?q=%E0%A4%A',
      '/api/logs?q=%',
      '/api/logs?%ZZ=1',
      '/api/logs?limit=%FF',
      '/api/%E0%A4%A',
      '/%C0%AF',
    ]) {
      const res = await rawRequest(d.url, { path, headers: { host: d.host, authorization: `Bearer ${token}` } });
      expect(res.status, path).toBeLessThan(500);
      expect(res.status, path).toBeGreaterThanOrEqual(200);
    }
  });
});
