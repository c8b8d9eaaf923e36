// GET /api/logs and /api/logs/audit (filtered, newest first) and the WebSocket live tail /api/logs/tail.
import { upgradeWebSocket } from '@hono/node-server';
import type { Hono } from 'hono';
import * as v from 'valibot';
import { matches, queryLogs } from '../logs/logQuery.ts';
import type { LogLine, Logs } from '../logs/logs.ts';
import { errorBody } from './errors.ts';
import type { ApiRoutes } from './routes.ts';
import { intParam, readQuery } from './validate.ts';

const LogQuery = v.strictObject({
  level: v.optional(
    v.picklist(
      ['trace', 'debug', 'info', 'warn', 'error', 'fatal'],
      'level must be one of trace, debug, info, warn, error, fatal',
    ),
  ),
  q: v.optional(v.pipe(v.string(), v.maxLength(200, 'q must have at most 200 characters'))),
  limit: v.optional(intParam(1, 5000, 'limit'), '200'),
});

const LinesSchema = v.object({ lines: v.array(v.record(v.string(), v.unknown())) });

export function logsRoutes(api: ApiRoutes, app: Hono, deps: { logs: Logs }) {
  api.add(
    {
      method: 'get',
      path: '/api/logs',
      summary: 'Daemon log lines, newest first',
      tag: 'logs',
      query: LogQuery,
      response: LinesSchema,
    },
    async (c, { query }) => c.json({ lines: await queryLogs(deps.logs.appFile, query) }),
  );
  api.add(
    {
      method: 'get',
      path: '/api/logs/audit',
      summary: 'Audit trail (auth, file and tool events), newest first',
      tag: 'logs',
      query: LogQuery,
      response: LinesSchema,
    },
    async (c, { query }) => c.json({ lines: await queryLogs(deps.logs.auditFile, query) }),
  );

  const TailQuery = v.object({
    token: v.optional(v.string()),
    level: v.optional(v.string()),
    q: v.optional(v.string()),
    stream: v.optional(v.picklist(['app', 'audit'])),
  });
  api.document({
    method: 'get',
    path: '/api/logs/tail',
    summary: 'WebSocket live tail of the log (token in ?token=); one JSON line per frame',
    tag: 'logs',
    errors: [426],
    query: TailQuery,
  });
  // The live tail: each new line as one JSON text frame; ?level= and ?q= filter it. Auth and Origin checks run before.
  app.get(
    '/api/logs/tail',
    async function needsUpgrade(c, next) {
      readQuery(c, TailQuery);
      if (c.req.header('upgrade')?.toLowerCase() === 'websocket') return next();
      return c.json(
        errorBody('upgrade_required', 'the live log tail is a WebSocket: connect with ws://…/api/logs/tail?token=…'),
        426,
        { upgrade: 'websocket' },
      );
    },
    upgradeWebSocket((c) => {
      const filter = { level: c.req.query('level'), q: c.req.query('q') };
      const stream = c.req.query('stream') === 'audit' ? 'audit' : 'line';
      let listener: ((line: LogLine) => void) | undefined;
      return {
        onOpen(_evt, ws) {
          listener = (line) => {
            if (matches(line, filter)) ws.send(JSON.stringify(line));
          };
          deps.logs.feed.on(stream, listener);
        },
        onClose() {
          if (listener) deps.logs.feed.off(stream, listener);
        },
      };
    }),
  );
}
