// HTTP round trip through Titan's full middleware stack (Host/Origin guard, body limit, auth check, route) vs a bare node:http server.
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTitan } from '../daemon/app.ts';
import { listen } from '../daemon/http/server.ts';
import { keepAliveGetter, machine, measure, printTable } from './lib.ts';

const N = 5000;
const CONCURRENCY = 8;
const { get, close: closeClient } = keepAliveGetter(CONCURRENCY);

const raw = createServer((_req, res) => {
  res.setHeader('content-type', 'application/json');
  res.end('{"setup_required":false}');
}).listen(0, '127.0.0.1');
await new Promise((r) => raw.once('listening', r));
const rawUrl = `http://127.0.0.1:${(raw.address() as { port: number }).port}/`;

const home = mkdtempSync(join(tmpdir(), 'titan-bench-'));
const titan = await createTitan({ env: { ...process.env, TITAN_HOME: home, TITAN_PORT: '0' } });
const server = await listen(titan);
const setup = await fetch(`${server.url}/api/auth/setup`, {
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ password: 'benchmark-password' }),
});
const { token } = (await setup.json()) as { token: string };

const baseline = await measure('bare node:http (baseline)', N, () => get(rawUrl), CONCURRENCY);
const pub = await measure(
  'titan GET /api/auth/status (public)',
  N,
  () => get(`${server.url}/api/auth/status`),
  CONCURRENCY,
);
const authed = await measure(
  'titan GET /api/logs?limit=1 (JWT checked)',
  N,
  () => get(`${server.url}/api/logs?limit=1`, { authorization: `Bearer ${token}` }),
  CONCURRENCY,
);
printTable(`HTTP round trips on loopback, ${N} requests, ${CONCURRENCY} in flight — ${machine()}`, baseline, [
  pub,
  authed,
]);

await server.stop();
raw.close();
closeClient();
rmSync(home, { recursive: true, force: true });
