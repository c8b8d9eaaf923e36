// Vitest global setup: finds the real Redis, Postgres+pgvector and Neo4j started by tests/services/up.sh
// (or given by TITAN_TEST_*_URL) and hands their addresses to the tests. A missing service fails the run.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';

export interface TestServices {
  redis: { url: string };
  postgres: { url: string };
  neo4j: { url: string; user: string; password: string };
}

declare module 'vitest' {
  export interface ProvidedContext {
    services: TestServices;
  }
}

const STATE = join(import.meta.dirname, '..', 'services', '.state', 'services.json');

export default function setup(project: TestProject) {
  const state = existsSync(STATE) ? (JSON.parse(readFileSync(STATE, 'utf8')) as Partial<TestServices>) : {};
  const env = process.env;
  const services = {
    redis: env.TITAN_TEST_REDIS_URL ? { url: env.TITAN_TEST_REDIS_URL } : state.redis,
    postgres: env.TITAN_TEST_POSTGRES_URL ? { url: env.TITAN_TEST_POSTGRES_URL } : state.postgres,
    neo4j: env.TITAN_TEST_NEO4J_URL
      ? {
          url: env.TITAN_TEST_NEO4J_URL,
          user: env.TITAN_TEST_NEO4J_USER ?? 'neo4j',
          password: env.TITAN_TEST_NEO4J_PASSWORD ?? '',
        }
      : state.neo4j,
  };
  const missing = Object.entries(services)
    .filter(([, s]) => !s?.url)
    .map(([name]) => name);
  if (missing.length > 0) {
    throw new Error(
      `test services not running: ${missing.join(', ')}. Start them with "make services" (or set TITAN_TEST_${missing[0]?.toUpperCase()}_URL).`,
    );
  }
  project.provide('services', services as TestServices);
}
