// Reads log lines back, newest first, filtered by minimum level and a search string.
import { open } from 'node:fs/promises';
import { LEVELS, type LogLine } from './logs.ts';
import type { RotatingFile } from './rotatingFile.ts';

export interface LogFilter {
  level?: string;
  q?: string;
  limit: number;
}

export function matches(line: LogLine, filter: Omit<LogFilter, 'limit'>, raw?: string): boolean {
  if (filter.level && line.level < (LEVELS[filter.level] ?? 0)) return false;
  if (filter.q) return (raw ?? JSON.stringify(line)).toLowerCase().includes(filter.q.toLowerCase());
  return true;
}

const CHUNK = 64 * 1024;

/** Yields a file's lines from the last to the first, reading backwards in chunks, so a small limit reads little. */
async function* linesBackwards(path: string): AsyncGenerator<string> {
  let fh: Awaited<ReturnType<typeof open>>;
  try {
    fh = await open(path, 'r');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw err;
  }
  try {
    let pos = (await fh.stat()).size;
    let tail = Buffer.alloc(0);
    while (pos > 0) {
      const size = Math.min(CHUNK, pos);
      pos -= size;
      const buf = Buffer.alloc(size);
      await fh.read(buf, 0, size, pos);
      tail = Buffer.concat([buf, tail]);
      let nl = tail.lastIndexOf(10);
      while (nl !== -1) {
        const line = tail.subarray(nl + 1).toString('utf8');
        tail = tail.subarray(0, nl);
        if (line) yield line;
        nl = tail.lastIndexOf(10);
      }
    }
    if (tail.length) yield tail.toString('utf8');
  } finally {
    await fh.close();
  }
}

/** Walks the files newest first; the cap on all logs keeps this bounded. */
export async function queryLogs(file: RotatingFile, filter: LogFilter): Promise<LogLine[]> {
  const out: LogLine[] = [];
  for (const path of file.files()) {
    for await (const raw of linesBackwards(path)) {
      if (out.length >= filter.limit) break;
      let parsed: LogLine;
      try {
        parsed = JSON.parse(raw) as LogLine;
      } catch {
        continue; // a line cut by truncation
      }
      if (matches(parsed, filter, raw)) out.push(parsed);
    }
    if (out.length >= filter.limit) break;
  }
  return out;
}
