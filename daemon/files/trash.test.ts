import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TrashItemNotFoundError } from './errors/trashItemNotFoundError.ts';
import { freeName, Trash } from './trash.ts';

function setup() {
  const base = mkdtempSync(join(tmpdir(), 'titan-trash-'));
  const desk = join(base, 'Desktop');
  mkdirSync(desk);
  return { base, desk, trash: new Trash(join(base, 'data')) };
}

describe('trash', () => {
  it('moves a file away and restores it with its content', async () => {
    const { desk, trash } = setup();
    writeFileSync(join(desk, 'a.txt'), 'hello');
    const item = await trash.put(join(desk, 'a.txt'));
    expect(existsSync(join(desk, 'a.txt'))).toBe(false);
    expect(item).toMatchObject({ original_path: join(desk, 'a.txt'), name: 'a.txt', kind: 'file', size: 5 });
    expect((await trash.list()).map((i) => i.id)).toEqual([item.id]);
    expect(await trash.restore(item.id, item.original_path)).toBe(join(desk, 'a.txt'));
    expect(readFileSync(join(desk, 'a.txt'), 'utf8')).toBe('hello');
    expect(await trash.list()).toEqual([]);
  });

  it('restores next to a file that took the name meanwhile, never over it', async () => {
    const { desk, trash } = setup();
    writeFileSync(join(desk, 'a.txt'), 'old');
    const item = await trash.put(join(desk, 'a.txt'));
    writeFileSync(join(desk, 'a.txt'), 'new');
    expect(await trash.restore(item.id, item.original_path)).toBe(join(desk, 'a (1).txt'));
    expect(readFileSync(join(desk, 'a.txt'), 'utf8')).toBe('new');
    expect(readFileSync(join(desk, 'a (1).txt'), 'utf8')).toBe('old');
  });

  it('trashes folders with their size and restores into a folder that is gone', async () => {
    const { desk, trash } = setup();
    mkdirSync(join(desk, 'proj', 'sub'), { recursive: true });
    writeFileSync(join(desk, 'proj', 'x'), '123');
    writeFileSync(join(desk, 'proj', 'sub', 'y'), '45');
    const item = await trash.put(join(desk, 'proj'));
    expect(item).toMatchObject({ kind: 'dir', size: 5 });
    const target = join(desk, 'gone', 'proj');
    expect(await trash.restore(item.id, target)).toBe(target);
    expect(readFileSync(join(target, 'sub', 'y'), 'utf8')).toBe('45');
  });

  it('refuses unknown and malformed ids with a typed error', async () => {
    const { trash } = setup();
    await expect(trash.get('01ARZ3NDEKTSV4RRFFQ69G5FAV')).rejects.toBeInstanceOf(TrashItemNotFoundError);
    await expect(trash.get('../../etc')).rejects.toBeInstanceOf(TrashItemNotFoundError);
    await expect(trash.restore('../x', '/tmp/x')).rejects.toBeInstanceOf(TrashItemNotFoundError);
  });

  it('empties items older than the age and keeps newer ones', async () => {
    const { desk, trash } = setup();
    writeFileSync(join(desk, 'a'), 'a');
    writeFileSync(join(desk, 'b'), 'b');
    await trash.put(join(desk, 'a'));
    await trash.put(join(desk, 'b'));
    expect(await trash.empty({ olderThanDays: 30 })).toBe(0);
    expect(await trash.empty({ olderThanDays: 30, now: Date.now() + 31 * 86_400_000 })).toBe(2);
    expect(await trash.list()).toEqual([]);
  });

  it('finds the first free " (n)" name', async () => {
    const { desk } = setup();
    writeFileSync(join(desk, 'r.pdf'), '');
    writeFileSync(join(desk, 'r (1).pdf'), '');
    expect(await freeName(join(desk, 'r.pdf'))).toBe(join(desk, 'r (2).pdf'));
    expect(await freeName(join(desk, 'new'))).toBe(join(desk, 'new'));
  });
});
