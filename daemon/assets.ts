// Where the daemon's run-time files live: the source tree (web/dist, node_modules) when Node runs the sources, or the
// folder the single executable extracts its embedded copies into, once per build, in the user's cache folder.
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import * as sea from 'node:sea';

/** The groups of files read from disk at run time; an embedded asset's key is `<group>/<path inside the group>`. */
export type AssetGroup = 'web' | 'swagger-ui' | 'proto' | 'pglite' | 'pgvector' | 'compose' | 'plugin-runtime';

/** The key of the manifest the build embeds beside the assets. */
export const MANIFEST_KEY = 'titan-assets.json';

export interface AssetManifest {
  /** `<version>-<content hash>`: the extraction folder's name, so a new build never reads an older build's files. */
  id: string;
  /** Every embedded asset key. */
  files: string[];
}

const ROOT = join(import.meta.dirname, '..');
// A package's directory from its entry point: not every package exports its package.json.
const packageDir = (name: string) => dirname(createRequire(import.meta.url).resolve(name));

/** The source-tree folder of each group (what the build embeds, and what `node daemon/main.ts` reads). */
export const SOURCE_DIRS: Record<AssetGroup, () => string> = {
  web: () => join(ROOT, 'web', 'dist'),
  'swagger-ui': () => packageDir('swagger-ui-dist/package.json'),
  proto: () => join(ROOT, 'bus', 'grpc'),
  pglite: () => packageDir('@electric-sql/pglite'),
  pgvector: () => packageDir('@electric-sql/pglite-pgvector'),
  // Run Local's docker-compose.yml and its Prometheus and Grafana files.
  compose: () => join(ROOT, 'compose'),
  // The plugin runtime bundled into one CommonJS file by the build (installer/bundle.ts): a plugin process of the
  // executable loads it from disk. From the sources, plugins run runtime/child.ts itself.
  'plugin-runtime': () => join(ROOT, 'dist', '.build', 'plugin-runtime'),
};

/** The bundled plugin runtime's name in the 'plugin-runtime' folder. */
export const PLUGIN_RUNTIME_FILE = 'child.cjs';

/** True when this process is the single executable (the daemon bundled and injected into a Node binary). */
export function isExecutable(): boolean {
  return sea.isSea();
}

/** The folder holding a group's files. */
export function assetDir(group: AssetGroup): string {
  return isExecutable() ? join(extractedRoot(), group) : SOURCE_DIRS[group]();
}

/** The per-user cache folder the executable extracts into (XDG on Linux, Library/Caches on macOS, LOCALAPPDATA on Windows). */
export function cacheRoot(env: NodeJS.ProcessEnv = process.env): string {
  if (env.TITAN_CACHE_DIR) return env.TITAN_CACHE_DIR;
  if (process.platform === 'win32')
    return join(env.LOCALAPPDATA ?? join(homedir(), 'AppData', 'Local'), 'titan', 'cache');
  if (process.platform === 'darwin') return join(homedir(), 'Library', 'Caches', 'titan');
  return join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'titan');
}

let extracted: string | undefined;

function extractedRoot(): string {
  extracted ??= extractAssets();
  return extracted;
}

/** Writes the embedded assets once into a temp folder and renames it into place, so a crash never leaves half a set. */
function extractAssets(): string {
  const manifest = JSON.parse(sea.getAsset(MANIFEST_KEY, 'utf8')) as AssetManifest;
  const root = cacheRoot();
  const dir = join(root, manifest.id);
  const done = join(dir, '.complete');
  if (existsSync(done) && readFileSync(done, 'utf8') === manifest.id) return dir;
  const tmp = `${dir}.tmp-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  for (const key of manifest.files) {
    const file = join(tmp, key);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, new Uint8Array(sea.getRawAsset(key)));
  }
  writeFileSync(join(tmp, '.complete'), manifest.id);
  // A folder without the marker is a stale or foreign leftover; one with it came from a process that won the race.
  if (!existsSync(done)) rmSync(dir, { recursive: true, force: true });
  try {
    renameSync(tmp, dir);
  } catch (err) {
    // Another titan process extracted the same build at the same moment: its copy is identical.
    rmSync(tmp, { recursive: true, force: true });
    if (!existsSync(done)) throw err;
  }
  return dir;
}
