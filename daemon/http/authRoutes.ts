// POST /api/auth/setup (first run only) and /api/auth/login: trade the app password for a token.
import type { Context } from 'hono';
import * as v from 'valibot';
import type { LoginLimiter } from '../auth/loginLimiter.ts';
import { hashPassword, type PasswordFile, verifyPassword } from '../auth/password.ts';
import type { TokenIssuer } from '../auth/tokens.ts';
import type { Logs } from '../logs/logs.ts';
import { ApiError, conflict, unauthorized } from './errors.ts';
import type { ApiRoutes } from './routes.ts';

const PasswordBody = v.strictObject({
  password: v.pipe(
    v.string('password must be a string'),
    v.minLength(8, 'the password must have at least 8 characters'),
    v.maxLength(1024, 'the password must have at most 1024 characters'),
  ),
});

const TokenSchema = v.object({ token: v.string(), expires_at: v.string() });

interface AuthDeps {
  passwords: PasswordFile;
  tokens: TokenIssuer;
  limiter: LoginLimiter;
  logs: Logs;
}

function clientOf(c: Context): string {
  const incoming = (c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined)?.incoming;
  return incoming?.socket?.remoteAddress ?? 'unknown';
}

function limit(deps: AuthDeps, c: Context, action: string): void {
  const wait = deps.limiter.take(clientOf(c));
  if (wait > 0) {
    deps.logs.audit.warn({ event: `auth.${action}.throttled`, client: clientOf(c) }, 'too many attempts');
    throw new ApiError(429, 'too_many_attempts', `too many attempts: try again in ${wait} s`, {
      'Retry-After': String(wait),
    });
  }
}

export function authRoutes(api: ApiRoutes, deps: AuthDeps) {
  api.add(
    {
      method: 'get',
      path: '/api/auth/status',
      summary: 'Whether the app password still has to be set',
      tag: 'auth',
      public: true,
      response: v.object({ setup_required: v.boolean() }),
    },
    (c) => c.json({ setup_required: !deps.passwords.isSet() }),
  );

  api.add(
    {
      method: 'post',
      path: '/api/auth/setup',
      summary: 'Set the app password (first run only) and get a token',
      tag: 'auth',
      public: true,
      body: PasswordBody,
      response: TokenSchema,
      errors: [409, 429],
    },
    async (c, { body }) => {
      limit(deps, c, 'setup');
      if (deps.passwords.isSet())
        throw conflict('already_set_up', 'the app password is already set: log in with POST /api/auth/login');
      if (!deps.passwords.create(await hashPassword(body.password))) {
        throw conflict('already_set_up', 'the app password is already set: log in with POST /api/auth/login');
      }
      deps.logs.audit.info({ event: 'auth.setup', client: clientOf(c) }, 'app password set');
      return c.json(await deps.tokens.issue());
    },
  );

  api.add(
    {
      method: 'post',
      path: '/api/auth/login',
      summary: 'Log in with the app password and get a token',
      tag: 'auth',
      public: true,
      body: PasswordBody,
      response: TokenSchema,
      // Public, so 401 is not implied: it is the wrong password.
      errors: [401, 409, 429],
    },
    async (c, { body }) => {
      limit(deps, c, 'login');
      const stored = deps.passwords.read();
      if (!stored) throw conflict('setup_required', 'no app password is set yet: set one with POST /api/auth/setup');
      if (!(await verifyPassword(body.password, stored))) {
        deps.logs.audit.warn({ event: 'auth.login.failed', client: clientOf(c) }, 'wrong password');
        throw unauthorized('wrong password');
      }
      deps.logs.audit.info({ event: 'auth.login', client: clientOf(c) }, 'logged in');
      return c.json(await deps.tokens.issue());
    },
  );
}
