// Replay by time range: pages through each priority stream of a topic with XRANGE and merges them in id order.
import { type BusEvent, decodeEvent, PRIORITIES, type Topic } from './event.ts';
import type { Keys } from './keys.ts';
import { compareIds, endOf, nextId, startOf } from './streamIds.ts';
import type { StreamEntry, Transport } from './transport.ts';

const PAGE = 500;

async function* pages(transport: Transport, stream: string, from: string, to: string): AsyncGenerator<StreamEntry> {
  let start = from;
  for (;;) {
    const batch = await transport.range(stream, start, to, PAGE);
    for (const e of batch) yield e;
    const last = batch.at(-1);
    if (batch.length < PAGE || !last) return;
    start = nextId(last.id);
  }
}

/** Entries with their id, oldest first, from `fromMs` to `toMs` inclusive (the server clock's milliseconds). */
export async function* replayEntries(
  transport: Transport,
  keys: Keys,
  topic: Topic,
  fromMs: number,
  toMs = Number.MAX_SAFE_INTEGER,
): AsyncGenerator<{ id: string; event: BusEvent }> {
  const iters = PRIORITIES.map((p) => pages(transport, keys.priority(topic, p), startOf(fromMs), endOf(toMs)));
  const heads = await Promise.all(iters.map((it) => it.next()));
  for (;;) {
    let best = -1;
    heads.forEach((h, i) => {
      if (h.done) return;
      const current = heads[best];
      if (best === -1 || (current && !current.done && compareIds(h.value.id, current.value.id) < 0)) best = i;
    });
    const head = heads[best];
    if (best === -1 || !head || head.done) return;
    const entry = head.value;
    heads[best] = await (iters[best] as AsyncGenerator<StreamEntry>).next();
    if (entry.data === null) continue;
    try {
      yield { id: entry.id, event: decodeEvent(entry.data) };
    } catch {
      // A poison entry is not an event; the processor sends it to the DLQ, replay passes over it.
    }
  }
}
