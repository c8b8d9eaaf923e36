// The JSON Schema of the settings (GET /api/settings/schema) read for a generated form: which kind of field a key
// is, its variants when it may be one of several shapes or null, a default value to start a new entry with, and
// every key path the form shows (so the daemon's messages for other paths are listed apart).
export interface JsonSchema {
  type?: string;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  enum?: unknown[];
  minimum?: number;
  maximum?: number;
  minLength?: number;
  minItems?: number;
  pattern?: string;
}

export interface SchemaInfo {
  schema: JsonSchema;
  secret_paths: string[];
  restart_keys: string[];
}

export type Path = (string | number)[];
export const pathKey = (path: Path): string => path.join('.');

/** The shapes a value may take (nested anyOf flattened), and whether null is one of them. */
export function variantsOf(schema: JsonSchema): { nullable: boolean; variants: JsonSchema[] } {
  const flat: JsonSchema[] = [];
  const walk = (s: JsonSchema) => {
    if (s.anyOf) for (const x of s.anyOf) walk(x);
    else flat.push(s);
  };
  walk(schema);
  return { nullable: flat.some((s) => s.type === 'null'), variants: flat.filter((s) => s.type !== 'null') };
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Whether a value has the shape of a variant (objects: its required keys present and no foreign keys). */
export function fits(value: unknown, s: JsonSchema): boolean {
  if (s.enum) return s.enum.includes(value);
  switch (s.type) {
    case 'object':
      return (
        isObject(value) &&
        (s.required ?? []).every((k) => k in value) &&
        Object.keys(value).every((k) => k in (s.properties ?? {}))
      );
    case 'array':
      return Array.isArray(value);
    case 'integer':
    case 'number':
      return typeof value === 'number';
    case 'boolean':
      return typeof value === 'boolean';
    case 'string':
      return typeof value === 'string';
    default:
      return false;
  }
}

/** The variant a value is in now; the first when none fits (a half-edited value is still shown somewhere). */
export function variantFor(value: unknown, variants: JsonSchema[]): number {
  const i = variants.findIndex((s) => fits(value, s));
  return Math.max(i, 0);
}

/** A value to start with when a key is switched on or an entry added: the smallest valid-looking value. */
export function defaultFor(schema: JsonSchema): unknown {
  const { nullable, variants } = variantsOf(schema);
  const s = variants[0];
  if (!s) return null;
  if (nullable && schema.anyOf) return null;
  if (s.enum) return s.enum[0];
  switch (s.type) {
    case 'object':
      return Object.fromEntries(
        (s.required ?? []).map((k) => [k, defaultFor(s.properties?.[k] ?? {})] as [string, unknown]),
      );
    case 'array':
      return [];
    case 'boolean':
      return false;
    case 'integer':
    case 'number':
      return s.minimum ?? 0;
    default:
      return '';
  }
}

/** A short name for a variant: an object's required keys ("url", "sentinel"), else its type. */
export function variantLabel(s: JsonSchema): string {
  if (s.type === 'object') return (s.required ?? Object.keys(s.properties ?? {})).join(', ');
  return s.type ?? '?';
}

/** Every key path the form shows for this value, so messages for other paths can be listed apart. */
export function knownPaths(schema: JsonSchema, value: unknown, path: Path = [], out = new Set<string>()): Set<string> {
  out.add(pathKey(path));
  const { variants } = variantsOf(schema);
  const s = variants[variantFor(value, variants)];
  if (s?.type === 'object' && isObject(value)) {
    for (const [k, sub] of Object.entries(s.properties ?? {})) knownPaths(sub, value[k], [...path, k], out);
  } else if (s?.type === 'array' && Array.isArray(value) && s.items) {
    value.forEach((item, i) => {
      knownPaths(s.items as JsonSchema, item, [...path, i], out);
    });
  }
  return out;
}

export function getIn(obj: unknown, path: Path): unknown {
  let cur = obj;
  for (const k of path) cur = cur !== null && typeof cur === 'object' ? (cur as Record<string, unknown>)[k] : undefined;
  return cur;
}

/** Sets (or, for undefined, removes) the value at a path inside a mutable draft. */
export function setIn(obj: unknown, path: Path, value: unknown): void {
  const parent = getIn(obj, path.slice(0, -1)) as Record<string | number, unknown> | undefined;
  const last = path[path.length - 1];
  if (!parent || last === undefined) return;
  if (value === undefined && !Array.isArray(parent)) delete parent[last];
  else parent[last] = value;
}
