// /api/chat turns: send a message and stream the answer (SSE), re-attach to a running answer, stop it, approve or
// deny tool calls, attach files, and read the recent messages (served from the short-term cache).
import { Readable } from 'node:stream';
import type { Context } from 'hono';
import { streamSSE } from 'hono/streaming';
import * as v from 'valibot';
import type { Approvals } from '../chat/approvals.ts';
import { ChatError } from '../chat/errors/chatError.ts';
import { TurnInProgressError } from '../chat/errors/turnInProgressError.ts';
import type { ChatService } from '../chat/service.ts';
import type { TurnStream } from '../chat/turnStream.ts';
import type { FilesService } from '../files/service.ts';
import { ApiError, conflict, notFound } from './errors.ts';
import { mapFileError } from './filesRoutes.ts';
import { receiveUpload } from './fileUpload.ts';
import type { ApiRoutes } from './routes.ts';
import { intParam } from './validate.ts';

const Id = v.object({ id: v.pipe(v.string(), v.minLength(1)) });
const Obj = v.record(v.string(), v.unknown());

function mapChatError(err: unknown): never {
  if (err instanceof TurnInProgressError) throw conflict(err.code, err.message);
  if (err instanceof ChatError) {
    if (err.code.endsWith('not_found')) throw notFound(err.message);
    if (err.code === 'conversation_deleted') throw conflict(err.code, err.message);
    throw new ApiError(400, err.code, err.message);
  }
  throw err;
}

/** Writes a turn's events as SSE (`event: <type>`); the turn goes on if the client leaves. */
function sse(c: Context, turn: TurnStream) {
  return streamSSE(c, async (stream) => {
    let left = false;
    stream.onAbort(() => {
      left = true;
    });
    for await (const e of turn) {
      if (left) break;
      await stream.writeSSE({ event: e.type, data: JSON.stringify(e) });
    }
  });
}

export function chatRoutes(
  api: ApiRoutes,
  deps: {
    chat: ChatService;
    approvals: Approvals;
    files: FilesService;
    attachmentsFolder: () => string;
    uploadLimit: () => number;
  },
) {
  const { chat } = deps;
  const tag = 'chat';

  api.add(
    {
      method: 'post',
      path: '/api/chat/conversations/:id/messages',
      summary:
        'Send a message; the answer streams back as server-sent events (context, token, tool_call, approval_required, tool_result, message, error, done)',
      tag,
      params: Id,
      body: v.strictObject({
        text: v.pipe(v.string(), v.trim(), v.minLength(1, 'text must not be empty'), v.maxLength(100_000)),
        attachments: v.optional(v.pipe(v.array(v.string()), v.maxLength(20, 'at most 20 attachments'))),
      }),
      errors: [403, 404, 409],
    },
    async (c, { params, body }) => {
      const attachments: string[] = [];
      for (const p of body.attachments ?? []) {
        const t = await deps.files.resolve(p, 'read', 'user').catch(mapFileError);
        if (t.kind !== 'file') throw notFound(`${JSON.stringify(p)} is not a file to attach`);
        attachments.push(t.path);
      }
      const turn = await chat.send(params.id, { text: body.text, attachments }).catch(mapChatError);
      return sse(c, turn);
    },
  );

  api.add(
    {
      method: 'get',
      path: '/api/chat/conversations/:id/stream',
      summary:
        'Re-attach to the answer being written (all its events so far, then live ones); 204 when none is being written',
      tag,
      params: Id,
      errors: [204, 404],
    },
    async (c, { params }) => {
      const turn = chat.streamOf(params.id);
      if (turn) return sse(c, turn);
      // No answer running: 204 (which also tells an EventSource not to reconnect); 404 only for no such conversation.
      await chat.conversation(params.id).catch(mapChatError);
      return c.body(null, 204);
    },
  );

  api.add(
    {
      method: 'post',
      path: '/api/chat/conversations/:id/stop',
      summary: 'Stop the answer being written; what it wrote so far is kept',
      tag,
      params: Id,
      response: v.object({ stopped: v.boolean() }),
    },
    async (c, { params }) => c.json({ stopped: chat.stop(params.id) }),
  );

  api.add(
    {
      method: 'get',
      path: '/api/chat/conversations/:id/recent',
      summary: 'The newest messages of a conversation, from the short-term cache when it has them',
      tag,
      params: Id,
      query: v.object({ limit: v.optional(intParam(1, 500, 'limit'), '20') }),
      response: v.object({ source: v.picklist(['cache', 'store']), messages: v.array(Obj) }),
      errors: [404],
    },
    async (c, { params, query }) => c.json(await chat.recent(params.id, Number(query.limit)).catch(mapChatError)),
  );

  api.add(
    {
      method: 'get',
      path: '/api/chat/approvals',
      summary: 'Tool calls waiting for the user to approve or deny',
      tag,
      query: v.object({ conversation_id: v.optional(v.string()) }),
      response: v.object({ pending: v.array(Obj) }),
    },
    async (c, { query }) => c.json({ pending: deps.approvals.pending(query.conversation_id) }),
  );

  api.add(
    {
      method: 'post',
      path: '/api/chat/approvals/:id',
      summary: 'Approve or deny a tool call; the answer continues either way',
      tag,
      params: Id,
      body: v.strictObject({ decision: v.picklist(['approved', 'denied'], 'decision must be "approved" or "denied"') }),
      response: v.object({ decided: v.boolean() }),
      errors: [404],
    },
    async (c, { params, body }) => {
      if (!deps.approvals.decide(params.id, body.decision)) {
        throw notFound(`no tool call is waiting with the id ${params.id} (already decided, or the answer ended)`);
      }
      return c.json({ decided: true });
    },
  );

  api.add(
    {
      method: 'post',
      path: '/api/chat/attachments',
      summary: 'Upload files for a message (drag and drop): saved in chat.attachments_folder and indexed',
      tag,
      status: 201,
      response: v.object({ files: v.array(Obj), job: Obj }),
      errors: [403, 409, 413, 415],
    },
    async (c) => {
      const folder = deps.attachmentsFolder();
      const dir = await deps.files.resolve(folder, 'write', 'user').catch(mapFileError);
      if (dir.kind === 'missing') await deps.files.ops.mkdir(dir).catch(mapFileError);
      const saved = await receiveUpload(c, deps.uploadLimit(), async (name, stream) => {
        const target = await deps.files.resolve(`${dir.path}/${name}`, 'write', 'user').catch(mapFileError);
        return deps.files.write(target, Readable.from(stream), { rename: true }).catch(mapFileError);
      });
      const paths = saved.flatMap((f) => ('path' in f && typeof f.path === 'string' ? [f.path] : []));
      return c.json({ files: saved, job: deps.files.ingestFiles(paths) }, 201);
    },
  );
}
