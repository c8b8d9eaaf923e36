// createGraphStore picks the engine from what the engines hold: Neo4j when a driver is given, else the Sql tables.
import type { Driver } from 'neo4j-driver';
import { expect, it } from 'vitest';
import type { Sql } from '../../daemon/storage/sql.ts';
import { createGraphStore } from './index.ts';

it('createGraphStore: Neo4j when a driver is given, else Sql', () => {
  const sql = {} as Sql;
  expect(createGraphStore({ sql, neo4j: null }).engine).toBe('sql');
  expect(createGraphStore({ sql, neo4j: {} as Driver }).engine).toBe('neo4j');
});
