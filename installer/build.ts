// Builds the single executable: bundle the daemon, embed the assets, inject into Node. `node installer/build.ts`
// builds for this platform; `--all` adds every other platform whose Node binary the npm registry has at this Node's
// version; `--target <name>` builds one. Output in dist/ (git-ignored); base binaries cached in installer/.cache.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { MANIFEST_KEY, PLUGIN_RUNTIME_FILE, SOURCE_DIRS } from '../daemon/assets.ts';
import { embeddedFiles, manifestOf } from './assetList.ts';
import { bundleDaemon, bundlePluginRuntime } from './bundle.ts';
import { inject, makeBlob } from './sea.ts';
import { buildThereCommand, hostNode, hostTarget, registryNode, TARGETS, type Target } from './targets.ts';

const ROOT = join(import.meta.dirname, '..');
const DIST = join(ROOT, 'dist');
const WORK = join(DIST, '.build');
const CACHE = join(import.meta.dirname, '.cache');

export const VERSION = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;

const { values } = parseArgs({ options: { all: { type: 'boolean' }, target: { type: 'string' } } });
const host = hostTarget();
const wanted = values.target
  ? TARGETS.filter((t) => t.name === values.target)
  : values.all
    ? TARGETS
    : TARGETS.filter((t) => t === host);
if (wanted.length === 0) {
  throw new Error(
    `no target to build (host ${process.platform}-${process.arch}; targets: ${TARGETS.map((t) => t.name).join(', ')})`,
  );
}

const started = performance.now();
const step = (what: string) => console.log(`  ${what} (${((performance.now() - started) / 1000).toFixed(1)} s)`);
mkdirSync(WORK, { recursive: true });

const main = join(WORK, 'titan.cjs');
await bundleDaemon(main);
step(`bundled daemon/main.ts → ${(statSync(main).size / 1e6).toFixed(1)} MB`);
const runtime = join(SOURCE_DIRS['plugin-runtime'](), PLUGIN_RUNTIME_FILE);
await bundlePluginRuntime(runtime);
step(`bundled the plugin runtime → ${(statSync(runtime).size / 1e3).toFixed(0)} kB`);

const files = embeddedFiles();
const manifest = manifestOf(files, VERSION);
writeFileSync(join(WORK, MANIFEST_KEY), JSON.stringify(manifest));
const assets = Object.fromEntries([[MANIFEST_KEY, join(WORK, MANIFEST_KEY)], ...files.map((f) => [f.key, f.path])]);
step(`${files.length} assets, build ${manifest.id}`);

const skipped: string[] = [];
for (const target of wanted) {
  const native = target === host;
  const base = native ? hostNode(CACHE) : registryNode(target, CACHE);
  if (!base) {
    skipped.push(
      `${target.name}: no ${target.packages.join(' or ')}@${process.versions.node} on the npm registry; on ${target.name} run:\n    ${buildThereCommand(target)}`,
    );
    continue;
  }
  const blob = makeBlob(process.execPath, { main, assets, codeCache: native, workDir: WORK, name: target.name });
  const out = join(DIST, target.file);
  inject(base, blob, out, target.os);
  signOnMac(target, out);
  step(`${target.file}: ${(statSync(out).size / 1e6).toFixed(1)} MB`);
}
if (host && wanted.includes(host)) {
  rmSync(join(DIST, 'titan'), { force: true });
  symlinkSync(host.file, join(DIST, 'titan'));
}
for (const s of skipped) console.log(`  skipped ${s}`);
console.log(`built in ${((performance.now() - started) / 1000).toFixed(1)} s`);

/** macOS kills a binary whose signature no longer matches: re-sign ad hoc when building on a Mac. */
function signOnMac(target: Target, file: string): void {
  if (target.os !== 'darwin') return;
  if (process.platform === 'darwin') execFileSync('codesign', ['--sign', '-', '--force', file]);
  else
    skipped.push(
      `${target.name}: built, but must be signed on a Mac before it runs:\n    codesign --sign - --force ${target.file}`,
    );
}
