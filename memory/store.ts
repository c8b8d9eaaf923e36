// MemoryStore: the memories table and its vectors — add, read, edit, merge, supersede, delete — on either Sql engine.
import { ulid } from '../bus/ulid.ts';
import type { Sql, SqlQueryable } from '../daemon/storage/sql.ts';
import { MemoryError } from './errors/memoryError.ts';
import { contentHash, MEMORY_COLUMNS, type Memory, type MemorySource, type NewMemory, toMemory } from './record.ts';
import type { Embedder } from './types.ts';
import { vectorLiteral, writeVectors } from './vectors.ts';

export interface StoreOptions {
  /** Longest memory text in characters. Default: 8000. */
  maxTextChars?: number;
}

export interface MemoryPatch {
  text?: string;
  kind?: Memory['kind'];
  importance?: number;
  pinned?: boolean;
  expires_at?: string | null;
}

/** Memories that are in force: not superseded, not expired. */
export const ACTIVE = '(m.valid_to IS NULL AND (m.expires_at IS NULL OR m.expires_at > now()))';

export class MemoryStore {
  readonly sql: Sql;
  readonly embedder: Embedder;
  readonly table: string;
  readonly maxTextChars: number;

  constructor(sql: Sql, embedder: Embedder, table: string, opts: StoreOptions = {}) {
    this.sql = sql;
    this.embedder = embedder;
    this.table = table;
    this.maxTextChars = opts.maxTextChars ?? 8000;
  }

  /** Throws a MemoryError naming what is wrong; returns the trimmed text. */
  checkText(text: string): string {
    const t = text.trim();
    if (t === '') throw new MemoryError('empty_text', 'a memory needs some text: it was empty');
    if (t.length > this.maxTextChars) {
      throw new MemoryError('text_too_long', `a memory has at most ${this.maxTextChars} characters (got ${t.length})`);
    }
    return t;
  }

  checkVector(v: readonly number[]): void {
    if (v.length !== this.embedder.dimensions) {
      throw new MemoryError(
        'wrong_dimension',
        `the vector has ${v.length} dimensions; this store's embedder (${this.embedder.model}) uses ${this.embedder.dimensions}`,
      );
    }
    if (!v.every(Number.isFinite)) throw new MemoryError('wrong_dimension', 'the vector holds a non-finite number');
  }

  /** Inserts memories (embedding those that carry no vector, in one batch); all or nothing. */
  async add(items: NewMemory[], db?: SqlQueryable): Promise<Memory[]> {
    const texts = items.map((m) => this.checkText(m.text));
    for (const m of items) if (m.embedding) this.checkVector(m.embedding);
    const missing = items.flatMap((m, i) => (m.embedding ? [] : [i]));
    const computed = missing.length ? await this.embedder.embed(missing.map((i) => texts[i] as string)) : [];
    const vectors = items.map((m) => m.embedding ?? []);
    missing.forEach((i, j) => {
      vectors[i] = computed[j] as number[];
    });
    const rows = items.map((m, i) => ({ ...m, id: m.id ?? ulid(), text: texts[i] as string }));
    const write = async (tx: SqlQueryable) => {
      // One jsonb parameter: typed arrays bind differently on the two engines (postgres.js sends bool[] as bool).
      const inserted = await tx.query(
        `INSERT INTO memories (id, kind, text, slot, source, provenance, importance, pinned, expires_at, valid_from, supersedes, content_hash)
         SELECT id, kind, text, slot, source, provenance, importance, pinned, expires_at, valid_from, supersedes, content_hash
         FROM jsonb_to_recordset($1::jsonb) AS r(id text, kind text, text text, slot text, source jsonb, provenance jsonb,
           importance float8, pinned bool, expires_at timestamptz, valid_from timestamptz, supersedes text, content_hash text)
         RETURNING ${MEMORY_COLUMNS}`,
        [
          JSON.stringify(
            rows.map((r) => ({
              id: r.id,
              kind: r.kind ?? 'fact',
              text: r.text,
              slot: r.slot ?? null,
              source: r.source ?? {},
              provenance: r.source ? [r.source] : [],
              importance: clamp01(r.importance ?? 0.5),
              pinned: r.pinned ?? false,
              expires_at: r.expires_at ?? null,
              valid_from: r.valid_from ?? new Date().toISOString(),
              supersedes: r.supersedes ?? null,
              content_hash: contentHash(r.text),
            })),
          ),
        ],
      );
      await writeVectors(
        tx,
        this.table,
        this.embedder.model,
        rows.map((r, i) => ({ id: r.id, embedding: vectors[i] as number[] })),
      );
      return inserted;
    };
    const inserted = db ? await write(db) : await this.sql.transaction(write);
    const byId = new Map(inserted.map((r) => [r.id as string, r]));
    return rows.map((r) => toMemory({ ...(byId.get(r.id) as object), model: this.embedder.model }));
  }

  async get(id: string): Promise<Memory | null> {
    const [row] = await this.sql.query(`SELECT ${MEMORY_COLUMNS} FROM memories WHERE id = $1`, [id]);
    return row ? toMemory(row) : null;
  }

  async mustGet(id: string): Promise<Memory> {
    const m = await this.get(id);
    if (!m) throw new MemoryError('memory_not_found', `no memory ${id}`);
    return m;
  }

  async getMany(ids: string[]): Promise<Map<string, Memory>> {
    if (ids.length === 0) return new Map();
    const rows = await this.sql.query(`SELECT ${MEMORY_COLUMNS} FROM memories WHERE id = ANY($1::text[])`, [ids]);
    return new Map(rows.map((r) => [r.id as string, toMemory(r)]));
  }

  async activeByHash(hash: string): Promise<Memory | null> {
    const [row] = await this.sql.query(
      `SELECT ${MEMORY_COLUMNS} FROM memories m WHERE content_hash = $1 AND ${ACTIVE} LIMIT 1`,
      [hash],
    );
    return row ? toMemory(row) : null;
  }

  async activeBySlot(slot: string): Promise<Memory[]> {
    const rows = await this.sql.query(
      `SELECT ${MEMORY_COLUMNS} FROM memories m WHERE slot = $1 AND ${ACTIVE} ORDER BY created_at DESC`,
      [slot],
    );
    return rows.map(toMemory);
  }

  /** The active memories most similar to a vector, best first, with cosine similarity. */
  async nearest(vector: readonly number[], k: number): Promise<{ memory: Memory; similarity: number }[]> {
    const rows = await this.sql.query(
      `WITH knn AS (
         SELECT memory_id, embedding <=> $1::halfvec AS distance FROM ${this.table}
         ORDER BY embedding <=> $1::halfvec LIMIT $2)
       SELECT ${MEMORY_COLUMNS.replace(/(\w+)/g, 'm.$1')}, knn.distance FROM knn JOIN memories m ON m.id = knn.memory_id
       WHERE ${ACTIVE} ORDER BY knn.distance`,
      [vectorLiteral(vector), Math.max(k * 4, 20)],
    );
    return rows.slice(0, k).map((r) => ({ memory: toMemory(r), similarity: 1 - Number(r.distance) }));
  }

  /** Edits text, kind, importance, pin or expiry; new text is re-embedded and re-hashed. */
  async update(id: string, patch: MemoryPatch): Promise<Memory> {
    await this.mustGet(id);
    const text = patch.text === undefined ? undefined : this.checkText(patch.text);
    const vector = text === undefined ? undefined : (await this.embedder.embed([text]))[0];
    return this.sql.transaction(async (tx) => {
      const [row] = await tx.query(
        `UPDATE memories SET
           text = COALESCE($2, text), content_hash = COALESCE($3, content_hash), kind = COALESCE($4, kind),
           importance = COALESCE($5, importance), pinned = COALESCE($6, pinned),
           expires_at = CASE WHEN $7::bool THEN $8::timestamptz ELSE expires_at END, updated_at = now()
         WHERE id = $1 RETURNING ${MEMORY_COLUMNS}`,
        [
          id,
          text ?? null,
          text === undefined ? null : contentHash(text),
          patch.kind ?? null,
          patch.importance === undefined ? null : clamp01(patch.importance),
          patch.pinned ?? null,
          patch.expires_at !== undefined,
          patch.expires_at ?? null,
        ],
      );
      if (vector) await writeVectors(tx, this.table, this.embedder.model, [{ id, embedding: vector }]);
      return toMemory(row as Record<string, unknown>);
    });
  }

  /** Folds a near-duplicate into an existing memory: text merged, importance raised, provenance appended. */
  async merge(id: string, text: string, source: MemorySource | undefined, importance: number): Promise<Memory> {
    const old = await this.mustGet(id);
    const merged = mergeText(old.text, this.checkText(text), this.maxTextChars);
    const updated =
      merged === old.text
        ? old
        : await this.update(id, { text: merged, importance: Math.max(old.importance, importance) });
    const [row] = await this.sql.query(
      `UPDATE memories SET importance = LEAST(1, GREATEST(importance, $2) + 0.05),
         provenance = provenance || $3::jsonb, updated_at = now()
       WHERE id = $1 RETURNING ${MEMORY_COLUMNS}`,
      [updated.id, clamp01(importance), JSON.stringify(source ? [source] : [])],
    );
    return toMemory(row as Record<string, unknown>);
  }

  /** Closes a memory's validity: it stays for history but no longer answers queries. */
  async supersede(id: string, db: SqlQueryable = this.sql): Promise<void> {
    await db.query('UPDATE memories SET valid_to = now(), updated_at = now() WHERE id = $1 AND valid_to IS NULL', [id]);
  }

  async delete(ids: string[]): Promise<string[]> {
    if (ids.length === 0) return [];
    const rows = await this.sql.query<{ id: string }>('DELETE FROM memories WHERE id = ANY($1::text[]) RETURNING id', [
      ids,
    ]);
    return rows.map((r) => r.id);
  }

  /** Counts a retrieval: access statistics feed recency and GC. */
  async touch(ids: string[]): Promise<void> {
    if (ids.length === 0) return;
    await this.sql.query(
      'UPDATE memories SET access_count = access_count + 1, last_accessed_at = now() WHERE id = ANY($1::text[])',
      [ids],
    );
  }
}

export const clamp01 = (x: number) => Math.min(1, Math.max(0, x));

/** Keeps the longer text when one contains the other; otherwise joins them, within the length cap. */
export function mergeText(old: string, next: string, max: number): string {
  const a = old.toLowerCase();
  const b = next.toLowerCase();
  if (a.includes(b)) return old;
  if (b.includes(a)) return next;
  const joined = `${old.replace(/[.\s]+$/, '')}; ${next}`;
  return joined.length <= max ? joined : next.length >= old.length ? next : old;
}
