// One local day of activity, gathered for the reflection: the user's and the assistant's messages (chat store), tool
// calls (tool-call messages, plus chat.v1 calls outside them), file events (fs.v1), other system events (system.v1)
// and errors (errors.dlq, failed answers, error lines of the app log).
import { basename } from 'node:path';
import { encodeTime } from 'ulid';
import type { Bus } from '../../../bus/bus.ts';
import type { BusEvent, Topic } from '../../../bus/event.ts';
import { queryLogs } from '../../logs/logQuery.ts';
import type { Logs } from '../../logs/logs.ts';
import type { Sql } from '../../storage/sql.ts';

export interface DayMessage {
  conversation_id: string;
  title: string;
  role: 'user' | 'assistant';
  content: string;
  at: string;
}

export interface DayActivity {
  day: string;
  /** The user's and the assistant's messages of the day, tool-call steps and failed answers included. */
  messageCount: number;
  /** Those of them with text (what key sentences are drawn from). */
  messages: DayMessage[];
  /** Conversation id → title, of the conversations that had messages that day. */
  conversations: Map<string, string>;
  toolCalls: Map<string, number>;
  files: { created: number; changed: number; deleted: number; moved: number; names: string[]; indexed: number };
  /** system.v1 event type → count (the reflection's own events left out). */
  system: Map<string, number>;
  errors: { count: number; samples: string[] };
}

/** "2026-11-25" for the local day holding `d`. */
export function dayKey(d: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

/** Local midnight to the next local midnight (23 or 25 hours on a daylight-saving day). */
export function dayRange(d: Date): { start: number; end: number } {
  return {
    start: new Date(d.getFullYear(), d.getMonth(), d.getDate()).getTime(),
    end: new Date(d.getFullYear(), d.getMonth(), d.getDate() + 1).getTime(),
  };
}

const MAX_MESSAGES = 5000;
const MAX_NAMES = 20;
const MAX_ERROR_SAMPLES = 5;
const bump = (m: Map<string, number>, k: string, n = 1) => m.set(k, (m.get(k) ?? 0) + n);

/** Message ids are ULIDs of their creation time: bounding them (with a minute's slack) lets the primary key serve. */
const idBound = (ms: number) => `${encodeTime(Math.max(0, ms), 10)}0000000000000000`;

async function messagesOf(sql: Sql, start: number, end: number, a: DayActivity): Promise<void> {
  const rows = await sql.query<{
    conversation_id: string;
    title: string;
    role: string;
    content: string;
    tool_calls: { name?: string }[] | string;
    status: string;
    meta: Record<string, unknown> | string;
    created_at: string | Date;
  }>(
    `SELECT m.conversation_id, c.title, m.role, left(m.content, 2000) AS content, m.tool_calls, m.status, m.meta,
       m.created_at
     FROM messages m JOIN conversations c ON c.id = m.conversation_id
     WHERE m.id >= $1 AND m.id < $2 AND m.created_at >= $3 AND m.created_at < $4 AND c.deleted_at IS NULL
       AND m.role IN ('user', 'assistant')
     ORDER BY m.id LIMIT $5`,
    [
      idBound(start - 60_000),
      idBound(end + 60_000),
      new Date(start).toISOString(),
      new Date(end).toISOString(),
      MAX_MESSAGES,
    ],
  );
  a.messageCount = rows.length;
  for (const r of rows) {
    a.conversations.set(r.conversation_id, r.title);
    const calls = typeof r.tool_calls === 'string' ? JSON.parse(r.tool_calls) : r.tool_calls;
    for (const call of calls ?? []) bump(a.toolCalls, String(call.name ?? 'unknown'));
    if (r.status === 'error') {
      const meta = (typeof r.meta === 'string' ? JSON.parse(r.meta) : r.meta) as { error?: { message?: string } };
      noteError(a, `an answer failed in "${r.title}": ${meta.error?.message ?? 'no reason recorded'}`);
    }
    if (!r.content.trim()) continue;
    a.messages.push({
      conversation_id: r.conversation_id,
      title: r.title,
      role: r.role as DayMessage['role'],
      content: r.content,
      at: new Date(r.created_at).toISOString(),
    });
  }
}

function noteError(a: DayActivity, text: string): void {
  a.errors.count++;
  if (a.errors.samples.length < MAX_ERROR_SAMPLES) a.errors.samples.push(text.slice(0, 300));
}

async function eachEvent(
  bus: Bus,
  topic: Topic,
  start: number,
  end: number,
  signal: AbortSignal | undefined,
  fn: (e: BusEvent) => void,
) {
  for await (const e of bus.replay(start, topic, end - 1)) {
    signal?.throwIfAborted();
    fn(e);
  }
}

export async function gatherDay(
  deps: { sql: Sql; bus: Bus; logs: Logs },
  day: Date,
  signal?: AbortSignal,
): Promise<DayActivity> {
  const { start, end } = dayRange(day);
  const a: DayActivity = {
    day: dayKey(day),
    messageCount: 0,
    messages: [],
    conversations: new Map(),
    toolCalls: new Map(),
    files: { created: 0, changed: 0, deleted: 0, moved: 0, names: [], indexed: 0 },
    system: new Map(),
    errors: { count: 0, samples: [] },
  };
  await messagesOf(deps.sql, start, end, a);

  await eachEvent(deps.bus, 'chat.v1', start, end, signal, (e) => {
    const p = e.payload as { conversation_id?: string; call?: { name?: string } };
    // Calls in conversations read above are counted from their messages already.
    if (e.event_type === 'tool.call' && !(p.conversation_id && a.conversations.has(p.conversation_id))) {
      bump(a.toolCalls, String(p.call?.name ?? 'unknown'));
    }
  });

  const names = new Set<string>();
  await eachEvent(deps.bus, 'fs.v1', start, end, signal, (e) => {
    const kind = e.event_type.replace(/^file\./, '') as keyof DayActivity['files'];
    if (!['created', 'changed', 'deleted', 'moved'].includes(kind)) return;
    (a.files[kind] as number)++;
    const p = e.payload as { path?: string; to?: string };
    const path = p.to ?? p.path;
    if (path && names.size < MAX_NAMES) names.add(basename(path));
  });
  a.files.names = [...names];
  const [indexed] = await deps.sql.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM file_index WHERE status = 'indexed' AND indexed_at >= $1 AND indexed_at < $2`,
    [new Date(start).toISOString(), new Date(end).toISOString()],
  );
  a.files.indexed = indexed?.n ?? 0;

  await eachEvent(deps.bus, 'system.v1', start, end, signal, (e) => {
    if (!e.event_type.startsWith('reflection.')) bump(a.system, e.event_type);
  });
  await eachEvent(deps.bus, 'errors.dlq', start, end, signal, (e) => {
    const p = e.payload as { original_topic?: string; group?: string; error?: { message?: string } };
    noteError(a, `an event of ${p.original_topic ?? '?'} failed in ${p.group ?? '?'}: ${p.error?.message ?? '?'}`);
  });
  for (const line of await queryLogs(deps.logs.appFile, { level: 'error', limit: 500 })) {
    if (line.time >= start && line.time < end) noteError(a, String(line.msg ?? 'an error') + errSuffix(line.err));
  }
  return a;
}

const errSuffix = (err: unknown) =>
  typeof err === 'string'
    ? `: ${err}`
    : err && typeof err === 'object' && 'message' in err
      ? `: ${String(err.message)}`
      : '';
