// /api/bus: dead letters (list, requeue, discard), live limits, and publish/subscribe for scripts in any language.
import type { Hono } from 'hono';
import { streamSSE } from 'hono/streaming';
import * as v from 'valibot';
import type { Bus } from '../../bus/bus.ts';
import { BusError } from '../../bus/errors/busError.ts';
import { PRIORITIES, TOPICS, type Topic } from '../../bus/event.ts';
import { SettingsError } from '../config/errors.ts';
import { SettingsSchema } from '../config/schema.ts';
import { maskSettings } from '../config/secrets.ts';
import type { SettingsStore } from '../config/settingsStore.ts';
import type { Logs } from '../logs/logs.ts';
import { ApiError, badRequest, conflict, notFound } from './errors.ts';
import type { ApiRoutes } from './routes.ts';
import { intParam, readQuery } from './validate.ts';

const EntryId = v.object({
  id: v.pipe(v.string(), v.regex(/^\d{1,20}-\d{1,20}$/, 'id must be a stream entry id such as 1700000000000-0')),
});

const PublishBody = v.strictObject({
  topic: v.picklist(
    TOPICS.filter((t) => t !== 'errors.dlq'),
    'topic must be one of chat.v1, fs.v1, system.v1, plugin.v1',
  ),
  event_type: v.string('event_type must be a string'),
  payload: v.record(v.string(), v.unknown(), 'payload must be a JSON object'),
  priority: v.optional(v.picklist(PRIORITIES, 'priority must be high, medium or low')),
  trace_id: v.optional(v.string()),
});

const BusConfig = SettingsSchema.entries.bus;

const DeadLetterView = v.object({
  id: v.string(),
  event_id: v.string(),
  timestamp: v.string(),
  reason: v.string(),
  group: v.string(),
  original_topic: v.string(),
  original_event_id: v.nullable(v.string()),
  retries: v.number(),
  error: v.object({ message: v.string(), stack: v.nullable(v.string()) }),
  event: v.nullable(v.record(v.string(), v.unknown())),
  raw: v.nullable(v.string()),
});

function mapBusError(err: unknown): never {
  if (err instanceof BusError) {
    if (err.code === 'dead_letter_not_found') throw notFound(err.message);
    if (err.code === 'dead_letter_not_requeueable') throw conflict(err.code, err.message);
    throw badRequest(err.code, err.message);
  }
  throw err;
}

export function busRoutes(api: ApiRoutes, app: Hono, deps: { bus: Bus; settings: SettingsStore; logs: Logs }) {
  const { bus } = deps;

  api.add(
    {
      method: 'get',
      path: '/api/bus/dlq',
      summary: 'Dead letters, oldest first, a page at a time',
      tag: 'bus',
      query: v.strictObject({
        cursor: v.optional(
          v.pipe(v.string(), v.regex(/^\d{1,20}-\d{1,20}$/, 'cursor must be an entry id from "next"')),
        ),
        limit: v.optional(intParam(1, 500, 'limit'), '50'),
      }),
      response: v.object({ entries: v.array(DeadLetterView), next: v.nullable(v.string()) }),
    },
    async (c, { query }) => {
      const page = await bus.deadLetters(query.cursor ?? null, query.limit);
      return c.json({
        entries: page.entries.map((e) => ({
          id: e.id,
          event_id: e.event.event_id,
          timestamp: e.event.timestamp,
          reason: e.letter.reason,
          group: e.letter.group,
          original_topic: e.letter.original_topic,
          original_event_id: e.letter.original_event_id,
          retries: e.letter.retries,
          error: e.letter.error,
          event: e.letter.event,
          raw: e.letter.raw,
        })),
        next: page.next,
      });
    },
  );

  api.add(
    {
      method: 'post',
      path: '/api/bus/dlq/:id/requeue',
      summary: 'Send a dead letter back to the group that failed it',
      tag: 'bus',
      params: EntryId,
      response: v.object({ requeued_as: v.string() }),
      errors: [404, 409],
    },
    async (c, { params }) => {
      const newId = await bus.requeueDeadLetter(params.id).catch(mapBusError);
      deps.logs.audit.info({ event: 'bus.dlq.requeue', id: params.id, requeued_as: newId }, 'dead letter requeued');
      return c.json({ requeued_as: newId });
    },
  );

  api.add(
    {
      method: 'delete',
      path: '/api/bus/dlq/:id',
      summary: 'Discard a dead letter',
      tag: 'bus',
      params: EntryId,
      status: 204,
      errors: [404],
    },
    async (c, { params }) => {
      if (!(await bus.discardDeadLetter(params.id))) throw notFound(`no dead letter ${params.id}`);
      deps.logs.audit.info({ event: 'bus.dlq.discard', id: params.id }, 'dead letter discarded');
      return c.body(null, 204);
    },
  );

  api.add(
    {
      method: 'get',
      path: '/api/bus/config',
      summary: 'Stream limits and priority weights in force',
      tag: 'bus',
      response: BusConfig,
    },
    (c) => c.json(maskSettings(deps.settings.get()).bus),
  );

  api.add(
    {
      method: 'put',
      path: '/api/bus/config',
      summary: 'Change stream limits and weights; rate limits apply at once',
      tag: 'bus',
      body: v.record(v.string(), v.unknown()),
      response: BusConfig,
    },
    (c, { body }) => {
      try {
        const { settings } = deps.settings.update({ ...maskSettings(deps.settings.get()), bus: body });
        deps.logs.audit.info({ event: 'bus.config.update' }, 'bus limits changed');
        return c.json(maskSettings(settings).bus);
      } catch (err) {
        if (err instanceof SettingsError) throw badRequest('invalid_settings', err.problems.join('; '));
        throw err;
      }
    },
  );

  api.add(
    {
      method: 'post',
      path: '/api/bus/publish',
      summary: 'Publish an event (for scripts and plugins in any language)',
      tag: 'bus',
      body: PublishBody,
      status: 201,
      response: v.object({ event_id: v.string() }),
    },
    async (c, { body }) => {
      const id = await bus
        .publish(body.topic, body.event_type, body.payload, {
          priority: body.priority,
          traceId: body.trace_id,
          source: 'api',
        })
        .catch(mapBusError);
      return c.json({ event_id: id }, 201);
    },
  );

  const SubscribeQuery = v.object({
    topic: v.picklist(
      ['chat.v1', 'fs.v1', 'system.v1', 'plugin.v1'],
      'topic must be one of chat.v1, fs.v1, system.v1, plugin.v1',
    ),
    group: v.pipe(
      v.string(),
      v.regex(/^[A-Za-z0-9_.-]{1,64}$/, 'group must be 1–64 letters, digits, dots, dashes or underscores'),
    ),
    start: v.optional(v.picklist(['new', 'all'], 'start must be "new" or "all"')),
  });
  api.document({
    method: 'get',
    path: '/api/bus/subscribe',
    summary: 'Server-sent events: each event of the topic for the group, acked once written',
    tag: 'bus',
    query: SubscribeQuery,
  });
  // Server-sent events: each event of the topic for the group, acked once written to the response.
  app.get('/api/bus/subscribe', async (c) => {
    readQuery(c, SubscribeQuery);
    const topic = c.req.query('topic') as Topic;
    const group = c.req.query('group') ?? '';
    if (!TOPICS.includes(topic) || topic === 'errors.dlq')
      throw badRequest('invalid_input', 'topic must be one of chat.v1, fs.v1, system.v1, plugin.v1');
    if (!/^[A-Za-z0-9_.-]{1,64}$/.test(group))
      throw badRequest('invalid_input', 'group must be 1–64 letters, digits, dots, dashes or underscores');
    return streamSSE(c, async (stream) => {
      const sub = await bus.subscribe(
        topic,
        group,
        async (event) => {
          if (stream.aborted || stream.closed)
            throw new ApiError(503, 'subscriber_gone', 'the subscriber disconnected');
          await stream.writeSSE({ id: event.event_id, event: event.event_type, data: JSON.stringify(event) });
        },
        { start: c.req.query('start') === 'all' ? 'all' : 'new' },
      );
      await new Promise<void>((resolve) => stream.onAbort(() => resolve()));
      await bus.unsubscribe(sub);
    });
  });
}
