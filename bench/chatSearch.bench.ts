// Chat search at scale: inserts N messages (Russian and English, bench/chatSearchData.ts) and times ChatStore.search
// for every prefix of real words as they are typed and for whole words and phrases, against baselines measured in the
// same run: an unranked `fts @@ q LIMIT 20` (no ranking, no snippets), ranking every match (no candidate cap), and an
// ILIKE scan. Postgres at 100,000 messages, PGlite at 20,000. Sizes: CHAT_BENCH_PG and CHAT_BENCH_LITE.
import { createHistogram } from 'node:perf_hooks';
import { monotonicFactory } from 'ulid';
import { ChatStore } from '../daemon/chat/store.ts';
import { searchQuery } from '../daemon/chat/storeSearch.ts';
import { migrate } from '../daemon/storage/migrate.ts';
import { openPgliteSql } from '../daemon/storage/pgliteSql.ts';
import { openPostgresSql } from '../daemon/storage/postgresSql.ts';
import type { Sql } from '../daemon/storage/sql.ts';
import { history, searchWords, typedPrefixes } from './chatSearchData.ts';
import { machine, services } from './lib.ts';

const pct = (xs: number[], p: number) => {
  const h = createHistogram();
  for (const x of xs) h.record(Math.max(1, Math.round(x * 1000)));
  return h.percentile(p) / 1000;
};

async function timed(items: string[], fn: (q: string) => Promise<unknown>): Promise<number[]> {
  const ms: number[] = [];
  for (const q of items) {
    const t = performance.now();
    await fn(q);
    ms.push(performance.now() - t);
  }
  return ms;
}

/** Inserts `n` messages in batches (one jsonb parameter each), spread over the past year in id order. */
async function fill(sql: Sql, n: number): Promise<number> {
  const nextId = monotonicFactory();
  const start = Date.now() - 365 * 86_400_000;
  const step = (365 * 86_400_000) / n;
  let at = 0;
  const t0 = performance.now();
  for (const conv of history(n)) {
    const convId = nextId(start + at * step);
    const rows = conv.messages.map((m, i) => {
      const ms = start + (at + i) * step;
      return { id: nextId(ms), role: m.role, content: m.content, created_at: new Date(ms).toISOString() };
    });
    const last = rows.at(-1)?.created_at ?? new Date(start + at * step).toISOString();
    await sql.transaction(async (tx) => {
      await tx.query(
        'INSERT INTO conversations (id, title, created_at, updated_at, message_count) VALUES ($1, $2, $3, $4, $5)',
        [convId, conv.title, rows[0]?.created_at ?? last, last, rows.length],
      );
      await tx.query(
        `INSERT INTO messages (id, conversation_id, role, content, created_at)
         SELECT id, $2, role, content, created_at FROM jsonb_to_recordset($1::jsonb)
           AS r(id text, role text, content text, created_at timestamptz)`,
        [JSON.stringify(rows), convId],
      );
    });
    at += rows.length;
    if (at % 5000 < rows.length) process.stderr.write(`\r${sql.engine}: ${at}/${n}`);
  }
  process.stderr.write('\n');
  return n / ((performance.now() - t0) / 1000);
}

async function run(name: string, sql: Sql, n: number): Promise<string[]> {
  await migrate(sql);
  const rate = await fill(sql, n);
  // What autovacuum would have done by the time a history this long is searched.
  await sql.exec('VACUUM ANALYZE conversations');
  await sql.exec('VACUUM ANALYZE messages');
  const store = new ChatStore(sql);

  const words = searchWords();
  const prefixes = words.flatMap(typedPrefixes);
  // Whole words, and two-word phrases typed to the end (the second word still a prefix while typed).
  const phrases = words.flatMap((w, i) => {
    const other = words[(i * 7 + 3) % words.length] as string;
    return [w, `${w} ${other}`, `${w} ${other.slice(0, 3)}`];
  });
  const unranked = (q: string) =>
    sql.query(`SELECT id FROM messages WHERE fts @@ to_tsquery('simple', $1) LIMIT 20`, [searchQuery(q)]);
  const rankAll = (q: string) =>
    sql.query(
      `SELECT m.id, ts_rank_cd(m.fts, q) AS rank FROM messages m JOIN conversations c ON c.id = m.conversation_id,
         to_tsquery('simple', $1) q
       WHERE m.fts @@ q AND c.deleted_at IS NULL ORDER BY rank DESC, m.id DESC LIMIT 20`,
      [searchQuery(q)],
    );
  const ilike = (q: string) =>
    sql.query(`SELECT id FROM messages WHERE content ILIKE $1 ORDER BY id DESC LIMIT 20`, [`%${q}%`]);

  for (const q of prefixes.slice(0, 30)) await store.search(q);
  let hits = 0;
  const search = await timed(prefixes, async (q) => {
    hits += (await store.search(q, { limit: 20 })).length;
  });
  const whole = await timed(phrases, (q) => store.search(q, { limit: 20 }));
  const base = await timed(prefixes, unranked);
  const all = await timed(prefixes, rankAll);
  // A sequential scan per query: a sample of the prefixes is enough to show its cost.
  const scan = await timed(
    prefixes.filter((_, i) => i % 6 === 0),
    ilike,
  );
  await sql.close();

  const f = (x: number) => x.toFixed(1);
  const row = (label: string, ms: number[]) =>
    `| ${name} ${label} | ${n} | ${ms.length} | ${f(pct(ms, 50))} | ${f(pct(ms, 95))} | ${f(pct(ms, 99))} | ${(pct(ms, 95) / pct(base, 95)).toFixed(2)}× |`;
  return [
    row('baseline: unranked `fts @@ q LIMIT 20`, as-you-type prefixes', base),
    row('ChatStore.search, as-you-type prefixes (2+ letters)', search),
    row('ChatStore.search, whole words and two-word phrases', whole),
    row('rank every match (no candidate cap), prefixes', all),
    row('ILIKE scan, prefixes (every 6th)', scan),
    `| ${name} insert (messages/s) | ${n} | — | ${rate.toFixed(0)} | — | — | mean hits per search ${(hits / prefixes.length).toFixed(1)} |`,
  ];
}

const pgN = Number(process.env.CHAT_BENCH_PG ?? 100_000);
const liteN = Number(process.env.CHAT_BENCH_LITE ?? 20_000);
const print = (rows: string[]) => {
  for (const r of rows) console.log(r);
};
console.log(`\nChat search (${machine()}); latencies in ms, one query at a time, 20 hits with snippets`);
console.log('| case | messages | queries | p50 ms | p95 ms | p99 ms | p95 vs baseline |');
console.log('|---|---:|---:|---:|---:|---:|---:|');
// A database of its own on the test Postgres, dropped afterwards.
const admin = openPostgresSql(services().postgres.url, { max: 1 });
const dbName = `titan_chatbench_${Date.now().toString(36)}`;
await admin.exec(`CREATE DATABASE ${dbName}`);
try {
  const url = new URL(services().postgres.url);
  url.pathname = `/${dbName}`;
  if (pgN > 0) print(await run('postgres', openPostgresSql(url.toString(), { max: 4 }), pgN));
} finally {
  await admin.exec(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
  await admin.close();
}
if (liteN > 0) print(await run('pglite', await openPgliteSql(null), liteN));
