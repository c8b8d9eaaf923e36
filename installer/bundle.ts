// Bundles the daemon (daemon/main.ts and everything it imports, dynamic imports included) into one CommonJS file:
// Node 24's single executable runs one CommonJS script whose require() reaches only Node's built-in modules. The
// plugin runtime gets its own file, which a plugin process of the executable loads from disk (plugins/hostCommand.ts).
import { join } from 'node:path';
import { type RolldownLog, rolldown } from 'rolldown';

const ROOT = join(import.meta.dirname, '..');

// Known and harmless: PGlite's emscripten glue uses eval; unpdf's `import.meta.resolve` (font data for rendering,
// which text extraction does not need) sits in a try block; optional native speed-ups of ws are required in try blocks.
const EXPECTED = new Set(['EVAL', 'EMPTY_IMPORT_META', 'UNRESOLVED_IMPORT']);
const OPTIONAL = new Set(['bufferutil', 'utf-8-validate', 'supports-color']);

function expected(log: RolldownLog): boolean {
  if (log.code === 'UNRESOLVED_IMPORT') return [...OPTIONAL].some((m) => log.message.includes(`"${m}"`));
  return EXPECTED.has(log.code ?? '');
}

/** Writes the daemon's bundle to `file`. */
export function bundleDaemon(file: string): Promise<void> {
  return bundle(join(ROOT, 'daemon', 'main.ts'), file);
}

/** Writes the plugin runtime (runtime/child.ts with valibot) to `file`: the only code a plugin process may read. */
export function bundlePluginRuntime(file: string): Promise<void> {
  return bundle(join(ROOT, 'daemon', 'autonomy', 'plugins', 'runtime', 'child.ts'), file);
}

/** An unexpected bundler warning fails the build, since it would fail at run time. */
async function bundle(input: string, file: string): Promise<void> {
  const problems: string[] = [];
  const build = await rolldown({
    input,
    platform: 'node',
    logLevel: 'warn',
    onLog(level, log) {
      if (level === 'warn' && !expected(log)) problems.push(`${log.code}: ${log.message}`);
    },
  });
  try {
    await build.write({ file, format: 'cjs', codeSplitting: false, sourcemap: false });
  } finally {
    await build.close();
  }
  if (problems.length > 0) throw new Error(`the bundler reported:\n${problems.join('\n')}`);
}
