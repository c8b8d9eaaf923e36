// Keeps secrets out of API responses and logs: masks them on the way out, restores them when a masked value comes back.
import type { Settings } from './schema.ts';
import { SECRET_MAPS, SECRET_PATHS } from './schema.ts';

export const MASK = '********';

type Json = Record<string, unknown>;

function getPath(obj: unknown, path: string): unknown {
  return path.split('.').reduce<unknown>((o, k) => (o && typeof o === 'object' ? (o as Json)[k] : undefined), obj);
}

function setPath(obj: unknown, path: string, value: unknown): void {
  const keys = path.split('.');
  const last = keys.pop() as string;
  const parent = keys.reduce<unknown>((o, k) => (o && typeof o === 'object' ? (o as Json)[k] : undefined), obj);
  if (parent && typeof parent === 'object' && last in parent) (parent as Json)[last] = value;
}

/** Every URL in the settings that may carry a password (user:password@host): those passwords are secrets too. */
function urlPaths(s: unknown): string[] {
  return [
    'services.redis.url',
    'services.postgres.url',
    'services.neo4j.url',
    'model.base_url',
    'embeddings.base_url',
    'bus.snapshots.endpoint',
    'telemetry.otlp_endpoint',
    'update.api_url',
  ].filter((p) => typeof getPath(s, p) === 'string');
}

function maskUrlPassword(raw: string): string {
  try {
    const u = new URL(raw);
    if (!u.password) return raw;
    u.password = MASK;
    return u.toString();
  } catch {
    return raw;
  }
}

/** Each map of secrets in the settings (see SECRET_MAPS), with the name of the list entry that holds it. */
function secretMaps(s: unknown): { list: string; name: unknown; field: string; map: Json }[] {
  const out: { list: string; name: unknown; field: string; map: Json }[] = [];
  for (const { list, fields } of SECRET_MAPS) {
    const entries = getPath(s, list);
    if (!Array.isArray(entries)) continue;
    for (const entry of entries) {
      if (!entry || typeof entry !== 'object') continue;
      for (const field of fields) {
        const map = (entry as Json)[field];
        if (map && typeof map === 'object' && !Array.isArray(map)) {
          out.push({ list, name: (entry as Json).name, field, map: map as Json });
        }
      }
    }
  }
  return out;
}

/** A deep copy with every secret replaced by MASK (empty secrets stay empty so the UI can say "not set"). */
export function maskSettings(s: Settings): Settings {
  const out = structuredClone(s);
  for (const p of SECRET_PATHS) {
    const val = getPath(out, p);
    if (typeof val === 'string' && val !== '') setPath(out, p, MASK);
  }
  for (const p of urlPaths(out)) setPath(out, p, maskUrlPassword(getPath(out, p) as string));
  for (const { map } of secretMaps(out)) {
    for (const [k, val] of Object.entries(map)) if (typeof val === 'string' && val !== '') map[k] = MASK;
  }
  return out;
}

/** Puts the current secret back wherever the incoming settings still carry the mask. */
export function unmaskSettings(incoming: unknown, current: Settings): unknown {
  const out = structuredClone(incoming);
  for (const p of SECRET_PATHS) {
    if (getPath(out, p) === MASK) setPath(out, p, getPath(current, p));
  }
  for (const p of urlPaths(out)) {
    const raw = getPath(out, p) as string;
    const old = getPath(current, p);
    try {
      const u = new URL(raw);
      if (decodeURIComponent(u.password) === MASK && typeof old === 'string') {
        u.password = new URL(old).password;
        setPath(out, p, u.toString());
      }
    } catch {
      // not a URL: the schema will say so
    }
  }
  const kept = secretMaps(current);
  for (const { list, name, field, map } of secretMaps(out)) {
    const old = kept.find((m) => m.list === list && m.name === name && m.field === field)?.map;
    for (const [k, val] of Object.entries(map)) if (val === MASK && typeof old?.[k] === 'string') map[k] = old[k];
  }
  return out;
}

/** The literal secret strings, so log output can be scrubbed of them whatever field they hide in. */
export function secretValues(s: Settings): string[] {
  const values: string[] = [];
  for (const p of SECRET_PATHS) {
    const val = getPath(s, p);
    if (typeof val === 'string' && val.length >= 4) values.push(val);
  }
  for (const p of urlPaths(s)) {
    try {
      const pw = decodeURIComponent(new URL(getPath(s, p) as string).password);
      if (pw.length >= 4) values.push(pw);
    } catch {
      // ignore
    }
  }
  for (const { map } of secretMaps(s)) {
    for (const val of Object.values(map)) if (typeof val === 'string' && val.length >= 4) values.push(val);
  }
  return values;
}
