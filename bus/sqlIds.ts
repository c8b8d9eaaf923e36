// Stream ids as the embedded transport stores them: "<ms>-<seq>" split into two numbers, and XRANGE bounds.
import { BusError } from './errors/busError.ts';

export interface StreamId {
  ms: number;
  seq: number;
}

// Stored ids stay far below 2^53 (ms for the next 285,000 years; seq per ms). Larger values only arrive as range
// bounds such as Redis's maximum sequence 2^64-1 (streamIds.ts endOf), and clamping keeps those bounds exact.
const MAX = Number.MAX_SAFE_INTEGER;
const ID_RE = /^(\d+)(?:-(\d+))?$/;

export const formatId = (id: StreamId): string => `${id.ms}-${id.seq}`;

/** Parses "<ms>-<seq>" or a bare "<ms>"; a bare ms takes `seqIfMissing` (0 for a start bound, max for an end). */
export function parseId(text: string, seqIfMissing = 0): StreamId {
  const m = ID_RE.exec(text);
  if (!m?.[1]) throw new BusError('invalid_stream_id', `invalid stream id "${text}": expected "<ms>-<seq>"`);
  const ms = Math.min(Number(m[1]), MAX);
  const seq = m[2] === undefined ? seqIfMissing : Math.min(Number(m[2]), MAX);
  return { ms, seq };
}

const next = (id: StreamId): StreamId => (id.seq < MAX ? { ms: id.ms, seq: id.seq + 1 } : { ms: id.ms + 1, seq: 0 });
const previous = (id: StreamId): StreamId =>
  id.seq > 0 ? { ms: id.ms, seq: id.seq - 1 } : { ms: id.ms - 1, seq: MAX };

/** The inclusive id an XRANGE bound stands for: "-", "+", "<ms>", "<ms>-<seq>", or "(" + id for an exclusive one. */
export function rangeBound(spec: string, side: 'start' | 'end'): StreamId {
  if (spec === '-') return { ms: 0, seq: 0 };
  if (spec === '+') return { ms: MAX, seq: MAX };
  const exclusive = spec.startsWith('(');
  const id = parseId(exclusive ? spec.slice(1) : spec, side === 'start' ? 0 : MAX);
  if (!exclusive) return id;
  return side === 'start' ? next(id) : previous(id);
}
