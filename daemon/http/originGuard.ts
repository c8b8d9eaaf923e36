// Host and Origin checks: defeat DNS rebinding and cross-site requests to the loopback daemon.
import type { MiddlewareHandler } from 'hono';
import { forbidden } from './errors.ts';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
const LOOPBACK_NAMES = ['127.0.0.1', 'localhost', '[::1]'];

/** The Host header values this daemon answers to: its loopback names (and its configured host) with its port. */
export function allowedHosts(configuredHost: string, port: number): Set<string> {
  const names = new Set(LOOPBACK_NAMES);
  if (!['0.0.0.0', '::', '127.0.0.1', 'localhost', '::1'].includes(configuredHost)) {
    names.add(configuredHost.includes(':') ? `[${configuredHost}]` : configuredHost);
  }
  return new Set([...names].map((n) => `${n}:${port}`));
}

/**
 * `hosts()` is read per request because the port is only known once the server listens (port 0 in tests).
 * Requests without an Origin (curl, scripts) pass the Origin check; browsers always send one on
 * cross-origin writes and WebSocket upgrades.
 */
export function originGuard(hosts: () => Set<string>): MiddlewareHandler {
  return async function originGuardMiddleware(c, next) {
    const allowed = hosts();
    const host = c.req.header('host')?.toLowerCase();
    if (!host || !allowed.has(host)) {
      throw forbidden(
        'bad_host',
        `requests must be addressed to ${[...allowed][0]}; the Host header "${host ?? ''}" is refused`,
      );
    }
    const isUpgrade = c.req.header('upgrade')?.toLowerCase() === 'websocket';
    if (!SAFE_METHODS.has(c.req.method) || isUpgrade) {
      const origin = c.req.header('origin');
      if (origin !== undefined) {
        let originHost = '';
        try {
          const u = new URL(origin);
          originHost = u.protocol === 'http:' || u.protocol === 'https:' ? u.host.toLowerCase() : '';
        } catch {
          // "null" and other opaque origins are foreign
        }
        if (!allowed.has(originHost)) {
          throw forbidden(
            'bad_origin',
            `requests from the origin "${origin}" are refused: open Titan at http://${[...allowed][0]}`,
          );
        }
      }
      if (c.req.header('sec-fetch-site') === 'cross-site') {
        throw forbidden('bad_origin', 'cross-site requests are refused');
      }
    }
    await next();
  };
}
