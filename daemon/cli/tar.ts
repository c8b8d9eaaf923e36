// A minimal ustar (+ PAX long names) writer and reader over gzip, so a backup is one .tar.gz that `tar -xzf` opens,
// with no archive dependency. Regular files and folders only; the whole archive is read into memory on restore.

import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { createGzip, gunzip } from 'node:zlib';

export interface TarEntry {
  name: string;
  type: 'file' | 'dir';
  data: Buffer;
  mode: number;
  mtime: Date;
}

const BLOCK = 512;

function octal(n: number, width: number): string {
  return `${n.toString(8).padStart(width - 1, '0')}\0`;
}

function header(name: string, size: number, type: string, mode: number, mtime: Date): Buffer {
  const h = Buffer.alloc(BLOCK);
  h.write(name, 0, 100, 'utf8');
  h.write(octal(mode & 0o7777, 8), 100, 'ascii');
  h.write(octal(0, 8), 108, 'ascii');
  h.write(octal(0, 8), 116, 'ascii');
  h.write(octal(size, 12), 124, 'ascii');
  h.write(octal(Math.floor(mtime.getTime() / 1000), 12), 136, 'ascii');
  h.write('        ', 148, 'ascii');
  h.write(type, 156, 'ascii');
  h.write('ustar\0', 257, 'ascii');
  h.write('00', 263, 'ascii');
  let sum = 0;
  for (const b of h) sum += b;
  h.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'ascii');
  return h;
}

const pad = (size: number) => Buffer.alloc((BLOCK - (size % BLOCK)) % BLOCK);

/** A PAX record "<len> path=<name>\n", where <len> counts its own digits too. */
function paxPath(name: string): Buffer {
  const body = ` path=${name}\n`;
  let len = Buffer.byteLength(body) + 1;
  while (String(len).length + Buffer.byteLength(body) !== len) len++;
  return Buffer.from(`${len}${body}`);
}

/** Streams entries into a gzip file; names longer than ustar's 100 bytes (or not ASCII) get a PAX header. */
export class TarWriter {
  private readonly gzip = createGzip();
  private readonly done: Promise<unknown>;

  constructor(file: string) {
    const out = createWriteStream(file, { mode: 0o600 });
    this.gzip.pipe(out);
    this.done = once(out, 'close');
  }

  private async put(chunk: Buffer): Promise<void> {
    if (!this.gzip.write(chunk)) await once(this.gzip, 'drain');
  }

  async add(name: string, data: Buffer | string, opts: { mode?: number; mtime?: Date } = {}): Promise<void> {
    const bytes = typeof data === 'string' ? Buffer.from(data) : data;
    await this.entry(name, '0', bytes, opts.mode ?? 0o600, opts.mtime ?? new Date());
  }

  async addDir(name: string, opts: { mode?: number; mtime?: Date } = {}): Promise<void> {
    await this.entry(
      name.endsWith('/') ? name : `${name}/`,
      '5',
      Buffer.alloc(0),
      opts.mode ?? 0o700,
      opts.mtime ?? new Date(),
    );
  }

  private async entry(name: string, type: string, data: Buffer, mode: number, mtime: Date): Promise<void> {
    if (Buffer.byteLength(name) > 100 || !/^[\x20-\x7e]*$/.test(name)) {
      const pax = paxPath(name);
      await this.put(header('PaxHeader', pax.length, 'x', 0o644, mtime));
      await this.put(Buffer.concat([pax, pad(pax.length)]));
      name = name.replace(/[^\x20-\x7e]/g, '_').slice(-100);
    }
    await this.put(header(name, data.length, type, mode, mtime));
    await this.put(data);
    await this.put(pad(data.length));
  }

  async close(): Promise<void> {
    this.gzip.end(Buffer.alloc(BLOCK * 2));
    await this.done;
  }
}

const field = (b: Buffer, start: number, len: number) =>
  b
    .subarray(start, start + len)
    .toString('utf8')
    .replace(/\0.*$/s, '');

/** Every file and folder in a .tar.gz; throws a plain Error naming the problem when it is not one. */
export async function readTarGz(file: string): Promise<TarEntry[]> {
  const raw = await promisify(gunzip)(await readFile(file)).catch((err: Error) => {
    throw new Error(`${file} is not a gzip archive (${err.message})`);
  });
  const entries: TarEntry[] = [];
  let pax: string | null = null;
  for (let off = 0; off + BLOCK <= raw.length; ) {
    const h = raw.subarray(off, off + BLOCK);
    if (h.every((b) => b === 0)) break;
    if (field(h, 257, 5) !== 'ustar') throw new Error(`${file} is not a tar archive (no ustar header at byte ${off})`);
    const size = Number.parseInt(field(h, 124, 12).trim() || '0', 8);
    const type = field(h, 156, 1) || '0';
    const data = raw.subarray(off + BLOCK, off + BLOCK + size);
    off += BLOCK + Math.ceil(size / BLOCK) * BLOCK;
    if (type === 'x') {
      pax = /(?:^|\n)\d+ path=([^\n]*)\n/.exec(data.toString('utf8'))?.[1] ?? null;
      continue;
    }
    const prefix = field(h, 345, 155);
    const name = pax ?? (prefix ? `${prefix}/${field(h, 0, 100)}` : field(h, 0, 100));
    pax = null;
    if (type !== '0' && type !== '5') continue;
    entries.push({
      name: type === '5' ? name.replace(/\/+$/, '') : name,
      type: type === '5' ? 'dir' : 'file',
      data: Buffer.from(data),
      mode: Number.parseInt(field(h, 100, 8).trim() || '600', 8),
      mtime: new Date(Number.parseInt(field(h, 136, 12).trim() || '0', 8) * 1000),
    });
  }
  return entries;
}
