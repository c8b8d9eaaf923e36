// `titan mcp` while a daemon runs on the same data dir: relays each JSON-RPC message between stdin/stdout and the
// daemon's POST /mcp, with a login token minted from the data dir's own key (PGlite lets only one process open it).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import type { FetchLike } from '@modelcontextprotocol/sdk/shared/transport.js';
import { isInitializeRequest, isJSONRPCRequest, type JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import type { TokenIssuer } from '../../auth/tokens.ts';
import type { Settings } from '../../config/schema.ts';
import { CLIENT_HEADER } from './httpRoute.ts';

const PROBE_MS = 2000;

function loopbackUrl(host: string, port: number): string {
  const name = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
  return `http://${name}:${port}`;
}

/** Where a daemon of this data dir may listen: the URL it wrote at start (daemon.json), then the settings' port. */
function candidates(dataDir: string, server: Settings['server']): string[] {
  const urls: string[] = [];
  try {
    const mark = JSON.parse(readFileSync(join(dataDir, 'daemon.json'), 'utf8')) as { url?: unknown };
    if (typeof mark.url === 'string' && /^http:\/\/[^/]+$/.test(mark.url)) urls.push(mark.url);
  } catch {
    // no daemon has written its mark
  }
  if (server.port !== 0) urls.push(loopbackUrl(server.host, server.port));
  return [...new Set(urls)];
}

/**
 * The base URL of a running daemon that accepts this data dir's tokens, or null. A program on the port that is not
 * Titan, or a Titan of another data dir (its key refuses our token), does not count.
 */
export async function findDaemon(dataDir: string, server: Settings['server'], tokens: TokenIssuer) {
  const { token } = await tokens.issue();
  for (const base of candidates(dataDir, server)) {
    try {
      const res = await fetch(`${base}/api/mcp/servers`, {
        headers: { authorization: `Bearer ${token}` },
        signal: AbortSignal.timeout(PROBE_MS),
      });
      await res.body?.cancel();
      if (res.status === 200) return base;
    } catch {
      // nothing answers there
    }
  }
  return null;
}

/** Resolves when the input ends (the MCP client closed our stdin) — the relay's only way to end. */
export function ended(stdin: Readable): Promise<void> {
  return new Promise((resolve) => {
    if (stdin.readableEnded || stdin.destroyed) resolve();
    stdin.once('end', () => resolve());
    stdin.once('close', () => resolve());
  });
}

export async function relayStdio(opts: {
  base: string;
  tokens: TokenIssuer;
  stdin: Readable;
  stdout: Writable;
  log: (line: string) => void;
}): Promise<void> {
  let clientName = 'stdio';
  let token = await opts.tokens.issue();
  // A client may stay open for days: a fresh token well before the old one expires.
  const authFetch: FetchLike = async (url, init) => {
    if (Date.parse(token.expires_at) - Date.now() < 3_600_000) token = await opts.tokens.issue();
    const headers = new Headers(init?.headers);
    headers.set('authorization', `Bearer ${token.token}`);
    headers.set(CLIENT_HEADER, clientName);
    return fetch(url, { ...init, headers });
  };
  const local = new StdioServerTransport(opts.stdin, opts.stdout);
  const remote = new StreamableHTTPClientTransport(new URL(`${opts.base}/mcp`), { fetch: authFetch });
  const send = (m: JSONRPCMessage) => local.send(m).catch((err: Error) => opts.log(`stdout: ${err.message}`));
  remote.onmessage = (m) => {
    const version = (m as { result?: { protocolVersion?: unknown } }).result?.protocolVersion;
    if (typeof version === 'string') remote.setProtocolVersion(version);
    void send(m);
  };
  remote.onerror = (err) => opts.log(`daemon: ${err.message}`);
  local.onmessage = (m) => {
    if (isInitializeRequest(m)) clientName = m.params.clientInfo.name.slice(0, 64);
    remote.send(m).catch((err: Error) => {
      opts.log(`daemon: ${err.message}`);
      if (isJSONRPCRequest(m)) {
        const message = `Titan's daemon at ${opts.base} did not answer (${err.message}); is it still running?`;
        void send({ jsonrpc: '2.0', id: m.id, error: { code: -32603, message } });
      }
    });
  };
  await remote.start();
  await local.start();
  opts.log(`relaying to the daemon at ${opts.base}`);
  await ended(opts.stdin);
  await remote.close();
  await local.close();
}
