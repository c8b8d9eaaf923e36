// Reads log lines back, newest first, filtered by minimum level and a search string.
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
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

async function readLines(path: string): Promise<string[]> {
  const lines: string[] = [];
  try {
    const rl = createInterface({ input: createReadStream(path, 'utf8'), crlfDelay: Number.POSITIVE_INFINITY });
    for await (const l of rl) if (l) lines.push(l);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  return lines;
}

/** Walks the files newest first; the cap on all logs keeps this bounded. */
export async function queryLogs(file: RotatingFile, filter: LogFilter): Promise<LogLine[]> {
  const out: LogLine[] = [];
  for (const path of file.files()) {
    const lines = await readLines(path);
    for (let i = lines.length - 1; i >= 0 && out.length < filter.limit; i--) {
      const raw = lines[i] as string;
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
