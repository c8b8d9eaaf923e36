// The Transport conformance suite: both engines (Redis Streams, embedded Sql) run exactly these cases.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compareIds } from './streamIds.ts';
import type { StreamEntry, Transport } from './transport.ts';

export interface OpenedTransport {
  transport: Transport;
  /** Deletes what a run wrote (its streams with their groups, its markOnce keys) and closes what `open` opened. */
  cleanup: (written: { streams: string[]; keys: string[] }) => Promise<void>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const idsOf = (entries: { id: string }[]) => entries.map((e) => e.id);

export function runTransportConformance(name: string, open: () => Promise<OpenedTransport>) {
  describe(`Transport conformance: ${name}`, () => {
    let opened: OpenedTransport;
    let t: Transport;
    // Each run names its own streams, all under one hash tag so multi-stream reads stay in one Cluster slot.
    const run = `${Date.now().toString(36)}${Math.floor(Math.random() * 1e6)}`;
    const streams: string[] = [];
    const keys: string[] = [];
    const stream = () => {
      const s = `conf:{${run}}:s${streams.length}`;
      streams.push(s);
      return s;
    };
    const key = () => {
      const k = `conf:{${run}}:once:${keys.length}`;
      keys.push(k);
      return k;
    };

    const fill = async (s: string, n: number, prefix = 'm') => {
      const ids: string[] = [];
      for (let i = 0; i < n; i++) ids.push(await t.append(s, `${prefix}${i}`, 10_000));
      return ids;
    };
    const read = (group: string, consumer: string, s: string, count: number, from: '>' | '0' = '>', blockMs = 0) =>
      t.readGroup(group, consumer, [{ stream: s, count }], from, blockMs);
    const gone = (s: string, ids: string[]): StreamEntry[] => ids.map((id) => ({ stream: s, id, data: null }));

    beforeAll(async () => {
      opened = await open();
      t = opened.transport;
    });
    afterAll(async () => {
      await t.close();
      await opened.cleanup({ streams, keys });
    });

    it('append returns increasing ids and range returns them in order with their data', async () => {
      const s = stream();
      const written = await fill(s, 5);
      for (const id of written) expect(id).toMatch(/^\d+-\d+$/);
      for (let i = 1; i < written.length; i++)
        expect(compareIds(written[i - 1] ?? '', written[i] ?? '')).toBeLessThan(0);
      expect(await t.range(s, '-', '+', 100)).toEqual(written.map((id, i) => ({ stream: s, id, data: `m${i}` })));
      expect(idsOf(await t.range(s, written[1] ?? '', written[3] ?? '', 100))).toEqual(written.slice(1, 4));
      expect(idsOf(await t.range(s, `(${written[1]}`, '+', 100))).toEqual(written.slice(2));
      expect(idsOf(await t.range(s, '-', '+', 2))).toEqual(written.slice(0, 2));
    });

    it('append with an explicit id keeps it, refuses one not above the top, and later ids continue above it', async () => {
      const s = stream();
      // Far in the future, so the store's clock cannot have passed it: the next automatic id must follow it.
      const future = `${Date.now() + 3_600_000}-5`;
      expect(await t.append(s, 'restored', 100, '1000-1')).toBe('1000-1');
      expect(await t.append(s, 'restored2', 100, future)).toBe(future);
      for (const tooSmall of [future, '1000-2', '0-0']) {
        await expect(t.append(s, 'no', 100, tooSmall)).rejects.toMatchObject({
          code: 'id_too_small',
          message: expect.stringMatching(/equal or smaller than the target stream top item|greater than 0-0/),
        });
      }
      const next = await t.append(s, 'live', 100);
      expect(compareIds(next, future)).toBeGreaterThan(0);
      expect(await t.range(s, '-', '+', 10)).toEqual([
        { stream: s, id: '1000-1', data: 'restored' },
        { stream: s, id: future, data: 'restored2' },
        { stream: s, id: next, data: 'live' },
      ]);
      expect(await t.length(s)).toBe(3);

      const fresh = stream();
      await expect(t.append(fresh, 'zero', 100, '0-0')).rejects.toMatchObject({ code: 'id_too_small' });
      expect(await t.length(fresh)).toBe(0);
    });

    it('ensureGroup "$" sees only new entries, "0" the whole history, and a second call changes nothing', async () => {
      const s = stream();
      const history = await fill(s, 2);
      await t.ensureGroup(s, 'new', '$');
      await t.ensureGroup(s, 'all', '0');
      const late = await fill(s, 1, 'late');
      expect(idsOf(await read('new', 'c', s, 10))).toEqual(late);
      expect(idsOf(await read('all', 'c', s, 10))).toEqual([...history, ...late]);
      await t.ensureGroup(s, 'all', '0');
      await t.ensureGroup(s, 'new', '$');
      expect(await read('all', 'c', s, 10)).toEqual([]);
      expect(await t.pendingCount(s, 'all')).toBe(3);

      const fresh = stream();
      await t.ensureGroup(fresh, 'g', '$');
      expect(await t.length(fresh)).toBe(0);
      const first = await fill(fresh, 1);
      expect(idsOf(await read('g', 'c', fresh, 10))).toEqual(first);
    });

    it('every group command but ack fails with NOGROUP on a group that does not exist', async () => {
      const s = stream();
      await fill(s, 1);
      await expect(read('missing', 'c', s, 10)).rejects.toThrow(/NOGROUP/);
      await expect(read('missing', 'c', stream(), 10)).rejects.toThrow(/NOGROUP/);
      await expect(read('missing', 'c', s, 10, '0')).rejects.toThrow(/NOGROUP/);
      await expect(t.pending(s, 'missing', 0, 10)).rejects.toThrow(/NOGROUP/);
      await expect(t.pendingCount(s, 'missing')).rejects.toThrow(/NOGROUP/);
      await expect(t.claim(s, 'missing', 'c', 0, ['1-0'])).rejects.toThrow(/NOGROUP/);
      await expect(t.autoClaim(s, 'missing', 'c', 0, 10)).rejects.toThrow(/NOGROUP/);
      expect(await t.ack(s, 'missing', ['1-0'])).toBe(0);
    });

    it('readGroup ">" delivers each entry to exactly one of two consumers of a group', async () => {
      const s = stream();
      await t.ensureGroup(s, 'g', '0');
      const written = await fill(s, 20);
      const seen: string[] = [];
      for (let round = 0; round < 20; round++) {
        const [a, b] = await Promise.all([read('g', 'c1', s, 3), read('g', 'c2', s, 3)]);
        seen.push(...idsOf(a), ...idsOf(b));
        if (a.length + b.length === 0) break;
      }
      expect([...seen].sort(compareIds)).toEqual(written);
      const owners = new Set((await t.pending(s, 'g', 0, 100)).map((p) => p.consumer));
      expect(owners).toEqual(new Set(['c1', 'c2']));
    });

    it('two groups each get every entry, with independent offsets and pending lists', async () => {
      const s = stream();
      await t.ensureGroup(s, 'g1', '0');
      await t.ensureGroup(s, 'g2', '0');
      const written = await fill(s, 5);
      const a = await read('g1', 'c', s, 3);
      const b = await read('g2', 'c', s, 10);
      const a2 = await read('g1', 'c', s, 10);
      expect(idsOf([...a, ...a2])).toEqual(written);
      expect(idsOf(b)).toEqual(written);
      expect(await t.ack(s, 'g1', idsOf(a))).toBe(3);
      expect(await t.pendingCount(s, 'g1')).toBe(2);
      expect(await t.pendingCount(s, 'g2')).toBe(5);
    });

    it('weighted reads take at most each stream its own count, in the order given', async () => {
      const [hi, mid, lo] = [stream(), stream(), stream()] as const;
      for (const s of [hi, mid, lo]) {
        await t.ensureGroup(s, 'g', '0');
        await fill(s, 10);
      }
      const weights = (h: number, m: number, l: number) => [
        { stream: hi, count: h },
        { stream: mid, count: m },
        { stream: lo, count: l },
      ];
      const first = await t.readGroup('g', 'c', weights(5, 2, 1), '>', 0);
      expect(first.map((e) => e.stream)).toEqual([...Array(5).fill(hi), mid, mid, lo]);
      expect(first.map((e) => e.data)).toEqual(['m0', 'm1', 'm2', 'm3', 'm4', 'm0', 'm1', 'm0']);
      // A stream that runs dry gives nothing more; the others still get only their own share.
      const second = await t.readGroup('g', 'c', weights(20, 2, 1), '>', 1000);
      expect(second.map((e) => e.stream)).toEqual([...Array(5).fill(hi), mid, mid, lo]);
    });

    it('readGroup "0" returns the own pending entries after a crash, and nothing once they are acked', async () => {
      const s = stream();
      await t.ensureGroup(s, 'g', '0');
      const written = await fill(s, 3);
      const first = await read('g', 'c1', s, 2);
      // The consumer "crashes" without acking and, restarted, asks for its own pending entries first.
      const again = await read('g', 'c1', s, 10, '0');
      expect(again).toEqual(first);
      expect(await read('g', 'c2', s, 10, '0')).toEqual([]);
      expect((await t.pending(s, 'g', 0, 10)).map((p) => p.deliveries)).toEqual([2, 2]);
      expect(await t.ack(s, 'g', idsOf(again))).toBe(2);
      expect(await t.ack(s, 'g', idsOf(again))).toBe(0);
      expect(await read('g', 'c1', s, 10, '0')).toEqual([]);
      expect(idsOf(await read('g', 'c1', s, 10))).toEqual(written.slice(2));
    });

    it('a blocking read returns as soon as an entry is appended, and [] when the block time passes', async () => {
      const [s, other] = [stream(), stream()];
      await t.ensureGroup(s, 'g', '$');
      await t.ensureGroup(other, 'g', '$');
      const started = Date.now();
      const reading = t.readGroup('g', 'c', [{ stream: s, count: 10 }], '>', 5000);
      await sleep(150);
      const id = await t.append(s, 'wake', 1000);
      expect(await reading).toEqual([{ stream: s, id, data: 'wake' }]);
      expect(Date.now() - started).toBeLessThan(2500);

      const both = [
        { stream: s, count: 5 },
        { stream: other, count: 5 },
      ];
      const readingBoth = t.readGroup('g', 'c', both, '>', 5000);
      await sleep(100);
      const otherId = await t.append(other, 'second', 1000);
      expect(await readingBoth).toEqual([{ stream: other, id: otherId, data: 'second' }]);

      const quiet = Date.now();
      expect(await t.readGroup('g', 'c', both, '>', 300)).toEqual([]);
      expect(Date.now() - quiet).toBeGreaterThanOrEqual(280);
      expect(Date.now() - quiet).toBeLessThan(2000);
    });

    it('pending lists entries with their consumer, delivery count and idle time, filtered by idle', async () => {
      const s = stream();
      await t.ensureGroup(s, 'g', '0');
      const written = await fill(s, 2);
      await read('g', 'c1', s, 10);
      const all = await t.pending(s, 'g', 0, 10);
      expect(all.map(({ id, consumer, deliveries }) => ({ id, consumer, deliveries }))).toEqual(
        written.map((id) => ({ id, consumer: 'c1', deliveries: 1 })),
      );
      expect(await t.pending(s, 'g', 60_000, 10)).toEqual([]);
      expect(await t.pending(s, 'g', 0, 1)).toHaveLength(1);
      await sleep(150);
      const idle = await t.pending(s, 'g', 100, 10);
      expect(idsOf(idle)).toEqual(written);
      for (const p of idle) expect(p.idleMs).toBeGreaterThanOrEqual(100);
    });

    it('claim moves ownership and counts a delivery, but only of entries idle long enough', async () => {
      const s = stream();
      await t.ensureGroup(s, 'g', '0');
      const [a = '', b = ''] = await fill(s, 2);
      await read('g', 'c1', s, 10);
      expect(await t.claim(s, 'g', 'c2', 60_000, [a])).toEqual([]);
      expect(await t.claim(s, 'g', 'c2', 0, [a])).toEqual([{ stream: s, id: a, data: 'm0' }]);
      const pending = await t.pending(s, 'g', 0, 10);
      expect(pending.map(({ id, consumer, deliveries }) => ({ id, consumer, deliveries }))).toEqual([
        { id: a, consumer: 'c2', deliveries: 2 },
        { id: b, consumer: 'c1', deliveries: 1 },
      ]);
      expect(idsOf(await read('g', 'c2', s, 10, '0'))).toEqual([a]);
      expect(idsOf(await read('g', 'c1', s, 10, '0'))).toEqual([b]);
      await t.ack(s, 'g', [a]);
      expect(await t.claim(s, 'g', 'c3', 0, [a])).toEqual([]);
    });

    it('autoClaim takes over the entries of a dead consumer after minIdle, and not before', async () => {
      const s = stream();
      await t.ensureGroup(s, 'g', '0');
      const written = await fill(s, 3);
      await read('g', 'dead', s, 10);
      expect(await t.autoClaim(s, 'g', 'alive', 400, 10)).toEqual([]);
      await sleep(450);
      const first = await t.autoClaim(s, 'g', 'alive', 400, 2);
      expect(first).toEqual(written.slice(0, 2).map((id, i) => ({ stream: s, id, data: `m${i}` })));
      expect(idsOf(await t.autoClaim(s, 'g', 'alive', 400, 10))).toEqual(written.slice(2));
      const pending = await t.pending(s, 'g', 0, 10);
      expect(pending.map(({ consumer, deliveries }) => ({ consumer, deliveries }))).toEqual(
        Array(3).fill({ consumer: 'alive', deliveries: 2 }),
      );
      // Just claimed, so no longer idle: nobody else takes them.
      expect(await t.autoClaim(s, 'g', 'other', 400, 10)).toEqual([]);
    });

    it('an entry trimmed while pending comes back with data null from every read, and acking it clears it', async () => {
      const s = stream();
      await t.ensureGroup(s, 'g', '0');
      const early = await fill(s, 3);
      await read('g', 'c1', s, 10);
      // Redis's "~" trims whole radix-tree nodes (100 entries by default): push well past one node.
      for (let i = 0; i < 250; i++) await t.append(s, `x${i}`, 10);
      const [oldest] = await t.range(s, '-', '+', 1);
      expect(compareIds(oldest?.id ?? '0-0', early[2] ?? '')).toBeGreaterThan(0);

      expect(await read('g', 'c1', s, 10, '0')).toEqual(gone(s, early));
      expect(await t.claim(s, 'g', 'c2', 0, early.slice(0, 1))).toEqual(gone(s, early.slice(0, 1)));
      expect(await t.autoClaim(s, 'g', 'c3', 0, 10)).toEqual(gone(s, early.slice(1)));
      await t.ack(s, 'g', early);
      expect(await t.pendingCount(s, 'g')).toBe(0);
      expect(await read('g', 'c1', s, 10, '0')).toEqual([]);
    });

    it('maxlen keeps the length near the cap while new ids are still written', async () => {
      const s = stream();
      const maxlen = 20;
      let last = '';
      for (let i = 0; i < 300; i++) last = await t.append(s, `n${i}`, maxlen);
      const length = await t.length(s);
      expect(length).toBeGreaterThanOrEqual(maxlen);
      // Redis keeps up to one radix-tree node (100 entries) over the cap; the embedded transport 10 %.
      expect(length).toBeLessThanOrEqual(maxlen + 100);
      const kept = await t.range(s, '-', '+', 1000);
      expect(kept).toHaveLength(length);
      expect(kept.at(-1)).toEqual({ stream: s, id: last, data: 'n299' });
      expect(kept[0]?.data).not.toBe('n0');
    });

    it('remove deletes entries by id and length counts what is left', async () => {
      const s = stream();
      expect(await t.length(s)).toBe(0);
      const [a = '', b = '', c = ''] = await fill(s, 3);
      expect(await t.length(s)).toBe(3);
      expect(await t.remove(s, [b])).toBe(1);
      expect(await t.remove(s, [b])).toBe(0);
      expect(idsOf(await t.range(s, '-', '+', 10))).toEqual([a, c]);
      expect(await t.length(s)).toBe(2);
      expect(await t.remove(s, [a, c])).toBe(2);
      expect(await t.length(s)).toBe(0);
    });

    it('pendingCount follows reads and acks', async () => {
      const s = stream();
      await t.ensureGroup(s, 'g', '0');
      await fill(s, 3);
      expect(await t.pendingCount(s, 'g')).toBe(0);
      const got = await read('g', 'c', s, 10);
      expect(await t.pendingCount(s, 'g')).toBe(3);
      expect(await t.ack(s, 'g', idsOf(got).slice(0, 1))).toBe(1);
      expect(await t.ack(s, 'g', [])).toBe(0);
      expect(await t.pendingCount(s, 'g')).toBe(2);
    });

    it('markOnce is true the first time, false within the TTL, and true again after it', async () => {
      const [k, other] = [key(), key()];
      expect(await t.markOnce(k, 250)).toBe(true);
      expect(await t.markOnce(k, 250)).toBe(false);
      expect(await t.markOnce(other, 250)).toBe(true);
      await sleep(350);
      expect(await t.markOnce(k, 250)).toBe(true);
      expect(await t.markOnce(k, 250)).toBe(false);
    });

    it('unmark forgets a markOnce key at once, so a failed handler may run again', async () => {
      const k = key();
      expect(await t.markOnce(k, 60_000)).toBe(true);
      await t.unmark(k);
      expect(await t.markOnce(k, 60_000)).toBe(true);
      expect(await t.markOnce(k, 60_000)).toBe(false);
      await t.unmark(key());
    });

    it('close() ends a blocked read promptly with []', async () => {
      const second = await open();
      const s = stream();
      await second.transport.ensureGroup(s, 'g', '$');
      const started = Date.now();
      const reading = second.transport.readGroup('g', 'c', [{ stream: s, count: 1 }], '>', 10_000);
      await sleep(150);
      await second.transport.close();
      expect(await reading).toEqual([]);
      expect(Date.now() - started).toBeLessThan(2000);
      expect(await second.transport.readGroup('g', 'c', [{ stream: s, count: 1 }], '>', 10_000)).toEqual([]);
      await second.cleanup({ streams: [], keys: [] });
    });
  });
}
