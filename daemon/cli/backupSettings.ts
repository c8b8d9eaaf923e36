// The settings in a backup: secrets masked out (API key, passwords, S3 secret, URL passwords); on restore the
// target keeps its own secrets, its server address and its services, and takes everything else from the backup.
import defaults from '../../config.json' with { type: 'json' };
import { SECRET_PATHS, type Settings } from '../config/schema.ts';
import { MASK, maskSettings, unmaskSettings } from '../config/secrets.ts';
import { deepMerge, validateSettings } from '../config/settingsStore.ts';

export function settingsForBackup(s: Settings): Settings {
  return maskSettings(s);
}

type Json = Record<string, unknown>;

function blankMasks(s: Json): void {
  for (const path of SECRET_PATHS) {
    const keys = path.split('.');
    const last = keys.pop() as string;
    const parent = keys.reduce<unknown>((o, k) => (o && typeof o === 'object' ? (o as Json)[k] : undefined), s);
    if (parent && typeof parent === 'object' && (parent as Json)[last] === MASK) (parent as Json)[last] = '';
  }
}

/** The settings to write on the target; `source` names the backup in error messages. */
export function settingsForRestore(fromBackup: unknown, target: Settings, source: string): Settings {
  const merged = deepMerge(defaults, fromBackup) as Json;
  merged.server = target.server;
  merged.services = target.services;
  const next = unmaskSettings(merged, target) as Json;
  // A secret the target never had stays empty rather than becoming the mask text.
  blankMasks(next);
  return validateSettings(next, source);
}
