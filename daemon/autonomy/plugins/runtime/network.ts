// Refuses network connections to hosts a plugin did not declare. Node 24's permission model has no network flag, so
// this wraps what reaches the network from inside the process: fetch, every TCP/TLS socket (http, https, net, tls,
// WebSocket all connect through net.Socket), and UDP. It guards honest plugins' mistakes; see the README for limits.
import dgram from 'node:dgram';
import net from 'node:net';

export class NetworkRefusedError extends Error {
  readonly code = 'ERR_NETWORK_REFUSED';
}

/** Whether `host` is one of `allowed` ("api.example.com", or "*.example.com" for it and its subdomains). */
export function hostAllowed(host: string, allowed: readonly string[]): boolean {
  const h = host
    .toLowerCase()
    .replace(/^\[|\]$/g, '')
    .replace(/\.$/, '');
  return allowed.some((a) => {
    const rule = a.toLowerCase();
    if (!rule.startsWith('*.')) return h === rule;
    const base = rule.slice(2);
    return h === base || h.endsWith(`.${base}`);
  });
}

const refuse = (plugin: string, host: string) =>
  new NetworkRefusedError(
    `plugin ${plugin} may not reach "${host}": add it to permissions.network in its plugin.json to allow it`,
  );

function hostOfConnect(args: unknown[]): string | null {
  // net.connect() passes its normalised arguments on as one array.
  const [first, second] = Array.isArray(args[0]) ? (args[0] as unknown[]) : args;
  if (typeof first === 'object' && first !== null) {
    const o = first as { host?: unknown; path?: unknown; port?: unknown };
    if (typeof o.path === 'string' && o.port === undefined) return null;
    return typeof o.host === 'string' ? o.host : 'localhost';
  }
  if (typeof first === 'number' || (typeof first === 'string' && /^\d+$/.test(first))) {
    return typeof second === 'string' ? second : 'localhost';
  }
  // A string that is not a port: a Unix socket or named pipe path.
  return null;
}

export function guardNetwork(plugin: string, allowed: readonly string[]): void {
  const realFetch = globalThis.fetch;
  const guardedFetch: typeof fetch = (input, init) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    if (!hostAllowed(url.hostname, allowed)) return Promise.reject(refuse(plugin, url.hostname));
    return realFetch(input, init);
  };
  Object.defineProperty(globalThis, 'fetch', { value: guardedFetch, writable: false, configurable: false });

  const realConnect = net.Socket.prototype.connect;
  const guardedConnect = function (this: net.Socket, ...args: unknown[]) {
    const host = hostOfConnect(args);
    if (host === null) throw refuse(plugin, 'a local socket');
    if (!hostAllowed(host, allowed)) throw refuse(plugin, host);
    return (realConnect as (...a: unknown[]) => net.Socket).apply(this, args);
  };
  Object.defineProperty(net.Socket.prototype, 'connect', {
    value: guardedConnect,
    writable: false,
    configurable: false,
  });
  // Datagrams have no host to check before they are sent: refused as a whole.
  const noUdp = () => {
    throw refuse(plugin, 'UDP');
  };
  Object.defineProperty(dgram, 'createSocket', { value: noUdp, writable: false, configurable: false });
}
