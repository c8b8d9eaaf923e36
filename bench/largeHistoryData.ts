// The data dir of bench/largeHistory.bench.ts: 100,000 messages (one big conversation and many ordinary ones) and
// 100,000 memories with their offline-embedder vectors, written in bulk through the SQL layer into the daemon's own
// tables (the memory service inserts ~22/s on PGlite), indexes built after. Built once into bench/.cache/, keyed by
// VERSION and the sizes; a finished build is renamed into place, so an interrupted one is never reused.
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { monotonicFactory } from 'ulid';
import { migrate } from '../daemon/storage/migrate.ts';
import { openPgliteSql } from '../daemon/storage/pgliteSql.ts';
import type { Sql } from '../daemon/storage/sql.ts';
import { OfflineEmbedder } from '../memory/embedders/offline.ts';
import { contentHash } from '../memory/record.ts';
import { ensureVectorTable, vectorLiteral, vectorTable } from '../memory/vectors.ts';
import { seedConversation } from '../tests/helpers/chatSeed.ts';
import { history } from './chatSearchData.ts';
import { generateMemories } from './memoryData.ts';

/** Bump when the layout or the data changes: the cached data dir is rebuilt. */
const VERSION = 1;
const DIMS = 384;
const BATCH = 1000;

export interface LargeHistory {
  /** The data dir (TITAN_HOME) holding db/; copy it before starting a daemon on it. */
  home: string;
  bigId: string;
  bigFirstId: string;
  bigLastId: string;
  messages: number;
  memories: number;
  /** Seconds each build step took (empty when the cache was reused). */
  steps: Record<string, number>;
}

export interface LargeHistorySizes {
  messages: number;
  /** Messages of the one big conversation (the rest go to ordinary conversations of 10–90 messages). */
  big: number;
  memories: number;
}

const log = (s: string) => process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${s}\n`);

async function timedStep(steps: Record<string, number>, name: string, fn: () => Promise<void>): Promise<void> {
  const t = performance.now();
  log(`${name}…`);
  await fn();
  steps[name] = (performance.now() - t) / 1000;
  log(`${name}: ${steps[name].toFixed(1)} s`);
}

async function fillMessages(sql: Sql, total: number): Promise<void> {
  const nextId = monotonicFactory();
  const start = Date.parse('2025-01-01T00:00:00Z');
  let at = 0;
  for (const conv of history(total, 7)) {
    const convId = nextId(start + at * 60_000);
    const rows = conv.messages.map((m, i) => {
      const ms = start + (at + i) * 60_000;
      return { id: nextId(ms), role: m.role, content: m.content, created_at: new Date(ms).toISOString() };
    });
    const last = rows.at(-1)?.created_at as string;
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
  }
}

/** Memories and vectors in batches of one jsonb parameter each; `model` set so no re-embed starts. */
async function fillMemories(sql: Sql, n: number, table: string): Promise<void> {
  const embedder = new OfflineEmbedder({ dimensions: DIMS });
  const all = generateMemories(n);
  const nextId = monotonicFactory();
  const start = Date.now() - 365 * 86_400_000;
  for (let i = 0; i < n; i += BATCH) {
    const batch = all.slice(i, i + BATCH);
    const vectors = await embedder.embed(batch.map((m) => m.text));
    const rows = batch.map((m, j) => {
      const at = new Date(start + ((i + j) / n) * 365 * 86_400_000).toISOString();
      return {
        id: nextId(Date.parse(at)),
        kind: m.kind,
        text: m.text,
        importance: m.importance,
        at,
        hash: contentHash(m.text),
        e: vectorLiteral(vectors[j] as number[]),
      };
    });
    await sql.transaction(async (tx) => {
      await tx.query(
        `INSERT INTO memories (id, kind, text, importance, created_at, updated_at, valid_from, content_hash, model)
         SELECT id, kind, text, importance, at, at, at, hash, $2 FROM jsonb_to_recordset($1::jsonb)
           AS r(id text, kind text, text text, importance float8, at timestamptz, hash text)`,
        [JSON.stringify(rows), embedder.model],
      );
      await tx.query(
        `INSERT INTO ${table} (memory_id, model, embedding)
         SELECT id, $2, e::halfvec FROM jsonb_to_recordset($1::jsonb) AS t(id text, e text)`,
        [JSON.stringify(rows.map((r) => ({ id: r.id, e: r.e }))), embedder.model],
      );
    });
    if ((i / BATCH) % 10 === 0) process.stderr.write(`\rmemories ${i + batch.length}/${n}   `);
  }
  process.stderr.write('\n');
}

/** Writes the sizes into a migrated, empty database (PGlite or Postgres), then builds the indexes. */
export async function fill(sql: Sql, sizes: LargeHistorySizes): Promise<Record<string, number>> {
  const steps: Record<string, number> = {};
  await timedStep(steps, 'migrate', async () => {
    await migrate(sql);
  });
  // Full-text indexes go after the rows: one build instead of 200,000 index inserts (recreated as 007/008 define them).
  await sql.exec('DROP INDEX IF EXISTS memories_fts; DROP INDEX IF EXISTS messages_fts;');
  const table = vectorTable(DIMS);
  await sql.exec(`CREATE TABLE IF NOT EXISTS ${table} (
    memory_id text PRIMARY KEY REFERENCES memories (id) ON DELETE CASCADE,
    model text NOT NULL,
    embedding halfvec(${DIMS}) NOT NULL)`);
  await timedStep(steps, `${sizes.big} messages, one conversation`, async () => {
    await seedConversation(sql, { messages: sizes.big, title: 'The big conversation' });
  });
  await timedStep(steps, `${sizes.messages - sizes.big} messages, ordinary conversations`, () =>
    fillMessages(sql, sizes.messages - sizes.big),
  );
  await timedStep(steps, `${sizes.memories} memories + vectors`, () => fillMemories(sql, sizes.memories, table));
  await timedStep(steps, 'full-text indexes (GIN)', async () => {
    await sql.exec(`SET maintenance_work_mem = '256MB';
      CREATE INDEX memories_fts ON memories USING gin (fts) WITH (fastupdate = off);
      CREATE INDEX messages_fts ON messages USING gin (fts) WITH (fastupdate = off);`);
  });
  // What the daemon creates at start if missing: the HNSW index with the parameters it expects.
  await timedStep(steps, 'HNSW index', async () => {
    await ensureVectorTable(sql, DIMS);
  });
  await timedStep(steps, 'VACUUM ANALYZE', () => sql.exec('VACUUM ANALYZE'));
  return steps;
}

/** The big conversation: its id and first and last message ids. */
export async function bigConversation(sql: Sql): Promise<{ id: string; first: string; last: string }> {
  const [big] = await sql.query<{ id: string; first: string; last: string }>(
    `SELECT c.id, min(m.id) AS first, max(m.id) AS last FROM conversations c JOIN messages m ON m.conversation_id = c.id
     GROUP BY c.id ORDER BY count(*) DESC LIMIT 1`,
  );
  if (!big) throw new Error('no conversation in the large-history database');
  return big;
}

/** Returns the cached PGlite data dir for these sizes, building it first if there is none. */
export async function largeHistory(sizes: LargeHistorySizes): Promise<LargeHistory> {
  const root = join(import.meta.dirname, '.cache');
  const key = `large-v${VERSION}-${sizes.messages}m-${sizes.big}b-${sizes.memories}k`;
  const home = join(root, key);
  let steps: Record<string, number> = {};
  if (!existsSync(home)) {
    const building = `${home}.building`;
    rmSync(building, { recursive: true, force: true });
    mkdirSync(building, { recursive: true });
    const sql = await openPgliteSql(join(building, 'db'));
    try {
      steps = await fill(sql, sizes);
    } finally {
      await sql.close();
    }
    renameSync(building, home);
  }
  const sql = await openPgliteSql(join(home, 'db'));
  try {
    const big = await bigConversation(sql);
    return { home, bigId: big.id, bigFirstId: big.first, bigLastId: big.last, ...sizes, steps };
  } finally {
    await sql.close();
  }
}
