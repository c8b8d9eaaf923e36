// The Neo4j graph engine passes the GraphStore conformance suite on the real Neo4j 5, and creates its schema at init.
import { expect, inject, it } from 'vitest';
import { createNeo4j } from '../../daemon/storage/neo4jClient.ts';
import { type GraphHarness, runGraphConformance } from './graph.case.test.ts';
import { createNeo4jGraph } from './neo4jGraph.ts';

const { neo4j } = inject('services');

/** Stores on `ns` namespaces of the shared server; close detaches and deletes every node they made. */
async function harness(): Promise<GraphHarness> {
  const driver = createNeo4j(neo4j);
  const used: string[] = [];
  return {
    async store(namespace) {
      used.push(namespace);
      const g = createNeo4jGraph(driver, { namespace });
      await g.init();
      return g;
    },
    async close() {
      await driver.executeQuery('MATCH (n) WHERE n.ns IN $used DETACH DELETE n', { used }, { database: 'neo4j' });
      await driver.close();
    },
  };
}

runGraphConformance('neo4j', harness);

it('neo4j: init creates the uniqueness constraints, which then refuse a duplicate entity', async () => {
  const driver = createNeo4j(neo4j);
  const ns = `constraint_${Date.now().toString(36)}`;
  try {
    await createNeo4jGraph(driver, { namespace: ns }).init();
    const { records } = await driver.executeQuery(
      'SHOW CONSTRAINTS YIELD name, type, labelsOrTypes, properties RETURN name, type, labelsOrTypes, properties',
      {},
      { database: 'neo4j' },
    );
    const byName = new Map(records.map((r) => [r.get('name') as string, r.toObject()]));
    expect(byName.get('titan_entity_key')).toMatchObject({
      type: 'UNIQUENESS',
      labelsOrTypes: ['Entity'],
      properties: ['ns', 'key', 'type'],
    });
    expect(byName.get('titan_memory_id')).toMatchObject({ labelsOrTypes: ['Memory'], properties: ['ns', 'id'] });
    expect(byName.get('titan_file_path')).toMatchObject({ labelsOrTypes: ['File'], properties: ['ns', 'path'] });
    const create = 'CREATE (:Entity {ns: $ns, key: "dup", type: "t", name: "Dup"})';
    await driver.executeQuery(create, { ns }, { database: 'neo4j' });
    await expect(driver.executeQuery(create, { ns }, { database: 'neo4j' })).rejects.toThrow(/already exists/);
  } finally {
    await driver.executeQuery('MATCH (n {ns: $ns}) DETACH DELETE n', { ns }, { database: 'neo4j' });
    await driver.close();
  }
});
