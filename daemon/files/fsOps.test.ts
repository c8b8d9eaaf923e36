// File operations through the guard: races between check and use (a parent or a file swapped for a link, a folder
// moved out mid-write), exclusive create, atomic overwrite, listing of odd entries, moves; refusals change nothing.
import { execFileSync } from 'node:child_process';
import {
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  statSync,
  symlinkSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FileAccessError } from './errors/fileAccessError.ts';
import { createFileOps, type FileOps } from './fsOps.ts';
import { createFixture, type Fixture } from './guardFixture.ts';

let f: Fixture;
let ops: FileOps;

beforeAll(async () => {
  f = await createFixture();
  ops = createFileOps(f.guard);
});
afterAll(async () => {
  await f.cleanup();
});

const write = (input: string, who = 'test') => f.guard.resolve(input, 'write', { who });
const read = (input: string) => f.guard.resolve(input, 'read', { who: 'test' });
const temps = (dir: string) => readdirSync(dir).filter((n) => n.startsWith('.titan-'));

async function refusal(promise: Promise<unknown>): Promise<FileAccessError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(FileAccessError);
  return error as FileAccessError;
}

describe('races between check and use', () => {
  it('refuses a write whose parent was swapped for a link to outside', async () => {
    mkdirSync(join(f.desktop, 'w1'));
    const target = await write('Desktop/w1/new.txt');
    renameSync(join(f.desktop, 'w1'), join(f.desktop, 'w1-away'));
    symlinkSync(f.outside, join(f.desktop, 'w1'));
    const before = f.snapshot();
    const err = await refusal(ops.writeFileAtomic(target, 'payload'));
    expect(err).toMatchObject({ status: 403, reason: 'changed' });
    expect(f.snapshot()).toBe(before);
    expect(existsSync(join(f.outside, 'new.txt'))).toBe(false);
    expect(temps(f.outside)).toEqual([]);
    expect(f.records.at(-1)).toMatchObject({ event: 'file.write', ok: false, who: 'test', reason: 'changed' });
  });

  it('refuses a write whose grandparent was swapped (the parent name now resolves outside)', async () => {
    mkdirSync(join(f.desktop, 'g1', 'inner'), { recursive: true });
    mkdirSync(join(f.outside, 'inner'), { recursive: true });
    const target = await write('Desktop/g1/inner/new.txt');
    renameSync(join(f.desktop, 'g1'), join(f.desktop, 'g1-away'));
    symlinkSync(f.outside, join(f.desktop, 'g1'));
    const before = f.snapshot();
    await refusal(ops.writeFileAtomic(target, 'payload'));
    expect(f.snapshot()).toBe(before);
    expect(readdirSync(join(f.outside, 'inner'))).toEqual([]);
  });

  it('refuses a write whose folder was moved outside while the data streamed in, and leaves no temp file', async () => {
    mkdirSync(join(f.desktop, 'w2'));
    const target = await write('Desktop/w2/new.txt');
    async function* data() {
      yield 'first half, ';
      renameSync(join(f.desktop, 'w2'), join(f.outside, 'w2'));
      symlinkSync(join(f.outside, 'w2'), join(f.desktop, 'w2'));
      yield 'second half';
    }
    const err = await refusal(ops.writeFileAtomic(target, data()));
    expect(err.status).toBe(403);
    expect(readdirSync(join(f.outside, 'w2'))).toEqual([]);
  });

  it('refuses a read of a file swapped for a link to outside', async () => {
    writeFileSync(join(f.desktop, 'r1.txt'), 'mine');
    const target = await read('Desktop/r1.txt');
    unlinkSync(join(f.desktop, 'r1.txt'));
    symlinkSync(join(f.outside, 'secret.txt'), join(f.desktop, 'r1.txt'));
    const before = f.snapshot();
    expect(await refusal(ops.openForRead(target))).toMatchObject({ status: 403, reason: 'changed' });
    expect(await refusal(ops.readFile(target))).toMatchObject({ reason: 'changed' });
    expect(f.snapshot()).toBe(before);
    expect(f.records.at(-1)).toMatchObject({ event: 'file.read', ok: false, reason: 'changed' });
  });

  it('refuses a read of a file replaced by another file', async () => {
    writeFileSync(join(f.desktop, 'r2.txt'), 'mine');
    const target = await read('Desktop/r2.txt');
    writeFileSync(join(f.desktop, 'r2.new'), 'other');
    renameSync(join(f.desktop, 'r2.new'), join(f.desktop, 'r2.txt'));
    expect(await refusal(ops.readFile(target))).toMatchObject({ reason: 'changed' });
  });

  it('refuses, without hanging, a file swapped for a FIFO', async () => {
    writeFileSync(join(f.desktop, 'r3.txt'), 'mine');
    const target = await read('Desktop/r3.txt');
    unlinkSync(join(f.desktop, 'r3.txt'));
    execFileSync('mkfifo', [join(f.desktop, 'r3.txt')]);
    expect((await refusal(ops.readFile(target))).status).toBe(403);
  });

  it('refuses a listing of a folder swapped for a link to outside', async () => {
    mkdirSync(join(f.desktop, 'l1'));
    const target = await f.guard.resolve('Desktop/l1', 'list');
    renameSync(join(f.desktop, 'l1'), join(f.desktop, 'l1-away'));
    symlinkSync(f.outside, join(f.desktop, 'l1'));
    expect(await refusal(ops.list(target))).toMatchObject({ reason: 'changed' });
  });

  it('refuses a mkdir under an ancestor swapped for a link, creating nothing outside', async () => {
    mkdirSync(join(f.desktop, 'm1'));
    const target = await write('Desktop/m1/a/b');
    renameSync(join(f.desktop, 'm1'), join(f.desktop, 'm1-away'));
    symlinkSync(f.outside, join(f.desktop, 'm1'));
    const before = f.snapshot();
    await refusal(ops.mkdir(target));
    expect(f.snapshot()).toBe(before);
    expect(existsSync(join(f.outside, 'a'))).toBe(false);
  });

  it('refuses a move whose source was swapped after the check', async () => {
    writeFileSync(join(f.desktop, 'mv1.txt'), 'mine');
    const from = await f.guard.resolve('Desktop/mv1.txt', 'delete');
    const to = await write('Downloads/mv1.txt');
    unlinkSync(join(f.desktop, 'mv1.txt'));
    symlinkSync(join(f.outside, 'secret.txt'), join(f.desktop, 'mv1.txt'));
    const before = f.snapshot();
    expect(await refusal(ops.rename(from, to))).toMatchObject({ reason: 'changed' });
    expect(f.snapshot()).toBe(before);
  });
});

describe('writes', () => {
  it('creates a new file from a string, bytes or a stream, audited with who and bytes', async () => {
    const info = await ops.writeFileAtomic(await write('Desktop/w-new.txt', 'chat:tool'), 'hello');
    expect(info).toMatchObject({ kind: 'file', size: 5, bytes: 5, relative: 'w-new.txt' });
    expect(f.records.at(-1)).toMatchObject({
      event: 'file.write',
      ok: true,
      who: 'chat:tool',
      path: join(f.desktop, 'w-new.txt'),
      bytes: 5,
    });
    await ops.writeFileAtomic(await write('Desktop/w-bytes.bin'), new Uint8Array([1, 2, 3]));
    expect([...readFileSync(join(f.desktop, 'w-bytes.bin'))]).toEqual([1, 2, 3]);
    async function* chunks() {
      for (let i = 0; i < 100; i++) yield Buffer.alloc(1000, i);
    }
    const big = await ops.writeFileAtomic(await write('Downloads/w-stream.bin'), chunks());
    expect(big.size).toBe(100_000);
    expect(temps(f.desktop)).toEqual([]);
    expect(temps(f.downloads)).toEqual([]);
  });

  it('never overwrites without overwrite: existing at check time, or created after it', async () => {
    writeFileSync(join(f.desktop, 'w-exists.txt'), 'original');
    const before = f.snapshot();
    const existing = await write('Desktop/w-exists.txt');
    expect(await refusal(ops.writeFileAtomic(existing, 'new'))).toMatchObject({ status: 409, code: 'exists' });
    expect(f.snapshot()).toBe(before);

    const late = await write('Desktop/w-late.txt');
    writeFileSync(join(f.desktop, 'w-late.txt'), 'someone else');
    expect(await refusal(ops.writeFileAtomic(late, 'mine'))).toMatchObject({ status: 409 });
    expect(readFileSync(join(f.desktop, 'w-late.txt'), 'utf8')).toBe('someone else');
    expect(temps(f.desktop)).toEqual([]);
  });

  it('overwrites atomically when asked, keeping the mode', async () => {
    const path = join(f.desktop, 'w-over.txt');
    writeFileSync(path, 'old', { mode: 0o640 });
    const ino = statSync(path).ino;
    await ops.writeFileAtomic(await write('Desktop/w-over.txt'), 'new content', { overwrite: true });
    expect(readFileSync(path, 'utf8')).toBe('new content');
    expect(statSync(path).mode & 0o777).toBe(0o640);
    expect(statSync(path).ino).not.toBe(ino);
  });

  it('refuses a write onto a folder, into a missing folder, and through a checked FIFO', async () => {
    expect(await refusal(ops.writeFileAtomic(await write('Desktop/sub'), 'x'))).toMatchObject({ status: 400 });
    expect(await refusal(ops.writeFileAtomic(await write('Desktop/none/x.txt'), 'x'))).toMatchObject({ status: 404 });
    await expect(write('Desktop/fifo')).rejects.toMatchObject({ reason: 'not_regular' });
  });

  it('makes nested folders, and refuses one that exists', async () => {
    const made = await ops.mkdir(await write('Desktop/mk/a/b'));
    expect(made).toMatchObject({ kind: 'dir', relative: 'mk/a/b' });
    expect(lstatSync(join(f.desktop, 'mk/a/b')).isDirectory()).toBe(true);
    expect(await refusal(ops.mkdir(await write('Desktop/mk/a')))).toMatchObject({ status: 409 });
  });
});

describe('reads, listings and moves', () => {
  it('opens, reads and stats a checked file', async () => {
    const target = await read('Desktop/a.txt');
    const opened = await ops.openForRead(target);
    expect((await opened.handle.readFile()).toString()).toBe('a');
    await opened.handle.close();
    expect((await ops.readFile(target)).data.toString()).toBe('a');
    expect(await ops.stat(target)).toMatchObject({ kind: 'file', size: 1, name: 'a.txt' });
    const dir = await f.guard.resolve('Desktop/sub', 'read');
    expect(await refusal(ops.readFile(dir))).toMatchObject({ reason: 'is_a_directory' });
  });

  it('lists kinds, labels pipes, sockets and outside links, and never follows a link out', async () => {
    const entries = await ops.list(await f.guard.resolve('Desktop', 'list'));
    const by = Object.fromEntries(entries.map((e) => [e.name, e]));
    expect(by['a.txt']).toMatchObject({ kind: 'file', size: 1 });
    expect(by.sub).toMatchObject({ kind: 'dir' });
    expect(by.fifo).toMatchObject({ kind: 'other', note: 'fifo' });
    expect(by.sock).toMatchObject({ kind: 'other', note: 'socket' });
    expect(by['link-dir']).toMatchObject({ kind: 'other', link: true, note: 'link_outside' });
    expect(by['link-file']).toMatchObject({ kind: 'other', note: 'link_outside' });
    expect(by['chain-a']).toMatchObject({ kind: 'other', note: 'link_outside' });
    expect(by['link-inside']).toMatchObject({ kind: 'dir', link: true });
    expect(by.dangling).toMatchObject({ kind: 'other', note: 'broken_link' });
    expect(by.loop1).toMatchObject({ kind: 'other', note: 'broken_link' });
    expect(entries[0]?.kind).toBe('dir');
    const file = await read('Desktop/a.txt');
    expect(await refusal(ops.list(file))).toMatchObject({ reason: 'not_a_directory' });
  });

  it('moves a file within and across roots, never over an existing one unless asked', async () => {
    writeFileSync(join(f.desktop, 'mv-a.txt'), 'A');
    writeFileSync(join(f.downloads, 'mv-taken.txt'), 'taken');
    const from = await f.guard.resolve('Desktop/mv-a.txt', 'delete');
    const before = f.snapshot();
    expect(await refusal(ops.rename(from, await write('Downloads/mv-taken.txt')))).toMatchObject({ status: 409 });
    expect(f.snapshot()).toBe(before);
    await ops.rename(from, await write('Downloads/mv-a.txt'));
    expect(readFileSync(join(f.downloads, 'mv-a.txt'), 'utf8')).toBe('A');
    expect(existsSync(join(f.desktop, 'mv-a.txt'))).toBe(false);
    expect(f.records.at(-1)).toMatchObject({ event: 'file.rename', ok: true, to: join(f.downloads, 'mv-a.txt') });
    const again = await f.guard.resolve('Downloads/mv-a.txt', 'delete');
    await ops.rename(again, await write('Downloads/mv-taken.txt'), { overwrite: true });
    expect(readFileSync(join(f.downloads, 'mv-taken.txt'), 'utf8')).toBe('A');
  });

  it('moves a folder, but not into itself', async () => {
    mkdirSync(join(f.desktop, 'mvdir', 'in'), { recursive: true });
    const from = await f.guard.resolve('Desktop/mvdir', 'delete');
    expect(await refusal(ops.rename(from, await write('Desktop/mvdir/in/x')))).toMatchObject({
      reason: 'into_itself',
    });
    await ops.rename(from, await write('Desktop/mvdir2'));
    expect(lstatSync(join(f.desktop, 'mvdir2', 'in')).isDirectory()).toBe(true);
  });
});
