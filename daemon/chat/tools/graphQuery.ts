// graph_query: what the knowledge graph knows around a named entity — related entities and how, the memories that
// mention them, the files they come from.
import * as v from 'valibot';
import { clip } from './args.ts';
import { defineTool, toolError } from './define.ts';

/** Nodes fetched per call and memories quoted: enough for an answer, small enough for the context. */
const NODE_LIMIT = 80;
const MEMORY_LIMIT = 20;

const schema = v.strictObject({
  entity: v.pipe(
    v.string('expected the entity name as a string'),
    v.trim(),
    v.minLength(1, 'expected a non-empty name'),
    v.maxLength(200, 'expected a name of at most 200 characters'),
    v.description('The name of a person, organisation, place, pet or thing, as the user says it: "Sarah", «Барсик».'),
  ),
  depth: v.optional(
    v.pipe(
      v.number('expected a number'),
      v.integer('expected a whole number'),
      v.minValue(1, 'expected at least 1'),
      v.maxValue(3, 'expected at most 3'),
      v.description('How many hops of relations to follow; default 1.'),
    ),
    1,
  ),
});

export const graphQuery = defineTool({
  name: 'graph_query',
  description:
    "Looks up an entity (person, organisation, place, pet, thing) in the user's knowledge graph: the entities related to it and how (works_at, knows, …), the memories that mention them and the files they come from.",
  schema,
  risk: 'read',
  async run({ entity, depth }, { memory }) {
    if (!memory.graph) {
      return toolError('graph_unavailable', 'no knowledge graph is running; use memory_search instead');
    }
    const sub = await memory.graph.subgraph({ entity }, depth, NODE_LIMIT);
    if (sub.nodes.length === 0) {
      return {
        entity,
        found: false,
        note: `the graph knows no entity named ${JSON.stringify(entity)}; try memory_search`,
      };
    }
    const names = new Map(sub.nodes.filter((n) => n.label === 'Entity').map((n) => [n.id, n.name ?? n.id]));
    const memoryIds = sub.nodes.filter((n) => n.label === 'Memory').map((n) => n.id.replace(/^memory:/, ''));
    const found = await memory.store.getMany(memoryIds.slice(0, MEMORY_LIMIT));
    const memories = [...found.values()]
      .filter((m) => m.valid_to === null)
      .map((m) => ({
        id: m.id,
        kind: m.kind,
        text: clip(m.text, 400),
        ...(m.source.path ? { path: m.source.path } : {}),
      }));
    return {
      entity,
      found: true,
      entities: sub.nodes.filter((n) => n.label === 'Entity').map((n) => ({ name: n.name, type: n.type })),
      relations: sub.edges
        .filter((e) => e.kind === 'RELATES')
        .map((e) => ({
          from: names.get(e.from) ?? e.from,
          type: e.type,
          to: names.get(e.to) ?? e.to,
          weight: e.weight,
        })),
      memories,
      files: sub.nodes.filter((n) => n.label === 'File').map((n) => n.path),
      ...(memoryIds.length > MEMORY_LIMIT ? { note: `showing ${MEMORY_LIMIT} of ${memoryIds.length} memories` } : {}),
    };
  },
});
