// plugin.json: what a plugin is, what it may touch (folders, hosts, topics) and the tools it offers — validated with a
// readable reason per field, so a bad manifest lists the plugin as invalid instead of failing anything else.
import { readFile, stat } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve } from 'node:path';
import * as v from 'valibot';

/** Topics a plugin may consume; errors.dlq is the bus's own. */
export const PLUGIN_TOPICS = ['chat.v1', 'fs.v1', 'system.v1', 'plugin.v1'] as const;

const NAME = /^[a-z0-9][a-z0-9-]{0,39}$/;
const TOOL = /^[a-zA-Z0-9_-]{1,48}$/;
// A host name, or "*.example.com" for it and its subdomains.
const HOST = /^(\*\.)?[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/i;

const Folder = v.pipe(
  v.string('expected a folder path'),
  v.minLength(1, 'expected a folder inside an allowed folder, e.g. "Downloads"'),
);

const ToolSchema = v.strictObject({
  name: v.pipe(v.string('expected the tool name'), v.regex(TOOL, 'a tool name is 1–48 letters, digits, "_" or "-"')),
  description: v.pipe(v.string('expected a description'), v.minLength(1, 'say what the tool does: the model reads it')),
  /** read: looks only (runs without asking by default); write: changes something (asks first). */
  risk: v.optional(v.picklist(['read', 'write'], 'risk is "read" or "write"'), 'write'),
  /** JSON schema of the arguments: an object schema. */
  parameters: v.optional(
    v.pipe(
      v.record(v.string(), v.unknown(), 'parameters must be a JSON schema object'),
      v.check(
        (s) => s.type === undefined || s.type === 'object',
        'parameters must describe an object ("type": "object")',
      ),
    ),
    { type: 'object', properties: {} },
  ),
});

export const ManifestSchema = v.strictObject({
  name: v.pipe(
    v.string('expected the plugin name'),
    v.regex(NAME, 'a plugin name is 1–40 lowercase letters, digits or "-", starting with a letter or digit'),
  ),
  version: v.pipe(v.string('expected a version'), v.regex(/^\d+\.\d+\.\d+([-+].*)?$/, 'version looks like "1.0.0"')),
  description: v.pipe(
    v.string('expected a description'),
    v.maxLength(2000, 'keep the description under 2000 characters'),
  ),
  /** The module the runtime loads, relative to the plugin folder. */
  main: v.optional(v.string('expected the main file'), 'index.mjs'),
  permissions: v.optional(
    v.strictObject({
      fs: v.optional(
        v.strictObject({
          read: v.optional(v.array(Folder, 'fs.read is a list of folders'), []),
          write: v.optional(v.array(Folder, 'fs.write is a list of folders'), []),
        }),
        { read: [], write: [] },
      ),
      network: v.optional(
        v.array(
          v.pipe(v.string(), v.regex(HOST, 'a network host is a name like "api.example.com" or "*.example.com"')),
          'network is a list of host names',
        ),
        [],
      ),
      topics: v.optional(
        v.array(v.picklist(PLUGIN_TOPICS, `a topic is one of ${PLUGIN_TOPICS.join(', ')}`), 'topics is a list'),
        [],
      ),
    }),
    { fs: { read: [], write: [] }, network: [], topics: [] },
  ),
  tools: v.optional(v.array(ToolSchema, 'tools is a list'), []),
});

export type Manifest = v.InferOutput<typeof ManifestSchema>;
export type ManifestTool = Manifest['tools'][number];

export type LoadedManifest =
  | { ok: true; manifest: Manifest; main: string }
  | { ok: false; name: string; reason: string };

/** Reads `<dir>/plugin.json`; never throws — a problem comes back as the reason the plugin is invalid. */
export async function loadManifest(dir: string, folderName: string): Promise<LoadedManifest> {
  const invalid = (reason: string): LoadedManifest => ({ ok: false, name: folderName, reason });
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(join(dir, 'plugin.json'), 'utf8'));
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    if (e.code === 'ENOENT') return invalid('no plugin.json in the plugin folder');
    return invalid(`plugin.json cannot be read: ${e.message}`);
  }
  const parsed = v.safeParse(ManifestSchema, raw);
  if (!parsed.success) {
    const why = parsed.issues.map((i) => `${v.getDotPath(i) ?? '(manifest)'}: ${i.message}`).join('; ');
    const name = typeof (raw as { name?: unknown })?.name === 'string' ? (raw as { name: string }).name : folderName;
    return { ok: false, name: NAME.test(name) ? name : folderName, reason: `plugin.json: ${why}` };
  }
  const manifest = parsed.output;
  const main = resolve(dir, manifest.main);
  const rel = relative(dir, main);
  if (rel.startsWith('..') || isAbsolute(rel)) return invalid(`main "${manifest.main}" is outside the plugin folder`);
  const isFile = await stat(main).then(
    (s) => s.isFile(),
    () => false,
  );
  if (!isFile) return { ok: false, name: manifest.name, reason: `main file "${manifest.main}" does not exist` };
  const names = new Set<string>();
  for (const t of manifest.tools) {
    if (names.has(t.name)) return { ok: false, name: manifest.name, reason: `tool "${t.name}" is declared twice` };
    names.add(t.name);
  }
  return { ok: true, manifest, main };
}

/** `<plugin>_<tool>` as a model function name: ^[a-zA-Z0-9_-]{1,64}$. */
export function exposedToolName(plugin: string, tool: string): string {
  return `${plugin}_${tool}`.replace(/[^a-zA-Z0-9_-]/g, '_').slice(0, 64);
}
