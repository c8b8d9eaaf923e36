import { mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type FileEvent, type FolderWatcher, watchFolders } from './watcher.ts';

let watcher: FolderWatcher | null = null;
afterEach(async () => {
  await watcher?.close();
  watcher = null;
});

async function start() {
  const base = mkdtempSync(join(tmpdir(), 'titan-watch-'));
  const desk = join(base, 'Desktop');
  const down = join(base, 'Downloads');
  mkdirSync(desk);
  mkdirSync(down);
  writeFileSync(join(desk, 'before.txt'), 'was here before the watcher');
  const events: FileEvent[] = [];
  watcher = watchFolders([desk, down], (e) => events.push(e), { debounceMs: 100, moveWindowMs: 300, stableMs: 150 });
  await watcher.ready;
  return { desk, down, events };
}

async function until(what: () => boolean, ms = 5000) {
  const end = Date.now() + ms;
  while (!what()) {
    if (Date.now() > end) throw new Error('timed out waiting for watcher events');
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('folder watcher', () => {
  it('reports created, changed and deleted files once each, and nothing for files already there', async () => {
    const { desk, events } = await start();
    writeFileSync(join(desk, 'note.md'), '# hi');
    await until(() => events.length >= 1);
    await new Promise((r) => setTimeout(r, 300));
    writeFileSync(join(desk, 'note.md'), '# hi again, longer');
    await until(() => events.length >= 2);
    rmSync(join(desk, 'note.md'));
    await until(() => events.length >= 3);
    expect(events).toEqual([
      { type: 'file.created', path: join(desk, 'note.md') },
      { type: 'file.changed', path: join(desk, 'note.md') },
      { type: 'file.deleted', path: join(desk, 'note.md'), dir: false },
    ]);
  });

  it('ignores partial downloads and hidden files, then reports the finished file', async () => {
    const { down, events } = await start();
    writeFileSync(join(down, 'report.pdf.crdownload'), 'partial');
    writeFileSync(join(down, 'movie.part'), 'partial');
    writeFileSync(join(down, '.hidden'), 'x');
    renameSync(join(down, 'report.pdf.crdownload'), join(down, 'report.pdf'));
    await until(() => events.length >= 1);
    await new Promise((r) => setTimeout(r, 400));
    expect(events).toEqual([{ type: 'file.created', path: join(down, 'report.pdf') }]);
  });

  it('reports a move between roots as one move', async () => {
    const { desk, down, events } = await start();
    renameSync(join(desk, 'before.txt'), join(down, 'before.txt'));
    await until(() => events.length >= 1);
    await new Promise((r) => setTimeout(r, 500));
    expect(events).toEqual([{ type: 'file.moved', from: join(desk, 'before.txt'), to: join(down, 'before.txt') }]);
  });

  it('reports a deleted folder', async () => {
    const { desk, events } = await start();
    mkdirSync(join(desk, 'proj'));
    await new Promise((r) => setTimeout(r, 300));
    rmSync(join(desk, 'proj'), { recursive: true });
    await until(() => events.some((e) => e.type === 'file.deleted'));
    expect(events).toContainEqual({ type: 'file.deleted', path: join(desk, 'proj'), dir: true });
  });
});
