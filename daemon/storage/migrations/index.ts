// The ordered list of schema migrations; each runs once, in its own transaction, on both Sql engines.
import core from './001_core.ts';
import bus from './002_bus.ts';
import embeddingCache from './003_embedding_cache.ts';
import graph from './004_graph.ts';
import memories from './005_memories.ts';
import fileIndex from './006_file_index.ts';
import chat from './007_chat.ts';
import ginFastupdate from './008_gin_fastupdate.ts';
import scheduler from './009_scheduler.ts';
import goals from './010_goals.ts';
import notifications from './011_notifications.ts';

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export const migrations: Migration[] = [
  core,
  bus,
  embeddingCache,
  graph,
  memories,
  fileIndex,
  chat,
  ginFastupdate,
  scheduler,
  goals,
  notifications,
];
