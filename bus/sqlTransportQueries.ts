// The embedded transport's SQL (tables of migration 002_bus), one function per statement; same text on PGlite and Postgres.
import type { SqlQueryable } from '../daemon/storage/sql.ts';
import { BusError } from './errors/busError.ts';
import { formatId, type StreamId } from './sqlIds.ts';

/** Row of an entry read with its id; data null when the entry was trimmed while still pending. */
export interface EntryRow extends StreamId {
  data: string | null;
}

// The store's clock in ms: one clock for every daemon sharing a Postgres, and stable within a statement.
const NOW_MS = 'floor(extract(epoch FROM now()) * 1000)::bigint';

/** `(ms, seq) IN` a set of ids given as two bigint[] parameters $a and $b. */
const inIds = (a: number, b: number, alias = '') =>
  `(${alias}ms, ${alias}seq) IN (SELECT * FROM unnest($${a}::bigint[], $${b}::bigint[]))`;
const idArrays = (ids: StreamId[]) => [ids.map((i) => i.ms), ids.map((i) => i.seq)];

const toIds = <T extends StreamId>(rows: T[]): T[] => rows.map((r) => ({ ...r, ms: Number(r.ms), seq: Number(r.seq) }));

/**
 * Assigns the next id under the stream row's lock (so ids are monotonic and commit in id order): the clock's ms, or,
 * when the clock has not moved or went backwards, the last ms with the sequence bumped.
 */
export async function appendEntry(
  tx: SqlQueryable,
  stream: string,
  data: string,
): Promise<{ id: StreamId; length: number }> {
  const [row] = await tx.query<{ ms: number; seq: number; length: number }>(
    `INSERT INTO bus_streams AS s (stream, last_ms, last_seq, length) VALUES ($1, ${NOW_MS}, 0, 1)
     ON CONFLICT (stream) DO UPDATE SET
       last_seq = CASE WHEN ${NOW_MS} > s.last_ms THEN 0 ELSE s.last_seq + 1 END,
       last_ms = GREATEST(s.last_ms, ${NOW_MS}),
       length = s.length + 1
     RETURNING last_ms AS ms, last_seq AS seq, length`,
    [stream],
  );
  if (!row) throw new Error(`appending to ${stream} returned no id`);
  const id = { ms: Number(row.ms), seq: Number(row.seq) };
  await insertEntry(tx, stream, id, data);
  return { id, length: Number(row.length) };
}

function insertEntry(tx: SqlQueryable, stream: string, id: StreamId, data: string) {
  return tx.query('INSERT INTO bus_entries (stream, ms, seq, data) VALUES ($1, $2, $3, $4)', [
    stream,
    id.ms,
    id.seq,
    data,
  ]);
}

/**
 * XADD with an explicit id, as Redis: accepted only above the stream's last id (and above 0-0), so ids stay monotonic;
 * otherwise BusError "id_too_small" and nothing is written.
 */
export async function appendWithId(
  tx: SqlQueryable,
  stream: string,
  data: string,
  id: StreamId,
): Promise<{ id: StreamId; length: number }> {
  const rows =
    id.ms === 0 && id.seq === 0
      ? []
      : await tx.query<{ length: number }>(
          `INSERT INTO bus_streams AS s (stream, last_ms, last_seq, length) VALUES ($1, $2, $3, 1)
           ON CONFLICT (stream) DO UPDATE SET last_ms = $2, last_seq = $3, length = s.length + 1
           WHERE (s.last_ms, s.last_seq) < ($2::bigint, $3::bigint)
           RETURNING length`,
          [stream, id.ms, id.seq],
        );
  const [row] = rows;
  if (!row) {
    throw new BusError(
      'id_too_small',
      `ERR The ID specified in XADD is equal or smaller than the target stream top item (stream ${stream}, id ${formatId(id)})`,
    );
  }
  await insertEntry(tx, stream, id, data);
  return { id, length: Number(row.length) };
}

/** Deletes the `count` oldest entries and keeps the stream's length in step. */
export async function trimOldest(tx: SqlQueryable, stream: string, count: number): Promise<void> {
  await tx.query(
    `WITH old AS (SELECT ms, seq FROM bus_entries WHERE stream = $1 ORDER BY ms, seq LIMIT $2),
     gone AS (DELETE FROM bus_entries e USING old WHERE e.stream = $1 AND e.ms = old.ms AND e.seq = old.seq RETURNING 1)
     UPDATE bus_streams SET length = length - (SELECT count(*) FROM gone) WHERE stream = $1`,
    [stream, count],
  );
}

/** XGROUP CREATE … MKSTREAM: "$" starts after the stream's last id, "0" before its first; an existing group stays. */
export async function createGroup(tx: SqlQueryable, stream: string, group: string, fromEnd: boolean): Promise<void> {
  await tx.query('INSERT INTO bus_streams (stream) VALUES ($1) ON CONFLICT DO NOTHING', [stream]);
  await tx.query(
    `INSERT INTO bus_groups (stream, grp, last_ms, last_seq)
     SELECT stream, $2, CASE WHEN $3::boolean THEN last_ms ELSE 0 END, CASE WHEN $3::boolean THEN last_seq ELSE 0 END
     FROM bus_streams WHERE stream = $1
     ON CONFLICT DO NOTHING`,
    [stream, group, fromEnd],
  );
}

/** The group's last-delivered id, locking the group row until commit so two readers never take the same entries. */
export async function lockGroup(tx: SqlQueryable, stream: string, group: string): Promise<StreamId | null> {
  const rows = await tx.query<StreamId>(
    'SELECT last_ms AS ms, last_seq AS seq FROM bus_groups WHERE stream = $1 AND grp = $2 FOR UPDATE',
    [stream, group],
  );
  return toIds(rows)[0] ?? null;
}

export async function groupExists(q: SqlQueryable, stream: string, group: string): Promise<boolean> {
  const rows = await q.query('SELECT 1 FROM bus_groups WHERE stream = $1 AND grp = $2', [stream, group]);
  return rows.length > 0;
}

export async function entriesAfter(
  q: SqlQueryable,
  stream: string,
  after: StreamId,
  count: number,
): Promise<EntryRow[]> {
  const rows = await q.query<EntryRow>(
    `SELECT ms, seq, data FROM bus_entries WHERE stream = $1 AND (ms, seq) > ($2::bigint, $3::bigint)
     ORDER BY ms, seq LIMIT $4`,
    [stream, after.ms, after.seq, count],
  );
  return toIds(rows);
}

/** Moves the group's last-delivered id to the last of `ids` and makes them pending for `consumer`. */
export async function deliverNew(
  tx: SqlQueryable,
  stream: string,
  group: string,
  consumer: string,
  ids: StreamId[],
): Promise<void> {
  const last = ids[ids.length - 1];
  if (!last) return;
  await tx.query(
    `WITH moved AS (UPDATE bus_groups SET last_ms = $6, last_seq = $7 WHERE stream = $1 AND grp = $2)
     INSERT INTO bus_pending (stream, grp, ms, seq, consumer, deliveries, delivered_at)
     SELECT $1, $2, t.ms, t.seq, $3, 1, ${NOW_MS} FROM unnest($4::bigint[], $5::bigint[]) AS t(ms, seq)
     ON CONFLICT (stream, grp, ms, seq) DO UPDATE SET consumer = EXCLUDED.consumer,
       deliveries = bus_pending.deliveries + 1, delivered_at = EXCLUDED.delivered_at`,
    [stream, group, consumer, ...idArrays(ids), last.ms, last.seq],
  );
}

/**
 * XREADGROUP … 0: the consumer's own pending entries, oldest first. Like Redis, those still in the stream count as
 * delivered again (deliveries + 1, idle reset); trimmed ones come back with data null and are left as they are.
 */
export async function ownPending(
  q: SqlQueryable,
  stream: string,
  group: string,
  consumer: string,
  count: number,
): Promise<EntryRow[]> {
  const rows = await q.query<EntryRow>(
    `WITH mine AS (
       SELECT p.ms, p.seq, e.data FROM bus_pending p
       LEFT JOIN bus_entries e ON e.stream = p.stream AND e.ms = p.ms AND e.seq = p.seq
       WHERE p.stream = $1 AND p.grp = $2 AND p.consumer = $3 ORDER BY p.ms, p.seq LIMIT $4
     ), touched AS (
       UPDATE bus_pending p SET deliveries = p.deliveries + 1, delivered_at = ${NOW_MS} FROM mine
       WHERE p.stream = $1 AND p.grp = $2 AND p.ms = mine.ms AND p.seq = mine.seq AND mine.data IS NOT NULL
     )
     SELECT ms, seq, data FROM mine ORDER BY ms, seq`,
    [stream, group, consumer, count],
  );
  return toIds(rows);
}

export async function deletePending(q: SqlQueryable, stream: string, group: string, ids: StreamId[]): Promise<number> {
  const rows = await q.query(`DELETE FROM bus_pending WHERE stream = $1 AND grp = $2 AND ${inIds(3, 4)} RETURNING 1`, [
    stream,
    group,
    ...idArrays(ids),
  ]);
  return rows.length;
}

export interface PendingRow extends StreamId {
  consumer: string;
  idle_ms: number;
  deliveries: number;
}

export async function pendingRows(
  q: SqlQueryable,
  stream: string,
  group: string,
  minIdleMs: number,
  count: number,
): Promise<PendingRow[]> {
  const rows = await q.query<PendingRow>(
    `SELECT ms, seq, consumer, deliveries, GREATEST(0, ${NOW_MS} - delivered_at) AS idle_ms FROM bus_pending
     WHERE stream = $1 AND grp = $2 AND ${NOW_MS} - delivered_at >= $3 ORDER BY ms, seq LIMIT $4`,
    [stream, group, minIdleMs, count],
  );
  return toIds(rows).map((r) => ({ ...r, idle_ms: Number(r.idle_ms), deliveries: Number(r.deliveries) }));
}

const LOCK_IDLE = `SELECT p.ms, p.seq, e.data FROM bus_pending p
  LEFT JOIN bus_entries e ON e.stream = p.stream AND e.ms = p.ms AND e.seq = p.seq
  WHERE p.stream = $1 AND p.grp = $2 AND ${NOW_MS} - p.delivered_at >= $3`;

/** XCLAIM's candidates: those of `ids` pending and idle enough, locked (waiting for a concurrent claimer). */
export async function lockIdleByIds(
  tx: SqlQueryable,
  stream: string,
  group: string,
  minIdleMs: number,
  ids: StreamId[],
): Promise<EntryRow[]> {
  const rows = await tx.query<EntryRow>(`${LOCK_IDLE} AND ${inIds(4, 5, 'p.')} ORDER BY p.ms, p.seq FOR UPDATE OF p`, [
    stream,
    group,
    minIdleMs,
    ...idArrays(ids),
  ]);
  return toIds(rows);
}

/** XAUTOCLAIM's candidates: the oldest idle pending entries of any consumer, skipping those another claimer holds. */
export async function lockIdleOldest(
  tx: SqlQueryable,
  stream: string,
  group: string,
  minIdleMs: number,
  count: number,
): Promise<EntryRow[]> {
  const rows = await tx.query<EntryRow>(`${LOCK_IDLE} ORDER BY p.ms, p.seq LIMIT $4 FOR UPDATE OF p SKIP LOCKED`, [
    stream,
    group,
    minIdleMs,
    count,
  ]);
  return toIds(rows);
}

/** Gives the locked candidates still in the stream to `consumer` (deliveries + 1); drops trimmed ones, as Redis 7 does. */
export async function takeOver(
  tx: SqlQueryable,
  stream: string,
  group: string,
  consumer: string,
  rows: EntryRow[],
): Promise<void> {
  const alive = rows.filter((r) => r.data !== null);
  const trimmed = rows.filter((r) => r.data === null);
  if (alive.length > 0) {
    await tx.query(
      `UPDATE bus_pending SET consumer = $3, deliveries = deliveries + 1, delivered_at = ${NOW_MS}
       WHERE stream = $1 AND grp = $2 AND ${inIds(4, 5)}`,
      [stream, group, consumer, ...idArrays(alive)],
    );
  }
  if (trimmed.length > 0) await deletePending(tx, stream, group, trimmed);
}

export async function rangeEntries(
  q: SqlQueryable,
  stream: string,
  start: StreamId,
  end: StreamId,
  count: number,
): Promise<EntryRow[]> {
  const rows = await q.query<EntryRow>(
    `SELECT ms, seq, data FROM bus_entries WHERE stream = $1
     AND (ms, seq) >= ($2::bigint, $3::bigint) AND (ms, seq) <= ($4::bigint, $5::bigint)
     ORDER BY ms, seq LIMIT $6`,
    [stream, start.ms, start.seq, end.ms, end.seq, count],
  );
  return toIds(rows);
}

/** XDEL: removes entries (pending lists keep their ids, as in Redis) and returns how many existed. */
export async function deleteEntries(q: SqlQueryable, stream: string, ids: StreamId[]): Promise<number> {
  const [row] = await q.query<{ n: number }>(
    `WITH gone AS (DELETE FROM bus_entries WHERE stream = $1 AND ${inIds(2, 3)} RETURNING 1),
     counted AS (UPDATE bus_streams SET length = length - (SELECT count(*) FROM gone) WHERE stream = $1)
     SELECT count(*)::int AS n FROM gone`,
    [stream, ...idArrays(ids)],
  );
  return Number(row?.n ?? 0);
}

export async function streamLength(q: SqlQueryable, stream: string): Promise<number> {
  const [row] = await q.query<{ length: number }>('SELECT length FROM bus_streams WHERE stream = $1', [stream]);
  return Number(row?.length ?? 0);
}

export async function pendingTotal(q: SqlQueryable, stream: string, group: string): Promise<number> {
  const [row] = await q.query<{ n: number }>(
    'SELECT count(*)::int AS n FROM bus_pending WHERE stream = $1 AND grp = $2',
    [stream, group],
  );
  return Number(row?.n ?? 0);
}

/** SET NX PX: inserts the key, or renews it when its previous mark has expired; true when this call set it. */
export async function markKey(q: SqlQueryable, key: string, ttlMs: number): Promise<boolean> {
  const rows = await q.query(
    `INSERT INTO bus_once AS o (key, expires_at) VALUES ($1, ${NOW_MS} + $2)
     ON CONFLICT (key) DO UPDATE SET expires_at = EXCLUDED.expires_at WHERE o.expires_at <= ${NOW_MS}
     RETURNING 1`,
    [key, ttlMs],
  );
  return rows.length > 0;
}

export async function unmarkKey(q: SqlQueryable, key: string): Promise<void> {
  await q.query('DELETE FROM bus_once WHERE key = $1', [key]);
}

export async function sweepMarks(q: SqlQueryable): Promise<void> {
  await q.query(`DELETE FROM bus_once WHERE expires_at <= ${NOW_MS}`);
}
