// The GraphStore conformance suite: every engine (Neo4j, SQL on PGlite and on Postgres) runs these cases via `runGraphConformance`.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GraphEntity, GraphRelation, GraphStore } from '../types.ts';
import { GraphInputError, raisedWeight } from './identity.ts';

/** What an engine's test file hands the suite: stores on fresh namespaces, and a close that drops them all. */
export interface GraphHarness {
  /** An initialised store whose namespace no other test uses. */
  store(namespace: string): Promise<GraphStore>;
  close(): Promise<void>;
}

type Export = Awaited<ReturnType<GraphStore['exportAll']>>;

const person = (name: string): GraphEntity => ({ name, type: 'person' });
const thing = (name: string): GraphEntity => ({ name, type: 'thing' });
const rel = (from: GraphEntity, to: GraphEntity, weight: number, since?: string, type = 'related'): GraphRelation => ({
  from,
  to,
  type,
  weight,
  since,
});

/** Export order is engine-defined; compare content. */
function sorted(x: Export) {
  const by =
    <T>(f: (v: T) => string) =>
    (a: T, b: T) =>
      f(a) < f(b) ? -1 : f(a) > f(b) ? 1 : 0;
  const ek = (e: GraphEntity) => `${e.type}\u0000${e.name}`;
  return {
    entities: [...x.entities].sort(by(ek)),
    relations: [...x.relations].sort(by((r: GraphRelation) => `${ek(r.from)}\u0001${ek(r.to)}\u0001${r.type}`)),
    mentions: [...x.mentions].sort(by((m: Export['mentions'][number]) => `${m.memoryId}\u0001${ek(m.entity)}`)),
    files: [...x.files].sort(by((f: Export['files'][number]) => `${f.path}\u0001${f.memoryId}`)),
  };
}

/** Loads an export into another store through the ordinary upserts (the backup-restore path). */
async function importAll(into: GraphStore, data: Export) {
  await into.upsertEntities(data.entities);
  await into.upsertRelations(data.relations);
  const mentions = new Map<string, GraphEntity[]>();
  for (const m of data.mentions) mentions.set(m.memoryId, [...(mentions.get(m.memoryId) ?? []), m.entity]);
  for (const [id, entities] of mentions) await into.linkMemory(id, entities);
  for (const f of data.files) await into.linkMemory(f.memoryId, [], f.path);
}

export function runGraphConformance(name: string, open: () => Promise<GraphHarness>) {
  describe(`GraphStore conformance: ${name}`, () => {
    let harness: GraphHarness;
    const run = `g${Date.now().toString(36)}${Math.floor(Math.random() * 1e6)}`;
    let n = 0;
    const fresh = () => harness.store(`${run}_${++n}`);

    beforeAll(async () => {
      harness = await open();
    });
    afterAll(async () => {
      await harness?.close();
    });

    it('upserts an entity once, whatever the case and spacing of its name, and keeps the first spelling', async () => {
      const g = await fresh();
      await g.init();
      await g.upsertEntities([person('Alice'), person('Alice')]);
      await g.upsertEntities([{ name: '  alice ', type: 'Person' }, person('ALICE')]);
      expect(await g.stats()).toEqual({ entities: 1, memories: 0, files: 0, relations: 0 });
      expect((await g.exportAll()).entities).toEqual([{ name: 'Alice', type: 'person' }]);
      await g.upsertEntities([thing('Alice')]);
      expect((await g.stats()).entities).toBe(2);
    });

    it('refuses entities without a name or type', async () => {
      const g = await fresh();
      await expect(g.upsertEntities([person('  ')])).rejects.toBeInstanceOf(GraphInputError);
      await expect(g.upsertEntities([{ name: 'x', type: '' }])).rejects.toBeInstanceOf(GraphInputError);
      expect((await g.stats()).entities).toBe(0);
    });

    it('raises a repeated relation’s weight up to 1 and keeps its first `since`', async () => {
      const g = await fresh();
      const first = '2025-01-02T03:04:05.000Z';
      await g.upsertRelations([rel(person('Alice'), thing('Acme'), 0.5, first, 'works_at')]);
      await g.upsertRelations([rel(person('alice'), thing('ACME'), 0.5, '2026-01-01T00:00:00.000Z', 'works_at')]);
      let [r] = (await g.exportAll()).relations;
      expect(r?.weight).toBeCloseTo(raisedWeight(0.5, 0.5), 9);
      expect(r?.weight).toBeGreaterThan(0.5);
      expect(r?.since).toBe(first);
      await g.upsertRelations([rel(person('Alice'), thing('Acme'), 0.9, undefined, 'works_at')]);
      [r] = (await g.exportAll()).relations;
      expect(r?.weight).toBeCloseTo(0.99, 9);
      await g.upsertRelations([rel(person('Alice'), thing('Acme'), 0.9, undefined, 'works_at')]);
      [r] = (await g.exportAll()).relations;
      expect(r?.weight).toBe(1);
      expect(r?.since).toBe(first);
      // Another type between the same two is another relation; a duplicate within one batch is one.
      await g.upsertRelations([
        rel(person('Alice'), thing('Acme'), 0.2, undefined, 'owns'),
        rel(person('Alice'), thing('Acme'), 0.2, undefined, 'owns'),
      ]);
      expect(await g.stats()).toEqual({ entities: 2, memories: 0, files: 0, relations: 2 });
      const owns = (await g.exportAll()).relations.find((x) => x.type === 'owns');
      expect(owns?.weight).toBeCloseTo(raisedWeight(0.2, 0.2), 9);
    });

    it('links a memory to its entities and file, idempotently, and removes it with its edges only', async () => {
      const g = await fresh();
      await g.linkMemory('m1', [person('Alice'), thing('Acme')], '/docs/a.txt');
      await g.linkMemory('m1', [person('alice')], '/docs/a.txt');
      expect(await g.stats()).toEqual({ entities: 2, memories: 1, files: 1, relations: 0 });
      const before = await g.exportAll();
      expect(sorted(before).mentions).toEqual([
        { memoryId: 'm1', entity: person('Alice') },
        { memoryId: 'm1', entity: thing('Acme') },
      ]);
      expect(before.files).toEqual([{ path: '/docs/a.txt', memoryId: 'm1' }]);
      expect(await g.memoriesAround(['ACME'], 0, 10)).toEqual(['m1']);
      await g.removeMemory('m1');
      await g.removeMemory('m1'); // removing twice is harmless
      const after = await g.exportAll();
      expect(after.mentions).toEqual([]);
      expect(after.files).toEqual([]);
      expect((await g.stats()).entities).toBe(2); // entities stay until gc finds them orphaned
      expect((await g.stats()).memories).toBe(0);
      expect(await g.memoriesAround(['Acme'], 0, 10)).toEqual([]);
    });

    it('finds memories within `depth` RELATES hops, either direction, nearest first, and no further', async () => {
      const g = await fresh();
      // A → B ← C → D → E → F: the C→B edge points backwards, so the walk must ignore direction.
      const [A, B, C, D, E, F] = [thing('A'), thing('B'), thing('C'), thing('D'), thing('E'), thing('F')];
      await g.upsertRelations([rel(A, B, 0.5), rel(C, B, 0.5), rel(C, D, 0.5), rel(D, E, 0.5), rel(E, F, 0.5)]);
      for (const e of [A, B, C, D, E, F]) await g.linkMemory(`m-${e.name}`, [e]);
      await g.linkMemory('z-unrelated', [thing('Elsewhere')]);
      expect(await g.memoriesAround(['a'], 0, 10)).toEqual(['m-A']);
      expect(await g.memoriesAround(['a'], 1, 10)).toEqual(['m-A', 'm-B']);
      expect(await g.memoriesAround(['a'], 2, 10)).toEqual(['m-A', 'm-B', 'm-C']);
      expect(await g.memoriesAround(['A'], 2, 2)).toEqual(['m-A', 'm-B']);
      // Depth is capped at 3: F (five hops away) stays out even when asked for more.
      expect(await g.memoriesAround(['A'], 10, 10)).toEqual(['m-A', 'm-B', 'm-C', 'm-D']);
      expect(await g.memoriesAround(['C'], 1, 10)).toEqual(['m-C', 'm-B', 'm-D']);
      expect(await g.memoriesAround(['nobody'], 3, 10)).toEqual([]);
      expect(await g.memoriesAround([], 3, 10)).toEqual([]);
    });

    it('returns the subgraph around an entity, nearest nodes first, within the node limit', async () => {
      const g = await fresh();
      const hub = thing('Hub');
      await g.upsertRelations(['n1', 'n2', 'n3', 'n4', 'n5'].map((x) => rel(hub, thing(x), 0.4, undefined, 'has')));
      await g.upsertRelations([rel(thing('n1'), thing('far'), 0.4)]);
      await g.linkMemory('m-hub', [hub]);
      const all = await g.subgraph({ entity: 'HUB' }, 1, 100);
      expect(all.nodes).toHaveLength(7); // hub, n1…n5, the memory; not "far"
      expect(all.nodes.find((x) => x.id === 'entity:thing:hub')).toEqual({
        id: 'entity:thing:hub',
        label: 'Entity',
        name: 'Hub',
        type: 'thing',
      });
      expect(all.edges.filter((e) => e.kind === 'RELATES')).toHaveLength(5);
      expect(all.edges.filter((e) => e.kind === 'MENTIONS')).toEqual([
        { from: 'memory:m-hub', to: 'entity:thing:hub', kind: 'MENTIONS' },
      ]);
      const rel1 = all.edges.find((e) => e.to === 'entity:thing:n1');
      expect(rel1).toMatchObject({ from: 'entity:thing:hub', kind: 'RELATES', type: 'has' });
      expect(rel1?.weight).toBeCloseTo(0.4, 9);
      const small = await g.subgraph({ entity: 'hub' }, 2, 3);
      expect(small.nodes.map((x) => x.id)).toEqual(['entity:thing:hub', 'entity:thing:n1', 'entity:thing:n2']);
      const ids = new Set(small.nodes.map((x) => x.id));
      expect(small.edges).toHaveLength(2);
      for (const e of small.edges) expect(ids.has(e.from) && ids.has(e.to)).toBe(true);
      expect((await g.subgraph({ entity: 'hub' }, 2, 100)).nodes.map((x) => x.id)).toContain('entity:thing:far');
      expect(await g.subgraph({ entity: 'nobody' }, 2, 100)).toEqual({ nodes: [], edges: [] });
    });

    it('returns the subgraph around a memory, through its file and its entities', async () => {
      const g = await fresh();
      await g.linkMemory('m1', [person('Alice')], 'C:\\notes\\a.md');
      await g.linkMemory('m2', [], 'C:\\notes\\a.md');
      await g.upsertRelations([rel(person('Alice'), person('Bob'), 0.7, undefined, 'knows')]);
      const one = await g.subgraph({ memoryId: 'm1' }, 1, 50);
      expect(one.nodes.map((x) => x.id).sort()).toEqual(['entity:person:alice', 'file:C:\\notes\\a.md', 'memory:m1']);
      expect(one.nodes.find((x) => x.label === 'File')).toEqual({
        id: 'file:C:\\notes\\a.md',
        label: 'File',
        path: 'C:\\notes\\a.md',
      });
      expect(one.edges.map((e) => e.kind).sort()).toEqual(['CONTAINS', 'MENTIONS']);
      expect(one.edges.find((e) => e.kind === 'CONTAINS')).toEqual({
        from: 'file:C:\\notes\\a.md',
        to: 'memory:m1',
        kind: 'CONTAINS',
      });
      const two = await g.subgraph({ memoryId: 'm1' }, 2, 50);
      expect(two.nodes.map((x) => x.id).sort()).toEqual([
        'entity:person:alice',
        'entity:person:bob',
        'file:C:\\notes\\a.md',
        'memory:m1',
        'memory:m2',
      ]);
      expect(two.edges).toHaveLength(4);
      expect((await g.subgraph({ memoryId: 'm1' }, 2, 1)).nodes).toEqual([{ id: 'memory:m1', label: 'Memory' }]);
      expect(await g.subgraph({ memoryId: 'missing' }, 2, 50)).toEqual({ nodes: [], edges: [] });
    });

    it('gc removes orphans, then the weakest edges while over the cap, and never a memory', async () => {
      const g = await fresh();
      await g.upsertEntities([thing('lonely')]);
      await g.linkMemory('m-gone', [], '/gone.txt');
      await g.removeMemory('m-gone'); // leaves an orphan file
      expect(await g.gc(1000)).toEqual({ orphansRemoved: 2, edgesRemoved: 0 });
      await g.linkMemory('m1', [thing('X')]);
      await g.upsertRelations([
        rel(thing('X'), thing('Y'), 0.9),
        rel(thing('Z'), thing('W'), 0.1),
        rel(thing('V'), thing('W'), 0.3),
      ]);
      expect(await g.stats()).toEqual({ entities: 5, memories: 1, files: 0, relations: 3 });
      // 6 nodes, cap 4: Z–W goes (Z orphaned), still 5 > 4, then V–W (V and W orphaned): 3 nodes.
      expect(await g.gc(4)).toEqual({ orphansRemoved: 3, edgesRemoved: 2 });
      expect(await g.stats()).toEqual({ entities: 2, memories: 1, files: 0, relations: 1 });
      expect((await g.exportAll()).relations.map((r) => r.to.name)).toEqual(['Y']);
      expect(await g.gc(4)).toEqual({ orphansRemoved: 0, edgesRemoved: 0 });
      // A cap below what memories need: every edge may go, the memory and what it mentions stay.
      await g.linkMemory('m2', []);
      expect(await g.gc(0)).toEqual({ orphansRemoved: 1, edgesRemoved: 1 });
      expect(await g.stats()).toEqual({ entities: 1, memories: 2, files: 0, relations: 0 });
      expect(await g.memoriesAround(['x'], 0, 10)).toEqual(['m1']);
    });

    it('exports everything and imports it into another namespace unchanged, without the two meeting', async () => {
      const a = await fresh();
      const b = await fresh();
      await a.upsertRelations([
        rel(person('Иван Петров'), thing('Москва'), 0.8, '2024-05-06T07:08:09.010Z', 'живёт_в'),
        rel(person('Alice'), person('Иван Петров'), 0.3, '2025-01-01T00:00:00.000Z', 'knows'),
      ]);
      await a.upsertEntities([thing('Standalone')]);
      await a.linkMemory('m1', [person('alice'), thing('москва')], '/docs/один.md');
      await a.linkMemory('m2', [person('Иван Петров')], '/docs/один.md');
      await a.linkMemory('m2', [], '/docs/two.md');
      const data = await a.exportAll();
      expect(await b.stats()).toEqual({ entities: 0, memories: 0, files: 0, relations: 0 });
      expect(await b.memoriesAround(['alice'], 1, 10)).toEqual([]);
      await importAll(b, data);
      expect(sorted(await b.exportAll())).toEqual(sorted(data));
      expect(await b.stats()).toEqual(await a.stats());
      expect(data.relations.find((r) => r.type === 'живёт_в')).toMatchObject({
        from: person('Иван Петров'),
        to: thing('Москва'),
        since: '2024-05-06T07:08:09.010Z',
      });
      // Removing from one namespace leaves the other alone.
      await a.removeMemory('m1');
      expect(await b.memoriesAround(['Alice'], 0, 10)).toEqual(['m1']);
    });

    it('matches Cyrillic names case-insensitively', async () => {
      const g = await fresh();
      await g.upsertEntities([thing('Москва'), thing('МОСКВА'), thing('ёлка')]);
      await g.linkMemory('m-ru', [thing('москва')]);
      await g.upsertRelations([rel(thing('Ёлка'), thing('Москва'), 0.5, undefined, 'растёт_в')]);
      expect((await g.stats()).entities).toBe(2);
      expect(await g.memoriesAround(['МоСкВа'], 0, 10)).toEqual(['m-ru']);
      expect(await g.memoriesAround(['ЁЛКА'], 1, 10)).toEqual(['m-ru']);
      expect((await g.subgraph({ entity: 'москва' }, 0, 10)).nodes).toEqual([
        { id: 'entity:thing:москва', label: 'Entity', name: 'Москва', type: 'thing' },
      ]);
    });

    it('stores quotes, backslashes and query syntax in names as plain text', async () => {
      const g = await fresh();
      const nasty = [
        `O'Brien "the \\ hacker"`,
        `'; DROP TABLE graph_entities; --`,
        `"}) MATCH (n) DETACH DELETE n //`,
        `\\'\\"$ns\`{\n\t}`,
      ].map(person);
      await g.upsertEntities(nasty);
      await g.linkMemory(`m'"\\1`, nasty, `C:\\it's "here"\\x.txt`);
      await g.upsertRelations([rel(nasty[0] as GraphEntity, nasty[1] as GraphEntity, 0.5, undefined, `a'b"c\\d`)]);
      expect(await g.stats()).toEqual({ entities: 4, memories: 1, files: 1, relations: 1 });
      const out = await g.exportAll();
      expect(sorted(out).entities).toEqual(sorted({ ...out, entities: nasty }).entities);
      expect(out.files).toEqual([{ path: `C:\\it's "here"\\x.txt`, memoryId: `m'"\\1` }]);
      expect(out.relations[0]?.type).toBe(`a'b"c\\d`);
      for (const e of nasty) expect(await g.memoriesAround([e.name.toUpperCase()], 0, 5)).toEqual([`m'"\\1`]);
      const sub = await g.subgraph({ memoryId: `m'"\\1` }, 1, 10);
      expect(sub.nodes).toHaveLength(6);
    });

    it('init is idempotent', async () => {
      const g = await fresh();
      await g.init();
      await g.init();
      await g.upsertEntities([person('x')]);
      expect((await g.stats()).entities).toBe(1);
    });
  });
}
