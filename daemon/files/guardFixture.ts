// Test fixture for the guard and file operations: a temp home with two roots, look-alike siblings, an outside folder,
// symlinks out (file, folder, chain, loop, dangling) and in, a FIFO and a Unix socket; plus a tree snapshot.
import { execFileSync } from 'node:child_process';
import {
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  realpathSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createGuard, type FileAuditRecord, type Guard } from './guard.ts';

export interface Fixture {
  base: string;
  home: string;
  desktop: string;
  downloads: string;
  outside: string;
  records: FileAuditRecord[];
  guard: Guard;
  /** Every entry under base with its kind, size and times: equal before and after means nothing changed. */
  snapshot(): string;
  cleanup(): Promise<void>;
}

export const NFD_NAME = 'résumé.txt'.normalize('NFD');

export async function createFixture(): Promise<Fixture> {
  const base = realpathSync(mkdtempSync(join(tmpdir(), 'titan-guard-')));
  const home = join(base, 'home');
  const desktop = join(home, 'Desktop');
  const downloads = join(home, 'Downloads');
  const outside = join(base, 'outside');
  for (const dir of [join(desktop, 'sub'), downloads, outside, join(outside, 'dir')])
    mkdirSync(dir, { recursive: true });
  for (const sibling of ['Desktop2', 'Downloads-old', 'Downloads (v2)_backup']) {
    mkdirSync(join(home, sibling));
    writeFileSync(join(home, sibling, 'secret.txt'), 'sibling secret');
  }
  writeFileSync(join(outside, 'secret.txt'), 'outside secret');
  writeFileSync(join(home, 'notes.txt'), 'home, not a root');
  writeFileSync(join(desktop, 'a.txt'), 'a');
  writeFileSync(join(desktop, 'sub', 'b.txt'), 'b');
  writeFileSync(join(desktop, 'café.txt'), 'nfc on disk');
  writeFileSync(join(desktop, NFD_NAME), 'nfd on disk');
  writeFileSync(join(desktop, `"quoted" name's.txt`), 'quotes are legal on POSIX');
  writeFileSync(join(downloads, 'd.txt'), 'd');
  symlinkSync(join(outside, 'secret.txt'), join(desktop, 'link-file'));
  symlinkSync(outside, join(desktop, 'link-dir'));
  symlinkSync('chain-b', join(desktop, 'chain-a'));
  symlinkSync('../Downloads/chain-c', join(desktop, 'chain-b'));
  symlinkSync(join(outside, 'secret.txt'), join(downloads, 'chain-c'));
  symlinkSync('../Downloads', join(desktop, 'link-inside'));
  symlinkSync('sub/b.txt', join(desktop, 'link-inside-file'));
  symlinkSync('loop2', join(desktop, 'loop1'));
  symlinkSync('loop1', join(desktop, 'loop2'));
  symlinkSync(join(outside, 'not-yet'), join(desktop, 'dangling'));
  execFileSync('mkfifo', [join(desktop, 'fifo')]);
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(join(desktop, 'sock'), resolve));

  const records: FileAuditRecord[] = [];
  const guard = createGuard({ roots: [desktop, downloads], home, audit: (r) => records.push(r) });
  const snapshot = () =>
    (readdirSync(base, { recursive: true }) as string[])
      .map((rel) => {
        const st = lstatSync(join(base, rel));
        return `${rel} ${st.mode} ${st.size} ${st.mtimeMs} ${st.ino}`;
      })
      .sort()
      .join('\n');
  const cleanup = async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    rmSync(base, { recursive: true, force: true });
  };
  return { base, home, desktop, downloads, outside, records, guard, snapshot, cleanup };
}
