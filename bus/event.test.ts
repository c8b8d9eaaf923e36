// Events are validated at construction: bad topic, type, priority or payload and anything over 32 KB are refused.
import { describe, expect, it } from 'vitest';
import { EventTooLargeError } from './errors/eventTooLarge.ts';
import { InvalidEventError } from './errors/invalidEvent.ts';
import { createEvent, decodeEvent, MAX_EVENT_BYTES, parseEvent } from './event.ts';

describe('events', () => {
  it('builds a schema-valid event with a ULID, a UTC timestamp and defaults', () => {
    const e = createEvent('chat.v1', 'message.created', { text: 'привет' });
    expect(e.event_id).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/);
    expect(e.timestamp).toMatch(/Z$/);
    expect(e.meta).toEqual({
      priority: 'medium',
      retries: 0,
      trace_id: expect.stringMatching(/^[0-9a-f]{32}$/),
      source: 'titan',
    });
    expect(parseEvent(JSON.parse(JSON.stringify(e)))).toEqual(e);
  });

  it('keeps a caller trace id and priority', () => {
    const e = createEvent(
      'fs.v1',
      'file.created',
      {},
      { priority: 'high', traceId: 'a'.repeat(32), source: 'watcher' },
    );
    expect(e.meta).toMatchObject({ priority: 'high', trace_id: 'a'.repeat(32), source: 'watcher' });
  });

  it.each([
    ['a bad topic', () => createEvent('chat.v2', 'x', {}), /topic must be one of/],
    ['a bad event type', () => createEvent('chat.v1', 'Bad Type', {}), /event_type must be dotted lowercase/],
    ['a bad priority', () => createEvent('chat.v1', 'x', {}, { priority: 'urgent' as 'high' }), /priority must be/],
    ['a payload that is not an object', () => createEvent('chat.v1', 'x', [1, 2]), /payload must be a JSON object/],
    ['a bad trace id', () => createEvent('chat.v1', 'x', {}, { traceId: 'xyz' }), /trace_id must be/],
  ])('refuses %s with InvalidEventError', (_what, make, message) => {
    expect(make).toThrow(InvalidEventError);
    expect(make).toThrow(message);
  });

  it('refuses an event over 32 KB with its size', () => {
    const make = () => createEvent('chat.v1', 'x', { blob: 'x'.repeat(MAX_EVENT_BYTES) });
    expect(make).toThrow(EventTooLargeError);
    expect(make).toThrow(/over the 32768-byte limit/);
    expect(() => createEvent('chat.v1', 'x', { blob: 'x'.repeat(MAX_EVENT_BYTES - 400) })).not.toThrow();
  });

  it('decodes raw stream data and names the problem of a poison entry', () => {
    expect(() => decodeEvent('{not json')).toThrow(/not JSON/);
    expect(() => decodeEvent('{"event_id":"x"}')).toThrow(InvalidEventError);
  });
});
