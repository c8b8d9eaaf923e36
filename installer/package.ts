// Linux packages of the built executable (run `node installer/build.ts` first): a tarball and a .deb, both with the
// binary and a systemd user unit, plus an AppImage when `appimagetool` is on PATH (Debian 12 and npm have none).
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { debControl } from './deb.ts';

const ROOT = join(import.meta.dirname, '..');
const DIST = join(ROOT, 'dist');
const STAGE = join(DIST, '.pkg');
const VERSION = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
const BINARY = join(DIST, 'titan-linux-x64');

/** The packaged unit's program: /usr/bin/titan from the .deb, ~/.local/bin/titan for the tarball's README steps. */
export function unitFor(exec: string): string {
  return readFileSync(join(import.meta.dirname, 'titan.service'), 'utf8').replace('@EXEC@', exec);
}

function put(file: string, content: string | Buffer, mode = 0o644): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, content);
  chmodSync(file, mode);
}

function putBinary(file: string): void {
  mkdirSync(dirname(file), { recursive: true });
  copyFileSync(BINARY, file);
  chmodSync(file, 0o755);
}

const readme = () =>
  readFileSync(join(import.meta.dirname, 'README.package.txt'), 'utf8').replace('@VERSION@', VERSION);
// Same bytes for the same inputs: fixed owner and times (SOURCE_DATE_EPOCH when the caller sets one).
const mtime = `@${process.env.SOURCE_DATE_EPOCH ?? '0'}`;

function tarball(): string {
  const name = `titan-${VERSION}-linux-x64`;
  const top = join(STAGE, name);
  putBinary(join(top, 'bin', 'titan'));
  put(join(top, 'share', 'systemd', 'titan.service'), unitFor('%h/.local/bin/titan'));
  put(join(top, 'README'), readme());
  const out = join(DIST, `${name}.tar.gz`);
  const flags = ['--sort=name', '--owner=0', '--group=0', '--numeric-owner', `--mtime=${mtime}`];
  execFileSync('tar', ['-czf', out, ...flags, '-C', STAGE, name]);
  return out;
}

function deb(): string {
  const root = join(STAGE, 'deb');
  putBinary(join(root, 'usr', 'bin', 'titan'));
  put(join(root, 'usr', 'lib', 'systemd', 'user', 'titan.service'), unitFor('/usr/bin/titan'));
  put(join(root, 'usr', 'share', 'doc', 'titan', 'copyright'), readFileSync(join(import.meta.dirname, 'copyright')));
  put(join(root, 'usr', 'share', 'doc', 'titan', 'README'), readme());
  put(join(root, 'DEBIAN', 'control'), debControl(VERSION, Math.ceil(statSync(BINARY).size / 1024) + 16));
  const out = join(DIST, `titan_${VERSION}_amd64.deb`);
  execFileSync('dpkg-deb', ['--root-owner-group', '-Zgzip', '-z6', '--build', root, out], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  return out;
}

function appImage(): string | null {
  if (spawnSync('appimagetool', ['--version']).error) return null;
  const dir = join(STAGE, 'Titan.AppDir');
  putBinary(join(dir, 'usr', 'bin', 'titan'));
  put(join(dir, 'AppRun'), '#!/bin/sh\nexec "$(dirname "$(readlink -f "$0")")/usr/bin/titan" "$@"\n', 0o755);
  put(
    join(dir, 'titan.desktop'),
    '[Desktop Entry]\nType=Application\nName=Titan\nExec=titan\nIcon=titan\nCategories=Utility;\nTerminal=true\n',
  );
  copyFileSync(join(ROOT, 'web', 'public', 'icon.svg'), join(dir, 'titan.svg'));
  const out = join(DIST, `Titan-${VERSION}-x86_64.AppImage`);
  execFileSync('appimagetool', [dir, out], { env: { ...process.env, ARCH: 'x86_64' }, stdio: 'inherit' });
  return out;
}

if (!existsSync(BINARY)) throw new Error(`${BINARY} is missing: run \`make build\` first`);
rmSync(STAGE, { recursive: true, force: true });
const started = performance.now();
const built = [tarball(), deb()];
const image = appImage();
if (image) built.push(image);
for (const f of built) console.log(`  ${f.slice(ROOT.length + 1)}: ${(statSync(f).size / 1e6).toFixed(1)} MB`);
if (!image) console.log('  no AppImage: appimagetool is not on PATH (Debian 12 and the npm registry do not carry it)');
rmSync(STAGE, { recursive: true, force: true });
console.log(`packaged in ${((performance.now() - started) / 1000).toFixed(1)} s`);
