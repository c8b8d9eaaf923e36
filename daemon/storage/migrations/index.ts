// The ordered list of schema migrations; each runs once, in its own transaction, on both Sql engines.
import core from './001_core.ts';
import bus from './002_bus.ts';

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export const migrations: Migration[] = [core, bus];
