// The bus event: its schema (DESIGN.md "Contracts"), construction with a ULID and UTC timestamp, and the 32 KB cap.

import * as v from 'valibot';
import { EventTooLargeError } from './errors/eventTooLarge.ts';
import { InvalidEventError } from './errors/invalidEvent.ts';
import { ulid } from './ulid.ts';

export const TOPICS = ['chat.v1', 'fs.v1', 'system.v1', 'plugin.v1', 'errors.dlq'] as const;
export type Topic = (typeof TOPICS)[number];
export const PRIORITIES = ['high', 'medium', 'low'] as const;
export type Priority = (typeof PRIORITIES)[number];

export const MAX_EVENT_BYTES = 32 * 1024;
export const SCHEMA_VERSION = 1;

const ULID_RE = /^[0-9A-HJKMNP-TV-Z]{26}$/;

export const EventSchema = v.strictObject({
  event_id: v.pipe(v.string(), v.regex(ULID_RE, 'event_id must be a ULID')),
  schema_version: v.literal(SCHEMA_VERSION),
  topic: v.picklist(TOPICS, `topic must be one of ${TOPICS.join(', ')}`),
  event_type: v.pipe(
    v.string(),
    v.regex(
      /^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*$/,
      'event_type must be dotted lowercase words, e.g. "message.created"',
    ),
    v.maxLength(100, 'event_type must have at most 100 characters'),
  ),
  timestamp: v.pipe(v.string(), v.isoTimestamp('timestamp must be an ISO 8601 UTC timestamp')),
  // record() alone would take an array and turn it into an object keyed "0", "1", …
  payload: v.pipe(
    v.custom<Record<string, unknown>>(
      (p) => typeof p === 'object' && p !== null && !Array.isArray(p),
      'payload must be a JSON object',
    ),
    v.record(v.string(), v.unknown(), 'payload must be a JSON object'),
  ),
  meta: v.strictObject({
    priority: v.picklist(PRIORITIES, 'priority must be high, medium or low'),
    retries: v.pipe(v.number(), v.integer(), v.minValue(0)),
    trace_id: v.pipe(v.string(), v.regex(/^[0-9a-f]{32}$/, 'trace_id must be 32 lowercase hex characters')),
    source: v.pipe(v.string(), v.minLength(1), v.maxLength(100)),
  }),
});

export type BusEvent = v.InferOutput<typeof EventSchema>;

export interface PublishOptions {
  /** Default: medium. */
  priority?: Priority;
  /** Continue a trace started elsewhere; default: a new random trace id. */
  traceId?: string;
  /** Who published; default: "titan". */
  source?: string;
}

function randomTraceId(): string {
  return crypto.randomUUID().replaceAll('-', '');
}

/**
 * Builds and validates an event; throws InvalidEventError or EventTooLargeError, so nothing bad is ever written.
 * `maxBytes` is the publish cap; the bus's own dead letters, which wrap an event of up to that size, pass more.
 */
export function createEvent(
  topic: string,
  eventType: string,
  payload: unknown,
  opts: PublishOptions = {},
  maxBytes = MAX_EVENT_BYTES,
): BusEvent {
  const candidate = {
    event_id: ulid(),
    schema_version: SCHEMA_VERSION,
    topic,
    event_type: eventType,
    timestamp: new Date().toISOString(),
    payload,
    meta: {
      priority: opts.priority ?? 'medium',
      retries: 0,
      trace_id: opts.traceId ?? randomTraceId(),
      source: opts.source ?? 'titan',
    },
  };
  const event = parseEvent(candidate);
  const size = Buffer.byteLength(JSON.stringify(event));
  if (size > maxBytes) throw new EventTooLargeError(size, maxBytes);
  return event;
}

/** Validates anything claiming to be an event (from the wire, the DLQ, a plugin). */
export function parseEvent(input: unknown): BusEvent {
  const result = v.safeParse(EventSchema, input);
  if (!result.success) {
    throw new InvalidEventError(
      result.issues.map((i) => `${i.path?.map((p) => String(p.key)).join('.') || 'event'}: ${i.message}`).join('; '),
    );
  }
  return result.output;
}

/** Parses a raw stream field; a poison entry (not JSON, wrong schema) throws InvalidEventError with the reason. */
export function decodeEvent(raw: string): BusEvent {
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch (err) {
    throw new InvalidEventError(`not JSON: ${(err as Error).message}`);
  }
  return parseEvent(parsed);
}
