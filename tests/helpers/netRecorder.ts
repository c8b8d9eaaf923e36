// Loaded with `node --import` before the daemon: records every outbound connection, DNS question, UDP send, listening
// socket and child process as JSON lines in $TITAN_NET_RECORD, for the privacy test (tests/integration/privacy.test.ts).
import { appendFileSync } from 'node:fs';
import { createRequire, syncBuiltinESMExports } from 'node:module';

// createRequire: the CommonJS module objects are the ones Node's own http/tls/undici code reads its functions from,
// so patching them here is seen everywhere (an ESM namespace import would be a read-only copy).
const require = createRequire(import.meta.url);
const net = require('node:net');
const dns = require('node:dns');
const dgram = require('node:dgram');
const childProcess = require('node:child_process');

const file = process.env.TITAN_NET_RECORD;

function record(entry: Record<string, unknown>): void {
  if (!file) return;
  const line = JSON.stringify({ pid: process.pid, ...entry });
  // Synchronous and O_APPEND: lines from the daemon and its child processes never interleave or get lost on exit.
  try {
    appendFileSync(file, `${line}\n`);
  } catch {
    // the test's folder is gone: nothing left to record for
  }
}

/** Where a net.Socket#connect call goes, from any of its overloads. */
function target(args: unknown[]): Record<string, unknown> {
  let first = args[0];
  if (Array.isArray(first)) first = first[0]; // the normalized [options, cb] form net.connect passes
  if (first && typeof first === 'object') {
    const o = first as { host?: string; port?: number | string; path?: string };
    if (o.path !== undefined) return { path: String(o.path) };
    return { host: o.host ?? 'localhost', port: Number(o.port) };
  }
  if (typeof first === 'string' && Number.isNaN(Number(first))) return { path: first };
  return { host: typeof args[1] === 'string' ? args[1] : 'localhost', port: Number(first) };
}

const connect = net.Socket.prototype.connect;
net.Socket.prototype.connect = function recordedConnect(this: unknown, ...args: unknown[]) {
  record({ kind: 'connect', ...target(args) });
  return connect.apply(this, args);
};

const listen = net.Server.prototype.listen;
net.Server.prototype.listen = function recordedListen(this: unknown, ...args: unknown[]) {
  const first = args[0];
  const where =
    first && typeof first === 'object'
      ? (first as Record<string, unknown>)
      : { port: first, host: typeof args[1] === 'string' ? args[1] : undefined };
  record({ kind: 'listen', host: where.host ?? null, port: where.port ?? null, path: where.path ?? null });
  return listen.apply(this, args);
};

for (const name of ['lookup', 'resolve', 'resolve4', 'resolve6', 'resolveAny', 'resolveSrv', 'resolveTxt']) {
  const original = dns[name];
  dns[name] = function recordedDns(this: unknown, ...args: unknown[]) {
    record({ kind: 'dns', call: name, name: String(args[0]) });
    return original.apply(this, args);
  };
  const promised = dns.promises[name];
  dns.promises[name] = function recordedDnsPromise(this: unknown, ...args: unknown[]) {
    record({ kind: 'dns', call: name, name: String(args[0]) });
    return promised.apply(this, args);
  };
}

const send = dgram.Socket.prototype.send;
dgram.Socket.prototype.send = function recordedSend(this: unknown, ...args: unknown[]) {
  // send(msg, [offset, length,] port, address, cb): the port is the first number after the message (or its slice).
  const rest = args.slice(1).filter((a) => typeof a !== 'function');
  const [port, address] = rest.length >= 4 ? rest.slice(2) : rest;
  record({ kind: 'udp', host: address ?? 'localhost', port: Number(port) });
  return send.apply(this, args);
};
const udpConnect = dgram.Socket.prototype.connect;
dgram.Socket.prototype.connect = function recordedUdpConnect(this: unknown, ...args: unknown[]) {
  record({ kind: 'udp', host: typeof args[1] === 'string' ? args[1] : 'localhost', port: Number(args[0]) });
  return udpConnect.apply(this, args);
};

// spawn, exec, execFile and fork all start their process through ChildProcess#spawn.
const spawn = childProcess.ChildProcess.prototype.spawn;
childProcess.ChildProcess.prototype.spawn = function recordedSpawn(
  this: unknown,
  options: { file?: string; args?: string[] },
) {
  record({ kind: 'spawn', file: options?.file, args: options?.args });
  return spawn.call(this, options);
};
// The synchronous ones do not: each is its own export (execFileSync calls the module's internal spawnSync, not this one).
for (const name of ['spawnSync', 'execSync', 'execFileSync']) {
  const original = childProcess[name];
  childProcess[name] = function recordedSpawnSync(this: unknown, ...args: unknown[]) {
    record({ kind: 'spawn', file: String(args[0]), args: Array.isArray(args[1]) ? args[1] : [], sync: true });
    return original.apply(this, args);
  };
}

// `import { lookup } from 'node:dns'` and friends in the daemon see the recording functions too.
syncBuiltinESMExports();

// Says which process it was loaded in, so a test can tell a silent child from one the recorder never reached.
record({ kind: 'start', argv: process.argv.slice(1) });
