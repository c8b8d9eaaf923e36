// Where Run Local's compose file is, and its environment file in the data dir: passwords made once (mode 0600), the
// ports and names the compose file uses, and the service URLs Titan's settings get from them.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { assetDir } from '../assets.ts';
import type { Settings } from '../config/schema.ts';

/** TITAN_COMPOSE_DIR, else compose/ of this checkout or the copy the single executable unpacked (daemon/assets.ts). */
export function composeFile(env: NodeJS.ProcessEnv): string | null {
  const dirs = [env.TITAN_COMPOSE_DIR, assetDir('compose')];
  for (const d of dirs)
    if (d && existsSync(join(d, 'docker-compose.yml'))) return join(resolve(d), 'docker-compose.yml');
  return null;
}

export const envFileOf = (dataDir: string) => join(dataDir, 'runlocal', 'compose.env');

const PASSWORDS = ['REDIS_PASSWORD', 'POSTGRES_PASSWORD', 'NEO4J_PASSWORD', 'GRAFANA_PASSWORD'];

export function readEnvFile(file: string): Record<string, string> {
  if (!existsSync(file)) return {};
  const out: Record<string, string> = {};
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const m = /^\s*([A-Z0-9_]+)=(.*)$/.exec(line);
    if (m) out[m[1] as string] = (m[2] as string).trim();
  }
  return out;
}

/** The env file, with a random password added for each one missing (existing values are kept). */
export function ensureEnvFile(dataDir: string): { file: string; values: Record<string, string> } {
  const file = envFileOf(dataDir);
  const values = readEnvFile(file);
  const missing = PASSWORDS.filter((k) => !(k in values));
  if (missing.length || !existsSync(file)) {
    for (const k of missing) values[k] = randomBytes(18).toString('base64url');
    mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
    writeFileSync(
      file,
      `# Run Local's passwords and ports (docker compose --env-file); made by Titan, kept private.\n${Object.entries(
        values,
      )
        .map(([k, v]) => `${k}=${v}`)
        .join('\n')}\n`,
      { mode: 0o600 },
    );
  }
  return { file, values };
}

/** Titan's services block for the stack the env file describes (defaults = the compose file's). */
export function servicesFor(values: Record<string, string>): Settings['services'] {
  const pw = (k: string) => encodeURIComponent(values[k] ?? '');
  const redisAuth = values.REDIS_PASSWORD ? `:${pw('REDIS_PASSWORD')}@` : '';
  const pgUser = encodeURIComponent(values.POSTGRES_USER ?? 'titan');
  const pgDb = encodeURIComponent(values.POSTGRES_DB ?? 'titan');
  return {
    redis: { url: `redis://${redisAuth}127.0.0.1:${values.REDIS_PORT ?? '6379'}` },
    postgres: {
      url: `postgres://${pgUser}:${pw('POSTGRES_PASSWORD')}@127.0.0.1:${values.POSTGRES_PORT ?? '5432'}/${pgDb}`,
    },
    neo4j: {
      url: `bolt://127.0.0.1:${values.NEO4J_BOLT_PORT ?? '7687'}`,
      user: values.NEO4J_USER ?? 'neo4j',
      password: values.NEO4J_PASSWORD ?? '',
    },
  };
}
