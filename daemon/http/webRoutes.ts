// Serves the web UI (web/dist, built by `make web`) at /: hashed assets cached for a year, the page and the service
// worker never cached, a strict CSP (no inline script, API and WebSockets only to the daemon itself).
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { serveStatic } from '@hono/node-server/serve-static';
import type { Hono } from 'hono';
import { assetDir } from '../assets.ts';

const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  // Solid sets style attributes (virtual list offsets, graph sizes); no inline script is allowed.
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "connect-src 'self'",
  "worker-src 'self'",
  "manifest-src 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'self'",
].join('; ');

export function webRoutes(app: Hono, opts: { dist?: string; version: string } = { version: '' }): void {
  const dist = opts.dist ?? assetDir('web');
  const root = relative(process.cwd(), dist) || '.';
  app.use('*', async function webHeaders(c, next) {
    await next();
    if (c.req.path.startsWith('/api/') || c.req.path.startsWith('/docs')) return;
    c.header('content-security-policy', CSP);
    const asset = c.req.path.startsWith('/assets/');
    c.header('cache-control', asset && c.res.status === 200 ? 'public, max-age=31536000, immutable' : 'no-cache');
  });
  app.use('/assets/*', serveStatic({ root }));
  for (const file of ['/sw.js', '/manifest.webmanifest', '/icon.svg', '/icon-192.png', '/icon-512.png']) {
    app.get(file, serveStatic({ path: join(root, file) }));
  }
  // The page lives at / only: screens are hash routes (#/files), so any other path is a plain 404.
  app.get('/', async (c) => {
    const index = join(dist, 'index.html');
    if (!existsSync(index)) {
      return c.html(
        `<!doctype html><meta charset="utf-8"><title>Titan</title><h1>Titan ${opts.version} is running</h1><p>The web UI is not built: run <code>make web</code>. The API and its documentation: <a href="/docs">/docs</a>.</p>`,
      );
    }
    return c.html(await readFile(index, 'utf8'));
  });
}
