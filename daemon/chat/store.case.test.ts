// The chat store conformance suite: PGlite and a fresh Postgres database run exactly these cases.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Sql } from '../storage/sql.ts';
import { ChatError } from './errors/chatError.ts';
import { conversationJson, conversationMarkdown } from './export.ts';
import { ChatStore, DEFAULT_TITLE } from './store.ts';

export interface ChatStoreHarness {
  sql: Sql;
  close(): Promise<void>;
}

const codeOf = (p: Promise<unknown>) =>
  p.then(
    () => 'ok',
    (err: unknown) => (err instanceof ChatError ? err.code : `unexpected: ${(err as Error).message}`),
  );

export function runChatStoreConformance(name: string, open: () => Promise<ChatStoreHarness>) {
  describe(`chat store conformance: ${name}`, () => {
    let h: ChatStoreHarness;
    let store: ChatStore;

    beforeAll(async () => {
      h = await open();
      store = new ChatStore(h.sql);
    });
    afterAll(async () => {
      await h?.close();
    });

    it('creates, reads and renames a conversation; bad input and unknown ids fail with a code', async () => {
      const c = await store.createConversation();
      expect(c).toMatchObject({ title: DEFAULT_TITLE, deleted_at: null, message_count: 0 });
      expect(c.id).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/);
      expect(c.created_at).toBe(c.updated_at);
      expect(await store.getConversation(c.id)).toEqual(c);

      const titled = await store.createConversation({ title: '  Отпуск   в Сочи ' });
      expect(titled.title).toBe('Отпуск в Сочи');
      // Titling from the first message never overrides a title the user chose.
      expect(
        (await store.renameConversation(titled.id, 'From the first message', { onlyIfUntitled: true })).title,
      ).toBe('Отпуск в Сочи');
      expect((await store.renameConversation(c.id, 'Lease questions', { onlyIfUntitled: true })).title).toBe(
        'Lease questions',
      );
      const renamed = await store.renameConversation(c.id, 'Договор аренды');
      expect(renamed).toMatchObject({ id: c.id, title: 'Договор аренды', updated_at: c.updated_at });

      expect(await codeOf(store.getConversation('01ARZ3NDEKTSV4RRFFQ69G5FAV'))).toBe('conversation_not_found');
      expect(await codeOf(store.renameConversation('01ARZ3NDEKTSV4RRFFQ69G5FAV', 'x'))).toBe('conversation_not_found');
      expect(await codeOf(store.renameConversation(c.id, '   '))).toBe('invalid_input');
      expect(await codeOf(store.createConversation({ title: 'x'.repeat(201) }))).toBe('invalid_input');
      expect(await codeOf(store.addMessage('01ARZ3NDEKTSV4RRFFQ69G5FAV', { role: 'user', content: 'hi' }))).toBe(
        'conversation_not_found',
      );
      expect(await codeOf(store.addMessage(c.id, { role: 'robot' as 'user', content: 'hi' }))).toBe('invalid_input');
      expect(await codeOf(store.getMessage('01ARZ3NDEKTSV4RRFFQ69G5FAV'))).toBe('message_not_found');
      expect(await codeOf(store.updateMessage('01ARZ3NDEKTSV4RRFFQ69G5FAV', { content: 'x' }))).toBe(
        'message_not_found',
      );
    });

    it('stores messages with tool calls and meta, edits them, and bumps the conversation', async () => {
      const c = await store.createConversation({ title: 'Tools' });
      const user = await store.addMessage(c.id, { role: 'user', content: 'List my Documents folder' });
      const call = { id: 'call_1', name: 'files_list', arguments: '{"path":"~/Documents"}' };
      const asked = await store.addMessage(c.id, {
        role: 'assistant',
        content: '',
        tool_calls: [call],
        meta: { usage: { prompt_tokens: 12, completion_tokens: 3 }, flags: [true, false] },
      });
      const result = await store.addMessage(c.id, {
        role: 'tool',
        content: '["a.pdf","b.docx"]',
        tool_call_id: 'call_1',
      });
      const answer = await store.addMessage(c.id, { role: 'assistant', content: 'Two fi', status: 'partial' });

      expect(asked).toMatchObject({ tool_calls: [call], tool_call_id: null, status: 'complete' });
      expect(asked.meta).toEqual({ usage: { prompt_tokens: 12, completion_tokens: 3 }, flags: [true, false] });
      expect(result).toMatchObject({ role: 'tool', tool_call_id: 'call_1', meta: {} });
      expect(await store.getMessage(asked.id)).toEqual(asked);
      // Ids follow the order of saving, even within one millisecond.
      expect([user.id, asked.id, result.id, answer.id]).toEqual([user.id, asked.id, result.id, answer.id].sort());

      const done = await store.updateMessage(answer.id, {
        content: 'Two files: a.pdf and b.docx',
        status: 'complete',
        meta: { usage: { completion_tokens: 9 } },
      });
      expect(done).toMatchObject({ content: 'Two files: a.pdf and b.docx', status: 'complete' });
      const merged = await store.updateMessage(answer.id, { meta: { model: 'gpt-test' } });
      expect(merged.meta).toEqual({ usage: { completion_tokens: 9 }, model: 'gpt-test' });
      expect(merged.content).toBe('Two files: a.pdf and b.docx');
      expect(await codeOf(store.updateMessage(answer.id, { status: 'done' as 'complete' }))).toBe('invalid_input');

      const after = await store.getConversation(c.id);
      expect(after.message_count).toBe(4);
      expect(after.updated_at >= c.updated_at).toBe(true);
      expect(after.updated_at).toBe(answer.created_at);
      expect((await store.recentMessages(c.id, 2)).map((m) => m.id)).toEqual([result.id, answer.id]);
      expect((await store.allMessages(c.id)).map((m) => m.role)).toEqual(['user', 'assistant', 'tool', 'assistant']);
    });

    it('pages through a long history with no gaps or duplicates, oldest first within a page', async () => {
      const c = await store.createConversation({ title: 'Long' });
      const ids: string[] = [];
      for (let i = 0; i < 57; i++) {
        ids.push((await store.addMessage(c.id, { role: i % 2 ? 'assistant' : 'user', content: `message ${i}` })).id);
      }
      const seen: string[] = [];
      let before: string | null = null;
      let pages = 0;
      do {
        const page = await store.listMessages(c.id, { before, limit: 10 });
        expect(page.items.map((m) => m.id)).toEqual([...page.items.map((m) => m.id)].sort());
        seen.unshift(...page.items.map((m) => m.id));
        before = page.next_cursor;
        pages++;
      } while (before);
      expect(pages).toBe(6);
      expect(seen).toEqual(ids);
      const exact = await store.listMessages(c.id, { limit: 57 });
      expect(exact.items).toHaveLength(57);
      expect(exact.next_cursor).toBeNull();
      expect(await store.recentMessages(c.id, 0)).toEqual([]);
      expect((await store.listMessages(c.id, { limit: 0 })).items).toHaveLength(1);

      expect(await codeOf(store.listMessages(c.id, { before: 'not-a-cursor' }))).toBe('invalid_cursor');
      const convCursor = (await store.listConversations({ limit: 1 })).next_cursor as string;
      expect(await codeOf(store.listMessages(c.id, { before: convCursor }))).toBe('invalid_cursor');
      expect(await codeOf(store.listMessages('01ARZ3NDEKTSV4RRFFQ69G5FAV'))).toBe('conversation_not_found');
    });

    it('lists conversations newest-updated first across pages; a new message moves one to the top', async () => {
      const made: string[] = [];
      for (let i = 0; i < 23; i++) made.push((await store.createConversation({ title: `Paged ${i}` })).id);
      const walk = async (limit: number) => {
        const all: string[] = [];
        let cursor: string | null = null;
        do {
          const page = await store.listConversations({ cursor, limit });
          expect(page.items.length).toBeLessThanOrEqual(limit);
          all.push(...page.items.map((c) => c.id));
          cursor = page.next_cursor;
        } while (cursor);
        return all;
      };
      const listed = await walk(5);
      expect(new Set(listed).size).toBe(listed.length);
      const full = (await store.listConversations({ limit: 200 })).items;
      expect(listed).toEqual(full.map((c) => c.id));
      // Newest updated first; equal timestamps (same millisecond) fall back to the id.
      const keys = full.map((c) => `${c.updated_at} ${c.id}`);
      expect(keys).toEqual([...keys].sort().reverse());
      expect(listed.filter((id) => made.includes(id))).toEqual([...made].reverse());

      const oldest = made[0] as string;
      await store.addMessage(oldest, { role: 'user', content: 'back to this one' });
      expect((await store.listConversations({ limit: 1 })).items[0]?.id).toBe(oldest);
      expect(await codeOf(store.listConversations({ cursor: 'garbage' }))).toBe('invalid_cursor');
    });

    it('deletes softly (hidden from lists and search, still readable), restores, and purges with the messages', async () => {
      const c = await store.createConversation({ title: 'Secret plans' });
      const m = await store.addMessage(c.id, { role: 'user', content: 'The zanzibarquux treaty is signed' });
      expect((await store.search('zanzibarq')).map((x) => x.message_id)).toEqual([m.id]);

      const deleted = await store.deleteConversation(c.id);
      expect(deleted.deleted_at).not.toBeNull();
      expect((await store.deleteConversation(c.id)).deleted_at).toBe(deleted.deleted_at);
      expect((await store.listConversations({ limit: 200 })).items.map((x) => x.id)).not.toContain(c.id);
      expect((await store.listConversations({ limit: 200, deleted: true })).items.map((x) => x.id)).toContain(c.id);
      expect(await store.search('zanzibarq')).toEqual([]);
      expect(await store.search('zanzibarq', { conversationId: c.id })).toEqual([]);
      expect((await store.getConversation(c.id)).deleted_at).toBe(deleted.deleted_at);
      expect((await store.listMessages(c.id)).items).toHaveLength(1);
      expect(await codeOf(store.addMessage(c.id, { role: 'user', content: 'more' }))).toBe('conversation_deleted');
      expect((await store.getConversation(c.id)).message_count).toBe(1);

      const restored = await store.restoreConversation(c.id);
      expect(restored.deleted_at).toBeNull();
      expect((await store.listConversations({ limit: 200 })).items.map((x) => x.id)).toContain(c.id);
      expect((await store.search('zanzibarq')).map((x) => x.message_id)).toEqual([m.id]);

      // Purge: only what was deleted long enough ago goes, with its messages.
      const old = await store.createConversation({ title: 'Old trash' });
      const oldMsg = await store.addMessage(old.id, { role: 'user', content: 'old' });
      const recent = await store.createConversation({ title: 'Recent trash' });
      await store.deleteConversation(old.id);
      await store.deleteConversation(recent.id);
      await h.sql.query(`UPDATE conversations SET deleted_at = now() - interval '40 days' WHERE id = $1`, [old.id]);
      expect(await store.purgeDeleted(30)).toBe(1);
      expect(await codeOf(store.getConversation(old.id))).toBe('conversation_not_found');
      expect(await codeOf(store.getMessage(oldMsg.id))).toBe('message_not_found');
      expect((await store.getConversation(recent.id)).deleted_at).not.toBeNull();
      expect(await codeOf(store.restoreConversation(old.id))).toBe('conversation_not_found');
      expect(await codeOf(store.deleteConversation(old.id))).toBe('conversation_not_found');
    });

    it('removes the messages with their conversation (ON DELETE CASCADE)', async () => {
      const c = await store.createConversation({ title: 'Cascade' });
      await store.addMessage(c.id, { role: 'user', content: 'one' });
      await store.addMessage(c.id, { role: 'assistant', content: 'two' });
      await h.sql.query('DELETE FROM conversations WHERE id = $1', [c.id]);
      const [row] = await h.sql.query<{ n: number }>(
        'SELECT count(*)::int AS n FROM messages WHERE conversation_id = $1',
        [c.id],
      );
      expect(row?.n).toBe(0);
    });

    it('searches Russian and English as you type, with escaped, highlighted snippets', async () => {
      const ru = await store.createConversation({ title: 'Квартира' });
      const en = await store.createConversation({ title: 'Flat' });
      const contract = await store.addMessage(ru.id, {
        role: 'user',
        content: 'Где мой договор аренды квартиры? Подписали в марте.',
      });
      const tree = await store.addMessage(ru.id, { role: 'assistant', content: 'Новогодняя Ёлка стоит в гостиной.' });
      const lease = await store.addMessage(en.id, {
        role: 'user',
        content: 'Where is the lease agreement for the flat? We signed it in March.',
      });
      const xss = await store.addMessage(en.id, {
        role: 'assistant',
        content: 'Never paste <script>alert("leasehold")</script> & friends into the page.',
      });
      const path = await store.addMessage(en.id, {
        role: 'tool',
        content: '{"path":"/home/anna/Documents/rental-contract.pdf","owner":"anna@example.com"}',
        tool_call_id: 'call_9',
      });

      // Every prefix of «договор» from two letters on finds it.
      for (const q of ['до', 'дог', 'догов', 'договор', 'Договор аренды', 'договор аренд', 'аренды догов']) {
        expect(
          (await store.search(q)).map((x) => x.message_id),
          q,
        ).toContain(contract.id);
      }
      const [hit] = await store.search('догов');
      expect(hit).toMatchObject({
        conversation_id: ru.id,
        conversation_title: 'Квартира',
        message_id: contract.id,
        role: 'user',
        created_at: contract.created_at,
      });
      expect(hit?.snippet).toContain('<mark>договор</mark>');
      expect(hit?.rank).toBeGreaterThan(0);
      // Every word must occur: «договор» and «ёлка» are in different messages.
      expect(await store.search('договор ёлка')).toEqual([]);
      // ё and е are one letter to search, either way round.
      expect((await store.search('елка')).map((x) => x.message_id)).toEqual([tree.id]);
      expect((await store.search('ЁЛК')).map((x) => x.message_id)).toEqual([tree.id]);

      expect((await store.search('lea')).map((x) => x.message_id).sort()).toEqual([lease.id, xss.id].sort());
      expect((await store.search('lease agr')).map((x) => x.message_id)).toEqual([lease.id]);
      const [l] = await store.search('lease agr');
      expect(l?.snippet).toContain('<mark>lease</mark> <mark>agreement</mark>');
      expect(l?.snippet).not.toMatch(/<(?!\/?mark>)/);

      // Content is escaped: the only markup in a snippet is <mark>.
      const [x] = await store.search('scrip');
      expect(x?.message_id).toBe(xss.id);
      expect(x?.snippet).toContain('&lt;<mark>script</mark>&gt;');
      expect(x?.snippet).toContain('&quot;');
      expect(x?.snippet).not.toContain('<script');
      expect(x?.snippet.replace(/<\/?mark>/g, '')).not.toMatch(/[<>]/);
      // Paths and e-mail addresses are searchable by their parts.
      expect((await store.search('rental contr')).map((x) => x.message_id)).toEqual([path.id]);
      expect((await store.search('example')).map((x) => x.message_id)).toEqual([path.id]);

      // Within one conversation; limits; nothing searchable.
      expect((await store.search('March', { conversationId: en.id })).map((x) => x.message_id)).toEqual([lease.id]);
      expect((await store.search('март', { conversationId: en.id })).map((x) => x.message_id)).toEqual([]);
      expect(await store.search('lea', { limit: 1 })).toHaveLength(1);
      expect(await store.search('')).toEqual([]);
      expect(await store.search('  !!! ... ')).toEqual([]);
      expect(await store.search("'a' & | ! :* (")).toEqual(expect.any(Array));

      // An edited message is searched by its new text.
      await store.updateMessage(tree.id, { content: 'Теперь тут кактус.' });
      expect(await store.search('елка')).toEqual([]);
      expect((await store.search('кактус')).map((x) => x.message_id)).toEqual([tree.id]);
    });

    it('ranks the best of the newest matches and highlights only the final page', async () => {
      const c = await store.createConversation({ title: 'Ranking' });
      const focused = await store.addMessage(c.id, { role: 'user', content: 'quokkaphrase quokkaphrase quokkaphrase' });
      for (let i = 0; i < 30; i++) {
        await store.addMessage(c.id, {
          role: 'assistant',
          content: `Filler ${i} with one quokkaphrase among many other words that dilute it ${'blah '.repeat(20)}`,
        });
      }
      const hits = await store.search('quokka', { limit: 5 });
      expect(hits).toHaveLength(5);
      expect(hits[0]?.message_id).toBe(focused.id);
      expect(hits.map((x) => x.rank)).toEqual([...hits.map((x) => x.rank)].sort((a, b) => b - a));
      // A tiny candidate cap ranks only the newest matches: the old focused message is out of reach.
      const capped = await store.search('quokka', { limit: 5, candidates: 10 });
      expect(capped.map((x) => x.message_id)).not.toContain(focused.id);
      // The walk over the newest messages and the index over the older ones find the same newest candidates.
      for (const window of [1, 7, 25]) {
        for (const candidates of [3, 10, 40]) {
          const ids = async (w: number, conversationId?: string) =>
            (await store.search('quokka', { limit: 50, candidates, window: w, conversationId })).map(
              (x) => x.message_id,
            );
          expect(await ids(window), `window ${window}, candidates ${candidates}`).toEqual(await ids(100_000));
          expect(await ids(window, c.id)).toEqual(await ids(100_000));
        }
      }
    });

    it('saves a long tool result whole and searches its first 100,000 characters', async () => {
      const c = await store.createConversation({ title: 'Big' });
      const big = `${'lorem ipsum dolor sit amet '.repeat(20_000)} zyxwquatrain`;
      const m = await store.addMessage(c.id, { role: 'tool', content: big, tool_call_id: 'call_big' });
      expect((await store.getMessage(m.id)).content).toHaveLength(big.length);
      expect(await store.search('zyxwquatrain')).toEqual([]);
      expect((await store.search('dolor sit', { conversationId: c.id }))[0]?.message_id).toBe(m.id);
    });

    it('exports a conversation as Markdown and JSON', async () => {
      const c = await store.createConversation({ title: 'Export me' });
      await store.addMessage(c.id, { role: 'user', content: 'Show the **README** please' });
      await store.addMessage(c.id, {
        role: 'assistant',
        content: '',
        tool_calls: [{ id: 'call_7', name: 'files_read', arguments: '{"path":"README.md"}' }],
      });
      await store.addMessage(c.id, {
        role: 'tool',
        content: '{"text":"```sh\\nmake run\\n```"}',
        tool_call_id: 'call_7',
      });
      await store.addMessage(c.id, { role: 'assistant', content: 'It says: run `make run`.', status: 'partial' });
      const conv = await store.getConversation(c.id);
      const messages = await store.allMessages(c.id);

      const md = conversationMarkdown(conv, messages);
      expect(md.startsWith('# Export me\n')).toBe(true);
      expect(md).toContain(`- Created: ${conv.created_at}`);
      expect(md).toContain('- Messages: 4');
      expect(md).toContain(`## User · ${messages[0]?.created_at}\n\nShow the **README** please`);
      expect(md).toContain('**Tool call** `files_read` (id `call_7`):\n\n```json\n{\n  "path": "README.md"\n}\n```');
      expect(md).toContain('## Tool result');
      expect(md).toContain('For call `call_7`:');
      expect(md).toContain('"text": "```sh\\nmake run\\n```"');
      expect(md).toContain('_(stopped before the end)_');

      const json = conversationJson(conv, messages);
      expect(json).toMatchObject({ format: 'titan.conversation', version: 1, conversation: conv });
      expect(JSON.parse(JSON.stringify(json)).messages).toEqual(messages);
    });
  });
}
