// Runs a titan command (the built executable or node + daemon/main.ts) as its own process in throwaway folders, and
// resolves once it prints its URL; for the executable tests and the executable benchmark.
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TitanProcess {
  child: ChildProcess;
  /** The URL the daemon printed; rejects if it exits first. */
  url: Promise<string>;
  exited: Promise<number | null>;
  out(): string;
  err(): string;
}

/** A temp folder with the user's home, TITAN_HOME and the asset cache inside it. */
export function tempHome(prefix = 'titan-exe-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  mkdirSync(join(dir, 'Desktop'));
  mkdirSync(join(dir, 'Downloads'));
  return dir;
}

/** The environment of a user whose everything lives under `home`; the executable unpacks its assets in `cache`. */
export function homeEnv(home: string, cache = join(home, '.cache')): NodeJS.ProcessEnv {
  return {
    ...process.env,
    HOME: home,
    XDG_CONFIG_HOME: join(home, '.config'),
    XDG_CACHE_HOME: cache,
    XDG_DATA_HOME: join(home, '.local', 'share'),
    TITAN_HOME: join(home, 'titan'),
    TITAN_PORT: '0',
    NODE_OPTIONS: '',
  };
}

export function runTitan(command: string[], env: NodeJS.ProcessEnv): TitanProcess {
  const [program, ...args] = command as [string, ...string[]];
  const child = spawn(program, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stderr?.on('data', (d) => {
    err += d;
  });
  // 'close', not 'exit': by then stdout and stderr are read to the end.
  const exited = once(child, 'close').then(([code]) => code as number | null);
  const url = new Promise<string>((resolve, reject) => {
    child.stdout?.on('data', (d) => {
      out += d;
      const m = /Titan is running at (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (m?.[1]) resolve(m[1]);
    });
    void exited.then((code) => reject(new Error(`titan exited (${code}) before printing its URL:\n${out}${err}`)));
  });
  url.catch(() => {});
  return { child, url, exited, out: () => out, err: () => err };
}

/** Runs a command that ends by itself and returns its exit code and output. */
export async function runToEnd(command: string[], env: NodeJS.ProcessEnv) {
  const p = runTitan(command, env);
  const code = await p.exited;
  return { code, out: p.out(), err: p.err() };
}
