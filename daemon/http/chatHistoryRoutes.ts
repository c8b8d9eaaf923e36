// /api/chat history: conversations (create, list by cursor, read, rename, soft delete, restore), their messages page by
// page, export as Markdown or JSON, and full-text search over every message with highlighted snippets.
import * as v from 'valibot';
import { ChatError } from '../chat/errors/chatError.ts';
import { conversationJson, conversationMarkdown, exportFileName } from '../chat/export.ts';
import { type ChatStore, MAX_TITLE_CHARS } from '../chat/store.ts';
import { ApiError, badRequest } from './errors.ts';
import type { ApiRoutes } from './routes.ts';
import { intParam } from './validate.ts';

const ULID = /^[0-9A-HJKMNP-TV-Z]{26}$/;
const Id = v.object({ id: v.pipe(v.string(), v.regex(ULID, 'id must be a conversation id (a ULID)')) });
const Cursor = v.pipe(v.string(), v.minLength(1, 'a cursor must not be empty'), v.maxLength(400, 'not a cursor'));
const Title = v.pipe(
  v.string('title must be a string'),
  v.check((t) => t.trim() !== '', 'title must not be empty'),
  v.maxLength(MAX_TITLE_CHARS, `title has at most ${MAX_TITLE_CHARS} characters`),
);
const Iso = v.string();

const Conversation = v.object({
  id: v.string(),
  title: v.string(),
  created_at: Iso,
  updated_at: Iso,
  deleted_at: v.nullable(Iso),
  message_count: v.number(),
});
const Message = v.object({
  id: v.string(),
  conversation_id: v.string(),
  role: v.picklist(['system', 'user', 'assistant', 'tool']),
  content: v.string(),
  tool_calls: v.array(v.object({ id: v.string(), name: v.string(), arguments: v.string() })),
  tool_call_id: v.nullable(v.string()),
  status: v.picklist(['complete', 'partial', 'error']),
  created_at: Iso,
  meta: v.record(v.string(), v.unknown()),
});
const Hit = v.object({
  conversation_id: v.string(),
  conversation_title: v.string(),
  message_id: v.string(),
  role: v.string(),
  snippet: v.pipe(v.string(), v.description('HTML-escaped text; matched words in <mark>…</mark>, the only markup')),
  rank: v.number(),
  created_at: Iso,
});
const pageOf = <T extends v.GenericSchema>(item: T) =>
  v.object({ items: v.array(item), next_cursor: v.nullable(v.string()) });

/** ChatError codes → HTTP: unknown ids 404, a deleted conversation 409, everything else the caller's input (400). */
function mapError(err: unknown): never {
  if (err instanceof ChatError) {
    if (err.code === 'conversation_not_found' || err.code === 'message_not_found') {
      throw new ApiError(404, err.code, err.message);
    }
    if (err.code === 'conversation_deleted') throw new ApiError(409, err.code, err.message);
    throw badRequest(err.code, err.message);
  }
  throw err;
}

export function chatHistoryRoutes(api: ApiRoutes, deps: { store: ChatStore }) {
  const { store } = deps;
  const tag = 'chat';
  const checked = <T>(p: Promise<T>) => p.catch(mapError);
  /** A conversation that is not deleted: a deleted one is 404 for everything but listing (deleted=true) and restore. */
  const live = async (id: string) => {
    const conversation = await checked(store.getConversation(id));
    if (conversation.deleted_at) {
      throw new ApiError(
        404,
        'conversation_deleted',
        `conversation ${id} is deleted: GET /api/chat/conversations?deleted=true lists it, POST /api/chat/conversations/${id}/restore brings it back`,
      );
    }
    return conversation;
  };

  api.add(
    {
      method: 'post',
      path: '/api/chat/conversations',
      summary: `Start a conversation (titled "New conversation" unless a title is given)`,
      tag,
      body: v.strictObject({ title: v.optional(Title) }),
      status: 201,
      response: Conversation,
    },
    async (c, { body }) => c.json(await checked(store.createConversation({ title: body.title })), 201),
  );

  api.add(
    {
      method: 'get',
      path: '/api/chat/conversations',
      summary: 'Conversations, most recently active first; deleted=true lists the deleted ones (restorable)',
      tag,
      query: v.strictObject({
        cursor: v.optional(Cursor),
        limit: v.optional(intParam(1, 200, 'limit'), '50'),
        deleted: v.optional(v.picklist(['true', 'false'], 'deleted must be true or false'), 'false'),
      }),
      response: pageOf(Conversation),
    },
    async (c, { query }) =>
      c.json(
        await checked(
          store.listConversations({ cursor: query.cursor, limit: query.limit, deleted: query.deleted === 'true' }),
        ),
      ),
  );

  api.add(
    {
      method: 'get',
      path: '/api/chat/search',
      summary: 'Search every message as you type: each word matches as a prefix; newest matches ranked by relevance',
      tag,
      query: v.strictObject({
        q: v.pipe(
          v.string(),
          v.check((q) => q.trim() !== '', 'q must not be empty'),
          v.maxLength(500, 'q has at most 500 characters'),
        ),
        limit: v.optional(intParam(1, 100, 'limit'), '20'),
        conversation_id: v.optional(v.pipe(v.string(), v.regex(ULID, 'conversation_id must be a conversation id'))),
      }),
      response: v.object({ hits: v.array(Hit) }),
    },
    async (c, { query }) =>
      c.json({
        hits: await checked(store.search(query.q, { limit: query.limit, conversationId: query.conversation_id })),
      }),
  );

  api.add(
    {
      method: 'get',
      path: '/api/chat/conversations/:id',
      summary: 'One conversation; a deleted one is 404 here (listed with deleted=true, brought back by restore)',
      tag,
      params: Id,
      response: Conversation,
      errors: [404],
    },
    async (c, { params }) => c.json(await live(params.id)),
  );

  api.add(
    {
      method: 'patch',
      path: '/api/chat/conversations/:id',
      summary: 'Rename a conversation',
      tag,
      params: Id,
      body: v.strictObject({ title: Title }),
      response: Conversation,
      errors: [404],
    },
    async (c, { params, body }) => {
      await live(params.id);
      return c.json(await checked(store.renameConversation(params.id, body.title)));
    },
  );

  api.add(
    {
      method: 'delete',
      path: '/api/chat/conversations/:id',
      summary: 'Delete a conversation: hidden from lists and search, restorable until purged',
      tag,
      params: Id,
      response: Conversation,
      errors: [404],
    },
    async (c, { params }) => c.json(await checked(store.deleteConversation(params.id))),
  );

  api.add(
    {
      method: 'post',
      path: '/api/chat/conversations/:id/restore',
      summary: 'Bring a deleted conversation back',
      tag,
      params: Id,
      response: Conversation,
      errors: [404],
    },
    async (c, { params }) => c.json(await checked(store.restoreConversation(params.id))),
  );

  api.add(
    {
      method: 'get',
      path: '/api/chat/conversations/:id/messages',
      summary: 'A page of messages, oldest first; pass next_cursor as "before" for the older page',
      tag,
      params: Id,
      query: v.strictObject({
        before: v.optional(Cursor),
        limit: v.optional(intParam(1, 200, 'limit'), '50'),
      }),
      response: pageOf(Message),
      errors: [404],
    },
    async (c, { params, query }) =>
      c.json(await checked(store.listMessages(params.id, { before: query.before, limit: query.limit }))),
  );

  api.add(
    {
      method: 'get',
      path: '/api/chat/conversations/:id/export',
      summary: 'Download a conversation as Markdown (format=md) or JSON (format=json)',
      tag,
      params: Id,
      query: v.strictObject({ format: v.optional(v.picklist(['md', 'json'], 'format must be md or json'), 'md') }),
      errors: [404],
    },
    async (c, { params, query }) => {
      const conversation = await live(params.id);
      const messages = await checked(store.allMessages(params.id));
      const name = exportFileName(conversation, query.format);
      const ascii = `titan-chat-${conversation.id}.${query.format}`;
      const headers = {
        'content-type': query.format === 'md' ? 'text/markdown; charset=utf-8' : 'application/json; charset=utf-8',
        'content-disposition': `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`,
      };
      const body =
        query.format === 'md'
          ? conversationMarkdown(conversation, messages)
          : JSON.stringify(conversationJson(conversation, messages), null, 2);
      return c.body(body, 200, headers);
    },
  );
}
