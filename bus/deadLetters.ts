// errors.dlq: dead letters are ordinary, schema-valid events on the errors.dlq topic, so they read back like any other.

import * as v from 'valibot';
import { BusError } from './errors/busError.ts';
import { type BusEvent, createEvent, decodeEvent, EventSchema, type Topic } from './event.ts';
import type { Keys } from './keys.ts';
import { nextId } from './streamIds.ts';
import type { Transport } from './transport.ts';

const MAX_STACK = 4000;
const MAX_RAW = 16_000;

export const DeadLetterPayload = v.object({
  reason: v.picklist(['handler_failed', 'poison']),
  group: v.string(),
  original_topic: v.string(),
  original_stream: v.string(),
  original_entry_id: v.string(),
  original_event_id: v.nullable(v.string()),
  error: v.object({ message: v.string(), stack: v.nullable(v.string()) }),
  retries: v.number(),
  /** The failed event, when it was one; a poison entry keeps its raw text instead. */
  event: v.nullable(EventSchema),
  raw: v.nullable(v.string()),
});
export type DeadLetter = v.InferOutput<typeof DeadLetterPayload>;

export interface DeadLetterEntry {
  id: string;
  event: BusEvent;
  letter: DeadLetter;
}

export async function writeDeadLetter(
  transport: Transport,
  keys: Keys,
  maxlen: number,
  letter: Omit<DeadLetter, 'error'> & { error: unknown },
): Promise<string> {
  const err = letter.error instanceof Error ? letter.error : new Error(String(letter.error));
  const payload: DeadLetter = {
    ...letter,
    error: { message: err.message.slice(0, 2000), stack: err.stack?.slice(0, MAX_STACK) ?? null },
    raw: letter.raw === null ? null : letter.raw.slice(0, MAX_RAW),
  };
  // Built like any event, but not held to the 32 KB publish cap: it wraps an event of up to 32 KB.
  const event = createEvent(
    'errors.dlq',
    'dead_letter',
    payload,
    { priority: 'low', traceId: letter.event?.meta.trace_id, source: 'titan.bus' },
    Number.POSITIVE_INFINITY,
  );
  return transport.append(keys.dlq, JSON.stringify(event), maxlen);
}

function toEntry(id: string, data: string | null): DeadLetterEntry | null {
  if (data === null) return null;
  const event = decodeEvent(data);
  return { id, event, letter: v.parse(DeadLetterPayload, event.payload) };
}

/** Oldest first, `limit` entries after the cursor (an entry id); `next` is the cursor of the following page. */
export async function listDeadLetters(
  transport: Transport,
  keys: Keys,
  cursor: string | null,
  limit: number,
): Promise<{ entries: DeadLetterEntry[]; next: string | null }> {
  const rows = await transport.range(keys.dlq, cursor ? nextId(cursor) : '-', '+', limit);
  const entries = rows.map((r) => toEntry(r.id, r.data)).filter((e): e is DeadLetterEntry => e !== null);
  const last = rows.at(-1);
  return { entries, next: rows.length === limit && last ? last.id : null };
}

export async function getDeadLetter(transport: Transport, keys: Keys, id: string): Promise<DeadLetterEntry | null> {
  const [row] = await transport.range(keys.dlq, id, id, 1);
  return row ? toEntry(row.id, row.data) : null;
}

/** Sends the event back to the one group that failed it, with its retries reset, and removes the dead letter. */
export async function requeueDeadLetter(transport: Transport, keys: Keys, id: string, maxlen: number): Promise<string> {
  const entry = await getDeadLetter(transport, keys, id);
  if (!entry) throw new BusError('dead_letter_not_found', `no dead letter ${id}`);
  const original = entry.letter.event;
  if (!original) {
    throw new BusError(
      'dead_letter_not_requeueable',
      `dead letter ${id} is a poison entry (not an event): it can only be discarded`,
    );
  }
  const again: BusEvent = { ...original, meta: { ...original.meta, retries: 0 } };
  const newId = await transport.append(
    keys.requeue(original.topic as Topic, entry.letter.group),
    JSON.stringify(again),
    maxlen,
  );
  await transport.remove(keys.dlq, [id]);
  return newId;
}

export async function discardDeadLetter(transport: Transport, keys: Keys, id: string): Promise<boolean> {
  return (await transport.remove(keys.dlq, [id])) > 0;
}
