// Vitest global setup: finds the real Redis, Postgres+pgvector, Neo4j and S3 (moto) started by tests/services/up.sh
// (or given by TITAN_TEST_*_URL) and hands their addresses to the tests. A missing service fails the run.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';

export interface TestServices {
  redis: { url: string };
  postgres: { url: string };
  neo4j: { url: string; user: string; password: string };
  /** An S3-compatible server with IAM auth on: only this access key is accepted. */
  s3: { url: string; region: string; accessKeyId: string; secretAccessKey: string };
}

interface S3State {
  url: string;
  region?: string;
  access_key_id?: string;
  secret_access_key?: string;
}

declare module 'vitest' {
  export interface ProvidedContext {
    services: TestServices;
  }
}

const STATE = join(import.meta.dirname, '..', 'services', '.state', 'services.json');

/** The S3 entry in the tests' terms; credentials from TITAN_TEST_S3_* override the state file's. */
function s3Of(s: S3State | undefined, env: NodeJS.ProcessEnv): TestServices['s3'] | undefined {
  if (!s?.url) return undefined;
  return {
    url: s.url,
    region: env.TITAN_TEST_S3_REGION ?? s.region ?? 'us-east-1',
    accessKeyId: env.TITAN_TEST_S3_ACCESS_KEY_ID ?? s.access_key_id ?? '',
    secretAccessKey: env.TITAN_TEST_S3_SECRET_ACCESS_KEY ?? s.secret_access_key ?? '',
  };
}

export default function setup(project: TestProject) {
  const state = existsSync(STATE)
    ? (JSON.parse(readFileSync(STATE, 'utf8')) as Partial<Omit<TestServices, 's3'> & { s3: S3State }>)
    : {};
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
    s3: s3Of(env.TITAN_TEST_S3_URL ? { url: env.TITAN_TEST_S3_URL } : state.s3, env),
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
