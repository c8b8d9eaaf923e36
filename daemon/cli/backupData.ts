// Titan's data between two sets of engines, as named JSONL documents: its SQL tables (backupTables.ts) and the
// memories with their vectors and graph (memory/transfer.ts). Backup, restore and Run Local's migration share it.
import type { Driver } from 'neo4j-driver';
import { createEmbedder } from '../../memory/embedders/index.ts';
import { createGraphStore, DEFAULT_NAMESPACE } from '../../memory/graph/index.ts';
import { MemoryStore } from '../../memory/store.ts';
import { exportLines, type ImportReport, importLines } from '../../memory/transfer.ts';
import { ensureVectorTable } from '../../memory/vectors.ts';
import type { Settings } from '../config/schema.ts';
import type { Sql } from '../storage/sql.ts';
import { dataTables, insertRows, rowCounts, tableLines, truncate } from './backupTables.ts';

export interface DataEngines {
  sql: Sql;
  neo4j: Driver | null;
  settings: Settings;
}

/** Document name → JSONL text: `memory.jsonl` and `sql/<table>.jsonl`. */
export type DataSet = Map<string, string>;

export const MEMORY_DOC = 'memory.jsonl';
const tableDoc = (t: string) => `sql/${t}.jsonl`;

async function memoryOf(e: DataEngines) {
  const embedder = createEmbedder(e.settings, e.sql);
  const store = new MemoryStore(e.sql, embedder, await ensureVectorTable(e.sql, embedder.dimensions));
  const graph = createGraphStore({ sql: e.sql, neo4j: e.neo4j });
  await graph.init();
  return { store, graph };
}

export interface ExportSummary {
  tables: Record<string, number>;
  memories: number;
  entities: number;
  relations: number;
}

export async function exportData(src: DataEngines): Promise<{ data: DataSet; summary: ExportSummary }> {
  const data: DataSet = new Map();
  const summary: ExportSummary = { tables: {}, memories: 0, entities: 0, relations: 0 };
  const { store, graph } = await memoryOf(src);
  const lines: string[] = [];
  for await (const line of exportLines(store, graph)) {
    lines.push(line);
    const type = /^\{"type":"(\w+)"/.exec(line)?.[1];
    if (type === 'memory') summary.memories++;
    else if (type === 'entity') summary.entities++;
    else if (type === 'relation') summary.relations++;
  }
  data.set(MEMORY_DOC, `${lines.join('\n')}\n`);
  for (const t of await dataTables(src.sql)) {
    const rows: string[] = [];
    for await (const line of tableLines(src.sql, t)) rows.push(line);
    data.set(tableDoc(t), rows.length ? `${rows.join('\n')}\n` : '');
    summary.tables[t] = rows.length;
  }
  return { data, summary };
}

/** Conversations, messages, memories and the rest already in the target: a restore must not mix two histories. */
export async function existingData(dst: DataEngines): Promise<Record<string, number>> {
  await memoryOf(dst);
  const counts = await rowCounts(dst.sql, ['memories', ...(await dataTables(dst.sql))]);
  return Object.fromEntries(Object.entries(counts).filter(([, n]) => n > 0));
}

/** Empties the target: Titan's tables, its vectors and its graph (in Neo4j: only Titan's namespace). */
export async function wipeData(dst: DataEngines): Promise<void> {
  const { store } = await memoryOf(dst);
  const graphTables = dst.neo4j
    ? []
    : ['graph_contains', 'graph_mentions', 'graph_relations', 'graph_files', 'graph_memories', 'graph_entities'];
  await truncate(dst.sql, [...(await dataTables(dst.sql)), store.table, 'memories', ...graphTables]);
  await dst.neo4j?.executeQuery(
    'MATCH (n {ns: $ns}) DETACH DELETE n',
    { ns: DEFAULT_NAMESPACE },
    { database: 'neo4j' },
  );
}

export interface ImportSummary {
  tables: Record<string, number>;
  memory: ImportReport;
}

/** Writes a data set into the target: memories and graph first, then the tables in foreign-key order. */
export async function importData(dst: DataEngines, data: DataSet): Promise<ImportSummary> {
  const { store, graph } = await memoryOf(dst);
  const memoryText = data.get(MEMORY_DOC);
  if (memoryText === undefined) throw new Error(`the backup has no ${MEMORY_DOC}`);
  const memory = await importLines(store, graph, memoryText);
  const tables: Record<string, number> = {};
  const known = new Set(await dataTables(dst.sql));
  // Tables the target does not have (a newer Titan's) cannot be written; the caller reports them.
  for (const t of [...known]) {
    const text = data.get(tableDoc(t));
    if (text === undefined) continue;
    const rows = text
      .split('\n')
      .filter((l) => l.trim() !== '')
      .map((l) => JSON.parse(l) as unknown);
    tables[t] = await insertRows(dst.sql, t, rows);
  }
  return { tables, memory };
}

/** The tables in a data set that the target has no table for. */
export async function unknownTables(dst: DataEngines, data: DataSet): Promise<string[]> {
  const known = new Set(await dataTables(dst.sql));
  return [...data.keys()]
    .filter((k) => k.startsWith('sql/'))
    .map((k) => k.slice(4, -'.jsonl'.length))
    .filter((t) => !known.has(t));
}
