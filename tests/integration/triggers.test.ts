// Trigger rules on a real daemon watching its Downloads: a new file there is ingested and the assistant reacts in a
// conversation a notification opens (templated without a model, the model's text with the scripted one, the template
// again when the model fails); a disabled rule does nothing; a goal or plugin action that cannot run is recorded as a
// failed firing — on the embedded engines and on Redis + Postgres + Neo4j.
import { copyFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeModelServer, start } from '../fake-model/server.ts';
import { FIXTURES, fixturePath } from '../fixtures/files/fixtures.ts';
import { startDaemon, type TestDaemon } from '../helpers/daemon.ts';
import { type LiveSse, liveSse } from '../helpers/liveSse.ts';
import { lockedServerEngines } from '../helpers/redisDbLock.ts';

type Body = Record<string, unknown>;
interface Engines {
  settings: Record<string, unknown>;
  cleanup(userHome: string): Promise<void>;
}

const NO_MODEL = { provider: 'none', base_url: null, api_key: '', model: 'none', temperature: 0.3, max_tokens: 256 };
const onDownloads = (id: string, action: Body, extra: Body = {}) => ({
  id,
  enabled: true,
  topic: 'fs.v1',
  event_type: 'file.*',
  path_glob: 'Downloads/**',
  action,
  ...extra,
});
const INGEST_AND_NOTIFY = [
  onDownloads('ingest-downloads', { type: 'ingest' }),
  onDownloads('notify-downloads', { type: 'notify' }),
];

function triggersSuite(name: string, engines: () => Promise<Engines>) {
  describe(`triggers: ${name}`, () => {
    let model: FakeModelServer;
    let d: TestDaemon;
    let token: string;
    let env: Engines;
    let stream: LiveSse;
    let downloads: string;
    const call = async (path: string, init: RequestInit & { json?: unknown } = {}) => {
      const res = await d.request(path, { ...init, token });
      const text = await res.text();
      return { status: res.status, body: (text ? JSON.parse(text) : {}) as Body };
    };
    const configure = async (patch: Body) => {
      const current = (await call('/api/settings')).body;
      const res = await call('/api/settings', { method: 'PUT', json: { ...current, ...patch } });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
    };
    /** The notification for a file, awaited on the live stream. */
    const notificationFor = async (title: string, from = 0) =>
      (await stream.waitFor((e) => e.event === 'notification' && (e.data.notification as Body).title === title, from))
        .data.notification as Body;
    const firings = async (ruleId: string) =>
      (await call(`/api/triggers/firings?rule_id=${ruleId}`)).body.firings as Body[];
    const messagesOf = async (conversationId: unknown) =>
      (await call(`/api/chat/conversations/${conversationId}/messages`)).body.items as Body[];

    beforeAll(async () => {
      model = await start({ structured: () => ({ text: 'not json' }) });
      env = await engines();
      d = await startDaemon({ ...env.settings, model: NO_MODEL, triggers: { rules: INGEST_AND_NOTIFY } });
      downloads = join(d.userHome, 'Downloads');
      token = await d.login();
      stream = await liveSse((signal) => d.request('/api/notifications/stream', { token, signal }));
    }, 300_000);
    afterAll(async () => {
      stream?.close();
      await d?.stop();
      await model?.stop();
      await env?.cleanup(d?.userHome ?? '');
    });

    it('ingests a new Downloads file and notifies, pointing to a conversation where the assistant reacts', async () => {
      const t0 = Date.now();
      copyFileSync(fixturePath('invoiceEn'), join(downloads, FIXTURES.invoiceEn));
      const n = await notificationFor(`New file: ${FIXTURES.invoiceEn}`);
      expect(n).toMatchObject({ source: 'trigger:notify-downloads', level: 'info', read_at: null });

      const file = await call(`/api/files?path=${encodeURIComponent(`Downloads/${FIXTURES.invoiceEn}`)}`);
      expect((file.body.ingest as Body).status).toBe('indexed');
      const [ingest] = await firings('ingest-downloads');
      expect(ingest).toMatchObject({ event_type: 'file.created', action: 'ingest', outcome: 'ok', error: null });
      expect(ingest?.detail).toMatchObject({ status: 'indexed' });
      const [notify] = await firings('notify-downloads');
      expect(notify).toMatchObject({ action: 'notify', outcome: 'ok' });
      expect(notify?.detail).toMatchObject({ conversation_id: n.conversation_id, written_by: 'template' });

      const [reaction, ...more] = await messagesOf(n.conversation_id);
      expect(more).toEqual([]);
      expect(reaction?.role).toBe('assistant');
      const text = String(reaction?.content);
      expect(text).toContain(FIXTURES.invoiceEn);
      expect(text).toContain(`Downloads/${FIXTURES.invoiceEn}`);
      expect(text).toMatch(/It is indexed: \d+ passages? can be searched now/);
      expect(text).toContain('INV-2026-031');
      expect((await call(`/api/chat/conversations/${n.conversation_id}`)).body.title).toBe(
        `New file: ${FIXTURES.invoiceEn}`,
      );

      const audit = (await call('/api/logs/audit?q=trigger.fired')).body.lines as Body[];
      expect(audit.map((l) => l.rule_id)).toEqual(expect.arrayContaining(['ingest-downloads', 'notify-downloads']));
      const fired: Body[] = [];
      for await (const e of d.titan.bus.replay(t0, 'system.v1')) if (e.event_type === 'trigger.fired') fired.push(e);
      expect(fired.map((e) => (e.payload as Body).rule_id)).toEqual(['ingest-downloads', 'notify-downloads']);
      expect(fired.every((e) => (e.meta as Body).source === 'triggers')).toBe(true);
    });

    it('lets the model write the reaction when one is configured, from the file and its text', async () => {
      await configure({
        model: { ...NO_MODEL, provider: 'openai-compatible', base_url: model.url, api_key: 'k', model: 'fake-chat' },
      });
      const said = 'Your March notes arrived in Downloads. Want me to pull out the action items?';
      model.script({ reply: { text: said } });
      const from = stream.events.length;
      copyFileSync(fixturePath('notesMd'), join(downloads, FIXTURES.notesMd));
      const n = await notificationFor(`New file: ${FIXTURES.notesMd}`, from);
      expect(n.body).toBe(said);
      const [reaction] = await messagesOf(n.conversation_id);
      expect(reaction?.content).toBe(said);
      expect(reaction?.meta).toMatchObject({ written_by: 'model' });
      const asked = model.requests.filter(
        (r) => r.path === '/v1/chat/completions' && !('response_format' in (r.body as Body)),
      );
      const prompt = JSON.stringify((asked.at(-1)?.body as Body | undefined)?.messages);
      expect(prompt).toContain(FIXTURES.notesMd);
      expect(prompt).toContain('indexed');
      expect(prompt).toContain('text_begins');

      // The user answers in that conversation: the reaction stays in every later turn's history (the cache has it).
      for (const text of ['Yes, please.', 'And the deadlines?']) {
        model.script({ reply: { text: 'Sure.' } });
        const turn = await d.request(`/api/chat/conversations/${n.conversation_id}/messages`, {
          method: 'POST',
          token,
          json: { text },
        });
        await turn.text();
        const chat = model.requests.filter(
          (r) => r.path === '/v1/chat/completions' && !('response_format' in (r.body as Body)),
        );
        expect(JSON.stringify((chat.at(-1)?.body as Body | undefined)?.messages), text).toContain(said);
      }
    });

    it('falls back to the template when the model fails, and says why in the firing', async () => {
      model.script({ fail: { status: 400, message: 'scripted refusal' } });
      const from = stream.events.length;
      writeFileSync(join(downloads, 'packing-list.txt'), 'Passport, charger, umbrella for the Oslo trip.');
      const n = await notificationFor('New file: packing-list.txt', from);
      expect(String(n.body)).toContain('packing-list.txt');
      const [reaction] = await messagesOf(n.conversation_id);
      expect(reaction?.meta).toMatchObject({ written_by: 'template' });
      expect(String((reaction?.meta as Body | undefined)?.model_error)).toContain('scripted refusal');
      expect(String(reaction?.content)).toContain('Passport, charger, umbrella');
      await configure({ model: NO_MODEL });
    });

    it('does nothing for a disabled rule, and records goal and plugin actions that cannot run as failed', async () => {
      await configure({
        triggers: {
          rules: [
            onDownloads('off', { type: 'notify' }, { enabled: false }),
            onDownloads('start-goal', { type: 'goal', goal_id: 'no-such-goal' }),
            onDownloads('call-plugin', {
              type: 'plugin_tool',
              plugin: 'no-such-plugin',
              tool: 'x',
              arguments: { f: '{{path}}' },
            }),
            onDownloads('sentinel', { type: 'notify' }),
          ],
        },
      });
      const from = stream.events.length;
      writeFileSync(join(downloads, 'later.txt'), 'written after the rules changed');
      // Rules act in the order listed: once the last one has notified, the others have had their turn.
      const n = await notificationFor('New file: later.txt', from);
      expect(n.source).toBe('trigger:sentinel');
      expect(await firings('off')).toEqual([]);
      expect(stream.events.slice(from).filter((e) => e.event === 'notification')).toHaveLength(1);
      const [goal] = await firings('start-goal');
      expect(goal).toMatchObject({ action: 'goal', outcome: 'failed' });
      expect(String(goal?.error)).toContain('no-such-goal');
      const [plugin] = await firings('call-plugin');
      expect(plugin).toMatchObject({ action: 'plugin_tool', outcome: 'failed' });
      expect(String(plugin?.error)).toMatch(/no-such-plugin/);
      const warned = (await call('/api/logs/audit?q=start-goal&level=warn')).body.lines as Body[];
      expect(warned.some((l) => l.outcome === 'failed')).toBe(true);
    });

    it('refuses a rule with bad fields, naming each', async () => {
      const current = (await call('/api/settings')).body;
      const res = await call('/api/settings', {
        method: 'PUT',
        json: {
          ...current,
          triggers: {
            rules: [{ id: 'x', enabled: true, topic: 'fs.v1', event_type: 'file.*', action: { type: 'goal' } }],
          },
        },
      });
      expect(res.status).toBe(400);
      expect(String((res.body.error as Body).message)).toContain(
        'triggers.rules.0.action.goal_id: a "goal" action needs "goal_id"',
      );
    });
  });
}

triggersSuite('embedded', async () => ({ settings: {}, cleanup: async () => {} }));
triggersSuite('Redis + Postgres + Neo4j', () => lockedServerEngines(8));
