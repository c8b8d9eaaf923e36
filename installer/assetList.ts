// The files the single executable embeds: each asset group's source folder (daemon/assets.ts) and the files in it.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { type AssetGroup, type AssetManifest, PLUGIN_RUNTIME_FILE, SOURCE_DIRS } from '../daemon/assets.ts';
import { ASSETS as SWAGGER_FILES } from '../daemon/http/docsRoutes.ts';

export interface EmbeddedFile {
  /** `<group>/<path>` with forward slashes: the SEA asset key and the path under the extraction folder. */
  key: string;
  path: string;
}

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile())
    .map((e) => relative(dir, join(e.parentPath, e.name)).split(sep).join('/'));
}

// Only what the daemon reads: PGlite's other extensions and swagger-ui-dist's other bundles stay out.
const FILES: Record<AssetGroup, (dir: string) => string[]> = {
  web: walk,
  'swagger-ui': () => Object.keys(SWAGGER_FILES),
  proto: () => ['titan_bus.proto'],
  pglite: () => ['pglite.wasm', 'initdb.wasm', 'pglite.data'],
  pgvector: () => ['vector.tar.gz'],
  // Never a user's generated secrets: no dotfiles (compose/.env) and nothing under a secrets/ folder.
  compose: (dir) => walk(dir).filter((f) => !f.split('/').some((part) => part.startsWith('.') || part === 'secrets')),
  'plugin-runtime': () => [PLUGIN_RUNTIME_FILE],
};

const HINTS: Partial<Record<AssetGroup, string>> = {
  web: ': run `make web` first',
  'plugin-runtime': ': installer/build.ts bundles it (bundlePluginRuntime) before listing the assets',
};

/** Every embedded file; throws with the command to run when web/dist has not been built. */
export function embeddedFiles(): EmbeddedFile[] {
  const out: EmbeddedFile[] = [];
  for (const group of Object.keys(FILES) as AssetGroup[]) {
    const dir = SOURCE_DIRS[group]();
    if (!existsSync(dir)) throw new Error(`${dir} does not exist${HINTS[group] ?? ''}`);
    for (const rel of FILES[group](dir).sort()) out.push({ key: `${group}/${rel}`, path: join(dir, rel) });
  }
  return out;
}

/** The manifest for these files: the id changes whenever any byte (or the version) does. */
export function manifestOf(files: EmbeddedFile[], version: string): AssetManifest {
  const hash = createHash('sha256');
  for (const f of files) hash.update(`${f.key}\0`).update(readFileSync(f.path)).update('\0');
  return { id: `${version}-${hash.digest('hex').slice(0, 12)}`, files: files.map((f) => f.key) };
}
