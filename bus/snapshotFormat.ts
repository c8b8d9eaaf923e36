// What bus snapshots look like in the bucket: which streams, object names "<stream>/<firstId>_<lastId>.jsonl" with one
// {"id", "data"} line per entry, and cursor.json holding the last id written per stream.
import * as v from 'valibot';
import { SnapshotError } from './errors/snapshotFailed.ts';
import { PRIORITIES, type Topic } from './event.ts';
import type { Keys } from './keys.ts';
import { compareIds } from './streamIds.ts';

export const SNAPSHOT_TOPICS = ['chat.v1', 'fs.v1', 'system.v1', 'plugin.v1'] as const satisfies readonly Topic[];

export interface SnapshotStream {
  stream: string;
  topic: Topic;
}

/**
 * Every priority stream of the event topics, and the DLQ. Requeue streams are left out: they only hold events
 * on their way back from the DLQ to one group, and consumer groups are not snapshotted either.
 */
export function snapshotStreams(keys: Keys): SnapshotStream[] {
  const topics = SNAPSHOT_TOPICS.flatMap((topic) =>
    PRIORITIES.map((p) => ({ stream: keys.priority(topic, p), topic })),
  );
  return [...topics, { stream: keys.dlq, topic: 'errors.dlq' }];
}

export interface SnapshotLine {
  id: string;
  /** The raw stream entry: the serialized event, exactly as it was in the stream. */
  data: string;
}

export interface SnapshotObject {
  name: string;
  firstId: string;
  lastId: string;
}

const ID = /^\d+-\d+$/;
const NAME = /^(\d+-\d+)_(\d+-\d+)\.jsonl$/;

export const objectName = (stream: string, firstId: string, lastId: string) => `${stream}/${firstId}_${lastId}.jsonl`;

/** The snapshot objects among `names` (listed under "<stream>/"), oldest first: by first id, as listing is by text. */
export function snapshotObjects(stream: string, names: string[]): SnapshotObject[] {
  const folder = `${stream}/`;
  const found: SnapshotObject[] = [];
  for (const name of names) {
    if (!name.startsWith(folder)) continue;
    const m = NAME.exec(name.slice(folder.length));
    if (m?.[1] && m[2]) found.push({ name, firstId: m[1], lastId: m[2] });
  }
  return found.sort((a, b) => compareIds(a.firstId, b.firstId) || compareIds(a.lastId, b.lastId));
}

export function encodeLines(lines: SnapshotLine[]): string {
  return lines.map(({ id, data }) => `${JSON.stringify({ id, data })}\n`).join('');
}

const LineSchema = v.object({ id: v.pipe(v.string(), v.regex(ID)), data: v.string() });

/** Parses a snapshot object; any bad line makes the object unreadable (a SnapshotError naming object and line). */
export function decodeLines(text: string, objectKey: string): SnapshotLine[] {
  const out: SnapshotLine[] = [];
  const rows = text.split('\n');
  for (const [i, row] of rows.entries()) {
    if (row === '' && i === rows.length - 1) break;
    let parsed: unknown;
    try {
      parsed = JSON.parse(row);
    } catch {
      parsed = undefined;
    }
    const line = v.safeParse(LineSchema, parsed);
    if (!line.success) {
      throw new SnapshotError(
        'corrupt',
        `snapshot object "${objectKey}" line ${i + 1} is not {"id": "<ms>-<seq>", "data": "…"}: remove or repair the object`,
      );
    }
    out.push({ id: line.output.id, data: line.output.data });
  }
  return out;
}

export const CURSOR_NAME = 'cursor.json';

const CursorSchema = v.object({
  version: v.literal(1),
  streams: v.record(v.string(), v.pipe(v.string(), v.regex(ID))),
});

export type Cursor = Record<string, string>;

export function encodeCursor(streams: Cursor): string {
  return `${JSON.stringify({ version: 1, updated_at: new Date().toISOString(), streams }, null, 2)}\n`;
}

export function decodeCursor(text: string, objectKey: string): Cursor {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  const cursor = v.safeParse(CursorSchema, parsed);
  if (!cursor.success) {
    throw new SnapshotError(
      'corrupt',
      `snapshot cursor "${objectKey}" is not {"version": 1, "streams": {…}}: delete it to snapshot every stream from its start again`,
    );
  }
  return cursor.output.streams;
}
