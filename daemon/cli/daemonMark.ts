// The running daemon's mark in its data dir (daemon.json: pid and URL), so commands that need the data dir to
// themselves (backup, restore) can refuse while a daemon uses it, and doctor can name the Titan on a port.
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface DaemonMark {
  pid: number;
  url: string;
  started_at: string;
}

const file = (dataDir: string) => join(dataDir, 'daemon.json');

export function writeMark(dataDir: string, url: string): void {
  const mark: DaemonMark = { pid: process.pid, url, started_at: new Date().toISOString() };
  writeFileSync(file(dataDir), `${JSON.stringify(mark)}\n`, { mode: 0o600 });
}

/** Removes the mark only when it is this process's (a second daemon that failed to start must not erase the first's). */
export function clearMark(dataDir: string): void {
  if (readMark(dataDir)?.pid === process.pid) rmSync(file(dataDir), { force: true });
}

export function readMark(dataDir: string): DaemonMark | null {
  try {
    const m = JSON.parse(readFileSync(file(dataDir), 'utf8')) as DaemonMark;
    return typeof m.pid === 'number' && typeof m.url === 'string' ? m : null;
  } catch {
    return null;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: the process exists but belongs to someone else.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The daemon using this data dir, if its process is still alive (a mark left by a crash is ignored). */
export function runningDaemon(dataDir: string): DaemonMark | null {
  const mark = readMark(dataDir);
  return mark && mark.pid !== process.pid && alive(mark.pid) ? mark : null;
}
