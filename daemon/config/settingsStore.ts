// Loads, validates and saves the user's settings: config.json defaults merged with <data>/settings.json, env overrides on top.
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as v from 'valibot';
import defaults from '../../config.json' with { type: 'json' };
import { describeIssues, SettingsError } from './errors.ts';
import { dataDir } from './paths.ts';
import { RESTART_KEYS, type Settings, SettingsSchema } from './schema.ts';
import { secretValues, unmaskSettings } from './secrets.ts';

type Json = Record<string, unknown>;
type Listener = (next: Settings, prev: Settings) => void;

const isPlainObject = (x: unknown): x is Json => typeof x === 'object' && x !== null && !Array.isArray(x);

/** Objects merge key by key; arrays and scalars from `over` replace those of `base`. */
export function deepMerge(base: unknown, over: unknown): unknown {
  if (!isPlainObject(base) || !isPlainObject(over)) return over === undefined ? base : over;
  const out: Json = { ...base };
  for (const [k, val] of Object.entries(over)) out[k] = deepMerge(base[k], val);
  return out;
}

/** `known`: secrets besides the input's own (the current ones) that a problem line must not repeat. */
export function validateSettings(input: unknown, source: string, known: readonly string[] = []): Settings {
  const result = v.safeParse(SettingsSchema, input);
  if (!result.success) {
    const secrets = [...known, ...secretValues(input as Settings)].sort((a, b) => b.length - a.length);
    throw new SettingsError(source, describeIssues(result.issues, secrets));
  }
  return result.output;
}

function applyEnv(s: Settings, env: NodeJS.ProcessEnv, source: string): Settings {
  if (env.TITAN_PORT === undefined) return s;
  const port = Number(env.TITAN_PORT);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new SettingsError(source, [
      `TITAN_PORT: expected a whole number from 0 to 65535 (got ${JSON.stringify(env.TITAN_PORT)})`,
    ]);
  }
  return { ...s, server: { ...s.server, port } };
}

function writePrivate(file: string, data: unknown): void {
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(data, null, 2)}\n`, { mode: 0o600 });
  renameSync(tmp, file);
}

function readUserFile(file: string): unknown {
  const raw = readFileSync(file, 'utf8');
  try {
    return JSON.parse(raw);
  } catch (err) {
    throw new SettingsError(file, [`the file is not valid JSON: ${(err as Error).message}`]);
  }
}

export class SettingsStore {
  readonly dir: string;
  readonly file: string;
  private fileSettings: Settings;
  private effective: Settings;
  private listeners: Listener[] = [];
  private readonly env: NodeJS.ProcessEnv;

  constructor(env: NodeJS.ProcessEnv = process.env) {
    this.env = env;
    this.dir = dataDir(env);
    this.file = join(this.dir, 'settings.json');
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    if (!existsSync(this.file)) writePrivate(this.file, defaults);
    else if ((statSync(this.file).mode & 0o077) !== 0 && process.platform !== 'win32') chmodSync(this.file, 0o600);
    this.fileSettings = validateSettings(deepMerge(defaults, readUserFile(this.file)), this.file);
    this.effective = applyEnv(this.fileSettings, env, this.file);
  }

  get(): Settings {
    return this.effective;
  }

  /** Replaces the settings (masked secrets keep their value); returns the top-level keys that need a restart. */
  update(incoming: unknown): { settings: Settings; restartRequired: string[] } {
    let next = validateSettings(unmaskSettings(incoming, this.fileSettings), 'settings', secretValues(this.effective));
    // GET shows the TITAN_PORT override as server.port; sending it back must not write the override into the file.
    if (this.env.TITAN_PORT !== undefined && next.server.port === this.effective.server.port) {
      next = { ...next, server: { ...next.server, port: this.fileSettings.server.port } };
    }
    const prev = this.effective;
    writePrivate(this.file, next);
    this.fileSettings = next;
    this.effective = applyEnv(next, this.env, this.file);
    const at = (o: unknown, path: string) =>
      path.split('.').reduce<unknown>((x, k) => (x && typeof x === 'object' ? (x as Json)[k] : undefined), o);
    const restartRequired = RESTART_KEYS.filter(
      (k) => JSON.stringify(at(prev, k)) !== JSON.stringify(at(this.effective, k)),
    );
    for (const l of this.listeners) l(this.effective, prev);
    return { settings: this.effective, restartRequired };
  }

  /** Re-reads the file (SIGHUP): a valid file takes effect at once; an invalid one throws and changes nothing. */
  reload(): Settings {
    const next = validateSettings(deepMerge(defaults, readUserFile(this.file)), this.file);
    const prev = this.effective;
    this.fileSettings = next;
    this.effective = applyEnv(next, this.env, this.file);
    for (const l of this.listeners) l(this.effective, prev);
    return this.effective;
  }

  onChange(listener: Listener): () => void {
    this.listeners.push(listener);
    return () => {
      this.listeners = this.listeners.filter((l) => l !== listener);
    };
  }
}
