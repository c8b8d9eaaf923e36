// Node's single executable applications: a preparation blob (the bundle plus the assets) made by the Node that
// matches the target binary's version, injected into a copy of that binary with postject.
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/** The fuse Node looks for to know a blob was injected (single-executable-applications.md). */
const FUSE = 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2';

export interface BlobInput {
  /** The bundled CommonJS main script. */
  main: string;
  /** SEA asset key → file. */
  assets: Record<string, string>;
  /** V8's code cache is specific to the Node build that makes it: only for the platform the build runs on. */
  codeCache: boolean;
  /** Where sea-config.json and the blob go. */
  workDir: string;
  name: string;
}

/** Writes `<workDir>/<name>.sea-config.json`, runs `node --experimental-sea-config` on it and returns the blob's path. */
export function makeBlob(node: string, input: BlobInput): string {
  const output = join(input.workDir, `${input.name}.blob`);
  const config = join(input.workDir, `${input.name}.sea-config.json`);
  const sea = {
    main: input.main,
    output,
    disableExperimentalSEAWarning: true,
    useCodeCache: input.codeCache,
    useSnapshot: false,
    // Node's default, said out loud: a plugin process of the executable gets its permission model and heap cap through
    // NODE_OPTIONS, because a SEA passes every command-line argument to its script (plugins/process.ts).
    execArgvExtension: 'env',
    assets: input.assets,
  };
  writeFileSync(config, `${JSON.stringify(sea, null, 2)}\n`);
  const run = spawnSync(node, ['--experimental-sea-config', config], { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`node --experimental-sea-config ${config} failed:\n${run.stdout}${run.stderr}`);
  return output;
}

/** Copies `base` to `out` and injects the blob; Mach-O binaries take it in their own segment. */
export function inject(base: string, blob: string, out: string, os: 'linux' | 'darwin' | 'win'): void {
  copyFileSync(base, out);
  chmodSync(out, 0o755);
  // Node's docs: drop the copied signature on a Mac first; build.ts signs the result again.
  if (os === 'darwin' && process.platform === 'darwin') execFileSync('codesign', ['--remove-signature', out]);
  const cli = join(dirname(createRequire(import.meta.url).resolve('postject')), 'cli.js');
  const args = [cli, out, 'NODE_SEA_BLOB', blob, '--sentinel-fuse', FUSE];
  if (os === 'darwin') args.push('--macho-segment-name', 'NODE_SEA');
  const run = spawnSync(process.execPath, args, { encoding: 'utf8' });
  // LIEF complains about every note of a stripped ELF and about the Windows signature injection voids; say the rest.
  const noise = /^warning: (Can't find string offset for section name|The signature seems corrupted)/;
  const said = `${run.stdout}${run.stderr}`
    .split('\n')
    .filter((l) => l.trim() && !noise.test(l) && !/injection/i.test(l));
  if (run.status !== 0) throw new Error(`postject failed on ${out}:\n${said.join('\n')}`);
  for (const line of said) console.log(`    postject: ${line}`);
}
