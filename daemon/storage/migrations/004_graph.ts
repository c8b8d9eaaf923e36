// 004: the SQL graph engine's tables — entities, memories, files and their MENTIONS, RELATES and CONTAINS edges.
// Every row carries `namespace`, so several graphs (tests, or tenants later) share one database without meeting.
export default {
  version: 4,
  name: 'graph',
  sql: `
CREATE TABLE IF NOT EXISTS graph_entities (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  namespace text NOT NULL,
  key text NOT NULL,
  type text NOT NULL,
  name text NOT NULL,
  UNIQUE (namespace, key, type)
);
CREATE INDEX IF NOT EXISTS graph_entities_key ON graph_entities (namespace, key);
CREATE TABLE IF NOT EXISTS graph_memories (
  namespace text NOT NULL,
  id text NOT NULL,
  PRIMARY KEY (namespace, id)
);
CREATE TABLE IF NOT EXISTS graph_files (
  namespace text NOT NULL,
  path text NOT NULL,
  PRIMARY KEY (namespace, path)
);
CREATE TABLE IF NOT EXISTS graph_mentions (
  namespace text NOT NULL,
  memory_id text NOT NULL,
  entity_id bigint NOT NULL REFERENCES graph_entities ON DELETE CASCADE,
  PRIMARY KEY (namespace, memory_id, entity_id),
  FOREIGN KEY (namespace, memory_id) REFERENCES graph_memories ON DELETE CASCADE
);
CREATE INDEX IF NOT EXISTS graph_mentions_entity ON graph_mentions (entity_id);
CREATE TABLE IF NOT EXISTS graph_relations (
  namespace text NOT NULL,
  from_id bigint NOT NULL REFERENCES graph_entities ON DELETE CASCADE,
  to_id bigint NOT NULL REFERENCES graph_entities ON DELETE CASCADE,
  type text NOT NULL,
  weight double precision NOT NULL,
  since timestamptz NOT NULL,
  PRIMARY KEY (from_id, to_id, type)
);
CREATE INDEX IF NOT EXISTS graph_relations_to ON graph_relations (to_id);
CREATE INDEX IF NOT EXISTS graph_relations_weight ON graph_relations (namespace, weight);
CREATE TABLE IF NOT EXISTS graph_contains (
  namespace text NOT NULL,
  path text NOT NULL,
  memory_id text NOT NULL,
  PRIMARY KEY (namespace, path, memory_id),
  FOREIGN KEY (namespace, path) REFERENCES graph_files ON DELETE CASCADE,
  FOREIGN KEY (namespace, memory_id) REFERENCES graph_memories ON DELETE CASCADE
);
CREATE INDEX IF NOT EXISTS graph_contains_memory ON graph_contains (namespace, memory_id);
`,
};
