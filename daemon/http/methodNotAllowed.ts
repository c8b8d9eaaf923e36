// The answer for a request that found no route: 405 with an Allow header when the path exists under other methods
// (so clients learn what the path takes), else 404 pointing to the API docs.
import type { Context, Hono } from 'hono';
import { errorBody } from './errors.ts';

/** A hono route path (`/api/files/:id`, `/assets/*`) as a regular expression over request paths. */
function patternOf(path: string): RegExp {
  const source = path
    .split('/')
    .map((part) => {
      if (part === '*') return '.*';
      const constrained = /^:[A-Za-z_]+\{(.+)\}$/.exec(part);
      if (constrained) return `(?:${constrained[1]})`;
      if (part.startsWith(':')) return '[^/]+';
      return part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    })
    .join('/');
  return new RegExp(`^${source}/?$`);
}

/** The methods the app answers on a path (middleware registered for every method does not count). */
export function allowedMethods(app: Hono, path: string): string[] {
  const methods = new Set<string>();
  for (const route of app.routes) {
    if (route.method === 'ALL') continue;
    if (patternOf(route.path).test(path)) methods.add(route.method);
  }
  if (methods.has('GET')) methods.add('HEAD');
  return [...methods].sort();
}

export function noRoute(app: Hono) {
  return function noRouteHandler(c: Context): Response {
    const allowed = allowedMethods(app, c.req.path);
    if (allowed.length > 0 && !allowed.includes(c.req.method)) {
      return c.json(
        errorBody('method_not_allowed', `${c.req.path} does not take ${c.req.method}: use ${allowed.join(', ')}`),
        405,
        { allow: allowed.join(', ') },
      );
    }
    return c.json(errorBody('not_found', `no route for ${c.req.method} ${c.req.path}: see /docs for the API`), 404);
  };
}
