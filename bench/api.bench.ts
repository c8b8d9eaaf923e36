// The chat API on loopback through the daemon's full stack (Redis cache, Postgres store): a cache-hit round trip —
// the recent messages of an open conversation — and message search over 100,000 messages, against a bare node:http
// server and the daemon's public status route measured in the same run. Size: API_BENCH_MESSAGES (default 100,000).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monotonicFactory } from 'ulid';
import { createTitan } from '../daemon/app.ts';
import { listen } from '../daemon/http/server.ts';
import { openPostgresSql } from '../daemon/storage/postgresSql.ts';
import { start as startModel } from '../tests/fake-model/server.ts';
import { history, searchWords, typedPrefixes } from './chatSearchData.ts';
import { keepAliveGetter, machine, measure, printTable, services } from './lib.ts';

const TOTAL = Number(process.env.API_BENCH_MESSAGES ?? 100_000);
const N = 5000;
const { get, close: closeClient } = keepAliveGetter(8);

const raw = createServer((_req, res) => {
  res.setHeader('content-type', 'application/json');
  res.end('{"source":"cache","messages":[]}');
}).listen(0, '127.0.0.1');
await new Promise((r) => raw.once('listening', r));
const rawUrl = `http://127.0.0.1:${(raw.address() as { port: number }).port}/`;

// A database of its own on the test Postgres, and a Redis database no test uses.
const svc = services();
const admin = openPostgresSql(svc.postgres.url, { max: 1 });
const dbName = `titan_api_bench_${Date.now().toString(36)}`;
await admin.exec(`CREATE DATABASE ${dbName}`);
const dbUrl = new URL(svc.postgres.url);
dbUrl.pathname = `/${dbName}`;
const model = await startModel({ structured: () => ({ text: 'not json' }) });
const home = mkdtempSync(join(tmpdir(), 'titan-bench-'));
mkdirSync(join(home, 'user', 'Desktop'), { recursive: true });
writeFileSync(
  join(home, 'settings.json'),
  JSON.stringify({
    services: { postgres: { url: dbUrl.toString() }, redis: { url: `${svc.redis.url}/3` } },
    model: {
      provider: 'openai-compatible',
      base_url: model.url,
      api_key: 'bench',
      model: 'fake-chat',
      temperature: 0.3,
      max_tokens: 512,
    },
    folders: { allowed: [], trash_days: 30, watch: false },
  }),
);
const titan = await createTitan({
  env: { ...process.env, TITAN_HOME: home, TITAN_PORT: '0', HOME: join(home, 'user') },
  rescanEveryMs: 0,
});
const server = await listen(titan);
const base = server.url;
const { token } = (await (
  await fetch(`${base}/api/auth/setup`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ password: 'benchmark-password' }),
  })
).json()) as { token: string };
const auth = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };

// An open conversation of 20 real turns through the daemon (the scripted model answers), so the cache holds them.
const conv = (await (
  await fetch(`${base}/api/chat/conversations`, { method: 'POST', headers: auth, body: '{}' })
).json()) as {
  id: string;
};
for (let i = 0; i < 20; i++) {
  model.script({ reply: { text: `Answer number ${i}: the meeting moved to Thursday at ${10 + (i % 8)}:00.` } });
  const res = await fetch(`${base}/api/chat/conversations/${conv.id}/messages`, {
    method: 'POST',
    headers: auth,
    body: JSON.stringify({ text: `Question ${i}: when is the meeting?` }),
  });
  await res.text();
}

// 100,000 messages for search, written straight into the daemon's database (the API would take an hour).
process.stderr.write(`seeding ${TOTAL} messages…\n`);
const sql = titan.engines.sql;
let seeded = 0;
const ulid = monotonicFactory();
const t0 = Date.parse('2026-01-01T00:00:00Z');
for (const c of history(TOTAL)) {
  const convId = ulid(t0 + seeded * 60_000);
  const rows = c.messages.map((m, i) => ({
    id: ulid(t0 + (seeded + i) * 60_000),
    role: m.role,
    content: m.content,
    created_at: new Date(t0 + (seeded + i) * 60_000).toISOString(),
  }));
  await sql.transaction(async (tx) => {
    await tx.query(
      'INSERT INTO conversations (id, title, created_at, updated_at, message_count) VALUES ($1, $2, $3, $3, $4)',
      [convId, c.title, rows[0]?.created_at, rows.length],
    );
    await tx.query(
      `INSERT INTO messages (id, conversation_id, role, content, created_at)
       SELECT id, $2, role, content, created_at FROM jsonb_to_recordset($1::jsonb)
         AS r(id text, role text, content text, created_at timestamptz)`,
      [JSON.stringify(rows), convId],
    );
  });
  seeded += rows.length;
}
await sql.exec('ANALYZE messages');

const queries = searchWords().flatMap((w) => [...typedPrefixes(w).slice(1), w]);
let qi = 0;
const baseline = await measure('bare node:http (baseline)', N, () => get(rawUrl), 1);
const status = await measure('GET /api/auth/status (public, no work)', N, () => get(`${base}/api/auth/status`), 1);
const recent = await measure(
  'GET …/recent?limit=20 (Redis cache hit, JWT)',
  N,
  () => get(`${base}/api/chat/conversations/${conv.id}/recent?limit=20`, auth),
  1,
);
const recent8 = await measure(
  'GET …/recent?limit=20, 8 in flight',
  N,
  () => get(`${base}/api/chat/conversations/${conv.id}/recent?limit=20`, auth),
  8,
);
const stored = await measure(
  'GET …/messages?limit=20 (Postgres page)',
  N,
  () => get(`${base}/api/chat/conversations/${conv.id}/messages?limit=20`, auth),
  1,
);
const search = await measure(
  `GET /api/chat/search as you type (${seeded} messages)`,
  Math.max(500, queries.length),
  () => get(`${base}/api/chat/search?q=${encodeURIComponent(queries[qi++ % queries.length] as string)}&limit=20`, auth),
  1,
  50,
);
const source = (await (
  await fetch(`${base}/api/chat/conversations/${conv.id}/recent?limit=20`, { headers: auth })
).json()) as {
  source: string;
};
printTable(`Chat API on loopback (recent served from: ${source.source}) — ${machine()}`, baseline, [
  status,
  recent,
  recent8,
  stored,
  search,
]);

await server.stop();
await model.stop();
raw.close();
closeClient();
await admin.exec(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
await admin.close();
rmSync(home, { recursive: true, force: true });
