// The Linux packages (`make package`; tests/run.sh builds them first): the .deb's control and file list, its systemd
// user unit checked by systemd-analyze, its binary unpacked and run; the tarball's layout.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');
const VERSION = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
const DEB = join(ROOT, 'dist', `titan_${VERSION}_amd64.deb`);
const TARBALL = join(ROOT, 'dist', `titan-${VERSION}-linux-x64.tar.gz`);
const tmp = mkdtempSync(join(tmpdir(), 'titan-pkg-'));

afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** The .deb unpacked with dpkg-deb -x (once), as dpkg would lay it out under /. */
function unpacked(): string {
  const root = join(tmp, 'deb');
  if (!existsSync(root)) execFileSync('dpkg-deb', ['-x', DEB, root]);
  return root;
}

/** `dpkg-deb --contents` / `tar -tv` lines as [mode, owner, path] of the regular files. */
function files(listing: string): Array<[string, string, string]> {
  return listing
    .trim()
    .split('\n')
    .filter((l) => l.startsWith('-'))
    .map((l) => {
      const cols = l.trim().split(/\s+/);
      return [cols[0] as string, cols[1] as string, (cols.at(-1) as string).replace(/^\.\//, '')];
    });
}

describe('the .deb', () => {
  it('has been built', () => {
    expect(existsSync(DEB), `${DEB} is missing: run \`make package\``).toBe(true);
  });

  it('declares titan at the package version for amd64', () => {
    const info = execFileSync('dpkg-deb', ['--field', DEB, 'Package', 'Version', 'Architecture', 'Depends'], {
      encoding: 'utf8',
    });
    expect(info).toContain('Package: titan\n');
    expect(info).toContain(`Version: ${VERSION}\n`);
    expect(info).toContain('Architecture: amd64\n');
    expect(info).toMatch(/Depends: libc6 \(>= 2\.28\)/);
  });

  it('installs the binary, the user unit and the docs, all owned by root', () => {
    const list = files(execFileSync('dpkg-deb', ['--contents', DEB], { encoding: 'utf8' }));
    expect(list.map(([, , p]) => p).sort()).toEqual([
      'usr/bin/titan',
      'usr/lib/systemd/user/titan.service',
      'usr/share/doc/titan/README',
      'usr/share/doc/titan/copyright',
    ]);
    for (const [mode, owner, path] of list) {
      expect(owner, path).toBe('root/root');
      expect(mode, path).toBe(path === 'usr/bin/titan' ? '-rwxr-xr-x' : '-rw-r--r--');
    }
  });

  it('ships a unit that starts /usr/bin/titan and that systemd-analyze accepts', () => {
    const root = unpacked();
    const unit = join(root, 'usr', 'lib', 'systemd', 'user', 'titan.service');
    const text = readFileSync(unit, 'utf8');
    expect(text).toMatch(/^ExecStart=\/usr\/bin\/titan$/m);
    expect(text).toMatch(/^WantedBy=default\.target$/m);
    // systemd 252's verify takes no --root for user units and checks that ExecStart exists: verify a copy that
    // points at the unpacked binary (the line itself is checked above); a user manager needs a runtime dir.
    const copy = join(tmp, 'titan.service');
    writeFileSync(copy, text.replace(/^ExecStart=.*$/m, `ExecStart=${join(root, 'usr', 'bin', 'titan')}`));
    const runtime = mkdtempSync(join(tmp, 'run-'));
    const verify = spawnSync('systemd-analyze', ['verify', '--user', '--man=no', copy], {
      encoding: 'utf8',
      env: { ...process.env, XDG_RUNTIME_DIR: runtime },
    });
    // Unknown or misspelt keys only warn (exit 0), so stderr must be empty too.
    expect(verify.stderr).toBe('');
    expect(verify.status).toBe(0);
  });

  it('carries a binary that runs and prints the version', () => {
    const out = execFileSync(join(unpacked(), 'usr', 'bin', 'titan'), ['--version'], {
      encoding: 'utf8',
      env: { ...process.env, HOME: tmp, TITAN_HOME: join(tmp, 'home'), XDG_CACHE_HOME: join(tmp, 'cache') },
    });
    expect(out).toBe(`titan ${VERSION}\n`);
  });
});

describe('the tarball', () => {
  it('holds bin/titan, the user unit and a README under one versioned folder', () => {
    expect(existsSync(TARBALL), `${TARBALL} is missing: run \`make package\``).toBe(true);
    const list = files(execFileSync('tar', ['-tvzf', TARBALL], { encoding: 'utf8' }));
    const top = `titan-${VERSION}-linux-x64`;
    expect(list.map(([, , p]) => p).sort()).toEqual([
      `${top}/README`,
      `${top}/bin/titan`,
      `${top}/share/systemd/titan.service`,
    ]);
    expect(list.find(([, , p]) => p.endsWith('bin/titan'))?.[0]).toBe('-rwxr-xr-x');
    const unit = execFileSync('tar', ['-xzOf', TARBALL, `${top}/share/systemd/titan.service`], { encoding: 'utf8' });
    expect(unit).toMatch(/^ExecStart=%h\/\.local\/bin\/titan$/m);
  });
});
