// What the `memory` group keeps from system.v1: an event whose payload carries a `memory` or `summary` text becomes
// one memory — a reflection's summary as kind "summary", anything else (a job's result) as kind "event".
import * as v from 'valibot';
import type { BusEvent } from '../bus/event.ts';
import type { NewMemory } from './record.ts';

const SystemPayload = v.looseObject({
  /** A statement the sender wants remembered as is; wins over `summary`. */
  memory: v.optional(v.string()),
  summary: v.optional(v.string()),
  /** 0–1; default 0.6 for a reflection's summary, 0.4 for other events. */
  importance: v.optional(v.pipe(v.number(), v.minValue(0), v.maxValue(1))),
});

/** The memory an event should become, or null when it carries nothing to keep (or its payload is malformed). */
export function systemMemory(event: BusEvent, maxTextChars: number): NewMemory | null {
  const p = v.safeParse(SystemPayload, event.payload);
  if (!p.success) return null;
  const text = (p.output.memory ?? p.output.summary)?.trim();
  if (!text) return null;
  const reflection = event.event_type.startsWith('reflection.');
  return {
    kind: reflection ? 'summary' : 'event',
    text: clip(text, maxTextChars),
    importance: p.output.importance ?? (reflection ? 0.6 : 0.4),
    source: { origin: 'system', message_id: event.event_id },
  };
}

/** A long summary keeps its beginning rather than failing the event into the dead-letter queue. */
function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = text.slice(0, max - 1);
  const space = cut.lastIndexOf(' ');
  return `${space > max * 0.8 ? cut.slice(0, space) : cut}…`;
}
