// Middleware: every /api route but the public ones needs `Authorization: Bearer <token>` (or ?token= on WebSocket upgrades).
import type { MiddlewareHandler } from 'hono';
import { unauthorized } from '../http/errors.ts';
import type { TokenIssuer } from './tokens.ts';

export function requireAuth(
  tokens: TokenIssuer,
  isPublic: (method: string, path: string) => boolean,
): MiddlewareHandler {
  return async function requireAuthMiddleware(c, next) {
    if (isPublic(c.req.method, c.req.path)) return next();
    const header = c.req.header('authorization');
    let token: string | undefined;
    if (header !== undefined) {
      const m = /^Bearer ([A-Za-z0-9._~+/=-]+)$/.exec(header);
      if (!m) throw unauthorized('the Authorization header must be "Bearer <token>"');
      token = m[1];
    } else if (c.req.header('upgrade')?.toLowerCase() === 'websocket') {
      // Browsers cannot set headers on WebSocket upgrades, so the token may come in the query.
      token = c.req.query('token');
    }
    if (!token) throw unauthorized('log in first: POST /api/auth/login, then send "Authorization: Bearer <token>"');
    const problem = await tokens.check(token);
    if (problem) throw unauthorized(problem);
    await next();
  };
}
