// Runs single native redis-server processes for tests (plain, AOF, TLS) on free ports in temp dirs; see redisProcesses.ts.
// Only the processes started here are ever signalled, by pid; anything still alive when the worker exits is SIGKILLed.
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';

export const run = promisify(execFile);
export const HOST = '127.0.0.1';
const live = new Set<ChildProcess>();
const dirs = new Set<string>();

// A test file that crashes or forgets afterAll must not leave servers (or their dirs) behind.
process.on('exit', () => {
  for (const child of live) child.kill('SIGKILL');
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** A new temp dir, removed by removeTempDir or, at the latest, when the process exits. */
export function makeTempDir(name: string): string {
  const dir = mkdtempSync(join(tmpdir(), `titan-redis-${name}-`));
  dirs.add(dir);
  return dir;
}

export function removeTempDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
  dirs.delete(dir);
}

/** Polls `probe` until it returns something other than undefined/false; throws `what` after `timeoutMs`. */
export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined | false>,
  timeoutMs = 15_000,
  everyMs = 100,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await probe();
      if (v !== undefined && v !== false) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    }
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** One command on a fresh connection that never retries (so a probe of a dead server fails at once). */
export async function redisCommand(port: number, args: (string | number)[], ca?: Buffer): Promise<unknown> {
  const client = new Redis({
    host: HOST,
    port,
    lazyConnect: true,
    enableReadyCheck: false,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    connectTimeout: 2000,
    ...(ca ? { tls: { ca } } : {}),
  });
  client.on('error', () => {}); // surfaced through the rejected promise instead
  try {
    await client.connect();
    const [cmd, ...rest] = args;
    return await client.call(String(cmd), ...rest);
  } finally {
    client.disconnect();
  }
}

const pingable = (port: number, ca?: Buffer) => () =>
  redisCommand(port, ['PING'], ca).then(
    (r) => r === 'PONG',
    () => false,
  );

/** A free port; with `busPort` also port + 10000 (Redis Cluster's bus), which the OS will not check for us. */
async function freePort(busPort = false): Promise<number> {
  for (let i = 0; i < 50; i++) {
    const port = busPort ? 20_000 + Math.floor(Math.random() * 20_000) : 0;
    const got = await bindable(port);
    if (got !== null && (!busPort || (await bindable(got + 10_000)) !== null)) return got;
  }
  throw new Error('no free port found');
}

function bindable(port: number): Promise<number | null> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.once('error', () => resolve(null));
    srv.listen(port, HOST, () => {
      const addr = srv.address();
      srv.close(() => resolve(typeof addr === 'object' && addr ? addr.port : null));
    });
  });
}

export interface ServerProcess {
  readonly pid: number;
  readonly exited: Promise<void>;
  hasExited(): boolean;
  signal(sig: NodeJS.Signals): void;
  /** SIGTERM, then SIGKILL if it is still running after 5 s. */
  stop(): Promise<void>;
}

function spawnServer(argv: string[]): ServerProcess {
  const child = spawn('redis-server', argv, { stdio: 'ignore' });
  if (child.pid === undefined) throw new Error('redis-server could not be started (is it installed?)');
  live.add(child);
  let done = false;
  const exited = new Promise<void>((resolve) => {
    const finish = () => {
      done = true;
      live.delete(child);
      resolve();
    };
    child.once('exit', finish);
    child.once('error', finish);
  });
  return {
    pid: child.pid,
    exited,
    hasExited: () => done,
    signal: (sig) => {
      if (!done) child.kill(sig);
    },
    async stop() {
      if (done) return;
      child.kill('SIGTERM');
      const timer = new Promise<'late'>((r) => setTimeout(() => r('late'), 5000).unref());
      if ((await Promise.race([exited, timer])) === 'late') {
        child.kill('SIGKILL');
        await exited;
      }
    },
  };
}

const logTail = (file: string) => (existsSync(file) ? readFileSync(file, 'utf8').split('\n').slice(-8).join('\n') : '');

/**
 * Spawns `argvFor(port)` and waits until it answers PING. A port we picked may be taken by a parallel test in the
 * meantime: then the server exits at once and we try another port. A fixed port (restart) is never changed.
 */
export async function launch(
  argvFor: (port: number) => string[],
  logFile: string,
  opts: { port?: number; busPort?: boolean; ca?: Buffer } = {},
): Promise<{ port: number; proc: ServerProcess }> {
  for (let attempt = 1; ; attempt++) {
    const port = opts.port ?? (await freePort(opts.busPort));
    const proc = spawnServer(argvFor(port));
    const ping = pingable(port, opts.ca);
    const ready = await waitFor(`redis-server on port ${port}`, async () => (proc.hasExited() ? 'exited' : ping()));
    if (ready === true) return { port, proc };
    if (opts.port !== undefined || attempt >= 3) {
      throw new Error(`redis-server on port ${port} exited during start-up:\n${logTail(logFile)}`);
    }
  }
}

export interface RedisServer {
  readonly port: number;
  readonly url: string;
  readonly dir: string;
  /** The current process (a restart gets a new one). */
  readonly pid: number;
  /** Stops the server and removes its dir (unless the caller passed `dir`). */
  stop(): Promise<void>;
  /** Sends `signal` (default SIGKILL, a crash); waits for the exit unless it is SIGSTOP/SIGCONT. */
  kill(signal?: NodeJS.Signals): Promise<void>;
  /** Stops it if running and starts it again on the same port and dir (so it reloads its AOF). */
  restart(): Promise<void>;
}

export interface StartRedisOptions {
  /** AOF with fsync on every write (persistence tests); otherwise nothing is persisted (`--save ''`). */
  appendonly?: boolean;
  /** Extra redis-server arguments, e.g. ['--replicaof', '127.0.0.1', '6379']. */
  args?: string[];
  /** Default: a free port. */
  port?: number;
  /** Default: a new temp dir, removed by stop(). */
  dir?: string;
  /** Also keep port + 10000 free (Cluster bus). Internal to startCluster. */
  busPort?: boolean;
}

export async function startRedis(opts: StartRedisOptions = {}): Promise<RedisServer> {
  const ownDir = opts.dir === undefined;
  const dir = opts.dir ?? makeTempDir('server');
  mkdirSync(dir, { recursive: true });
  const logFile = join(dir, 'redis.log');
  const persistence = opts.appendonly ? ['--appendonly', 'yes', '--appendfsync', 'always'] : ['--save', ''];
  const argvFor = (port: number) => [
    ...['--port', String(port), '--bind', HOST, '--dir', dir, '--logfile', logFile, '--daemonize', 'no'],
    ...persistence,
    ...(opts.args ?? []),
  ];
  let { port, proc } = await launch(argvFor, logFile, { port: opts.port, busPort: opts.busPort });
  return {
    port,
    url: `redis://${HOST}:${port}`,
    dir,
    get pid() {
      return proc.pid;
    },
    async stop() {
      await proc.stop();
      if (ownDir) removeTempDir(dir);
    },
    async kill(signal: NodeJS.Signals = 'SIGKILL') {
      proc.signal(signal);
      if (signal !== 'SIGSTOP' && signal !== 'SIGCONT') await proc.exited;
    },
    async restart() {
      await proc.stop();
      ({ port, proc } = await launch(argvFor, logFile, { port }));
    },
  };
}

export interface TlsRedisServer {
  readonly port: number;
  /** rediss://127.0.0.1:port */
  readonly url: string;
  /** PEM of the CA that signed the server certificate. */
  readonly caFile: string;
  readonly dir: string;
  stop(): Promise<void>;
}

/** A throwaway CA and a server certificate for 127.0.0.1 and localhost, made with the openssl CLI. */
async function makeCertificates(dir: string) {
  const f = (name: string) => join(dir, name);
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  await run(
    'openssl',
    ['req', '-x509', ...ec, '-keyout', f('ca.key'), '-out', f('ca.crt'), '-days', '2']
      .concat(['-subj', '/CN=titan test CA', '-addext', 'basicConstraints=critical,CA:TRUE'])
      .concat(['-addext', 'keyUsage=critical,keyCertSign,cRLSign']),
  );
  await run('openssl', [
    'req',
    '-new',
    ...ec,
    '-keyout',
    f('server.key'),
    '-out',
    f('server.csr'),
    '-subj',
    '/CN=localhost',
  ]);
  writeFileSync(
    f('server.ext'),
    'subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n',
  );
  await run(
    'openssl',
    ['x509', '-req', '-in', f('server.csr'), '-CA', f('ca.crt'), '-CAkey', f('ca.key')].concat([
      '-CAcreateserial',
      '-out',
      f('server.crt'),
      '-days',
      '2',
      '-extfile',
      f('server.ext'),
    ]),
  );
  return { caFile: f('ca.crt'), certFile: f('server.crt'), keyFile: f('server.key') };
}

/** TLS only (the plain port is off); clients are not asked for certificates. */
export async function startTlsRedis(): Promise<TlsRedisServer> {
  const dir = makeTempDir('tls');
  const { caFile, certFile, keyFile } = await makeCertificates(dir);
  const logFile = join(dir, 'redis.log');
  const argvFor = (port: number) => [
    ...['--port', '0', '--tls-port', String(port), '--bind', HOST, '--dir', dir, '--logfile', logFile, '--save', ''],
    ...['--tls-cert-file', certFile, '--tls-key-file', keyFile, '--tls-ca-cert-file', caFile],
    ...['--tls-auth-clients', 'no', '--daemonize', 'no'],
  ];
  const { port, proc } = await launch(argvFor, logFile, { ca: readFileSync(caFile) });
  return {
    port,
    url: `rediss://${HOST}:${port}`,
    caFile,
    dir,
    async stop() {
      await proc.stop();
      removeTempDir(dir);
    },
  };
}
