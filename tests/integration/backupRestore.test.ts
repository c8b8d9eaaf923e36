// titan backup → wipe → titan restore brings back a conversation with its messages, a searchable memory, a graph
// edge and the trash — on the embedded engines and on Postgres + Neo4j + Redis — without the secrets in the archive.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTitan } from '../../daemon/app.ts';
import { runCli } from '../../daemon/cli/index.ts';
import { bufferIo } from '../../daemon/cli/io.ts';
import { readTarGz } from '../../daemon/cli/tar.ts';
import { listen } from '../../daemon/http/server.ts';
import { createNeo4j } from '../../daemon/storage/neo4jClient.ts';
import { type FakeModelServer, start } from '../fake-model/server.ts';
import { serverEngines } from '../helpers/serverEngines.ts';
import { readSse } from '../helpers/sse.ts';

const KEY = 'sk-backup-secret-7734';
const PASSWORD = 'correct horse battery staple';
let model: FakeModelServer;
const dirs: string[] = [];

beforeAll(async () => {
  model = await start({ structured: () => ({ text: 'not json' }) });
});
afterAll(async () => {
  await model.stop();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

interface Place {
  env: NodeJS.ProcessEnv;
  data: string;
  user: string;
}

function place(): Place {
  const root = mkdtempSync(join(tmpdir(), 'titan-backup-'));
  dirs.push(root);
  const user = join(root, 'user');
  mkdirSync(join(user, 'Desktop'), { recursive: true });
  mkdirSync(join(user, 'Downloads'), { recursive: true });
  const data = join(root, 'data');
  const env = { ...process.env, TITAN_HOME: data, HOME: user, XDG_CONFIG_HOME: join(user, '.config'), TITAN_PORT: '0' };
  return { env, data, user };
}

function writeSettings(p: Place, services: Record<string, unknown>, extra: Record<string, unknown> = {}): void {
  mkdirSync(p.data, { recursive: true });
  writeFileSync(
    join(p.data, 'settings.json'),
    JSON.stringify({
      ...services,
      model: { provider: 'openai-compatible', base_url: model.url, api_key: KEY, model: 'fake-chat' },
      folders: { allowed: [], trash_days: 30, watch: false },
      ...extra,
    }),
  );
}

/** A daemon in this process on the place's data dir (the test helper's would delete the dir when stopped). */
async function serve(p: Place) {
  const titan = await createTitan({ env: p.env, rescanEveryMs: 0 });
  const listening = await listen(titan, 1000);
  let token = '';
  const call = async (path: string, init: RequestInit & { json?: unknown } = {}) => {
    const headers = new Headers(init.headers);
    if (token) headers.set('authorization', `Bearer ${token}`);
    if (init.json !== undefined) headers.set('content-type', 'application/json');
    return fetch(`${listening.url}${path}`, {
      ...init,
      headers,
      body: init.json !== undefined ? JSON.stringify(init.json) : init.body,
    });
  };
  const setup = await call('/api/auth/setup', { method: 'POST', json: { password: PASSWORD } });
  token = ((await setup.json()) as { token: string }).token;
  return { call, stop: () => listening.stop() };
}

async function cli(p: Place, argv: string[]): Promise<{ code: number | 'running'; text: string }> {
  const io = bufferIo(p.env);
  return { code: await runCli(argv, io), text: io.text() };
}

type Json = Record<string, unknown>;

interface EngineSetup {
  /** Whether `restore --force` may wipe the target's graph. */
  canForce: boolean;
  /** The services block of a fresh, empty target. */
  fresh(): Promise<Record<string, unknown>>;
  /** Removes what the test put where a wiped data dir cannot reach (Neo4j is shared by the suites). */
  wipeShared(marker: string): Promise<void>;
  cleanup(): Promise<void>;
}

function suite(name: string, engines: () => EngineSetup) {
  describe(`backup and restore: ${name}`, () => {
    it('brings back a conversation, a memory, a graph edge and the trash, keeping the secrets out', async () => {
      const e = engines();
      const marker = `zq${Date.now().toString(36)}`;
      const from = place();
      writeSettings(from, await e.fresh(), { log_level: 'warn' });
      const d = await serve(from);
      let conversation = '';
      try {
        conversation = String(
          ((await (await d.call('/api/chat/conversations', { method: 'POST', json: {} })).json()) as Json).id,
        );
        model.script({ reply: { text: `The ${marker} answer is in the archive.` } });
        await readSse(
          await d.call(`/api/chat/conversations/${conversation}/messages`, {
            method: 'POST',
            json: { text: `Where is ${marker}?` },
          }),
        );
        const saved = await d.call('/api/memory/embeddings', {
          method: 'POST',
          json: { texts: [`The ${marker} canary lives in Lisbon`] },
        });
        expect(saved.status).toBe(201);
        const graph = await d.call('/api/memory/graph', {
          method: 'POST',
          json: {
            relations: [
              {
                from: { name: `Canary ${marker}`, type: 'person' },
                to: { name: `Lisbon ${marker}`, type: 'place' },
                type: 'lives_in',
              },
            ],
          },
        });
        expect(graph.status).toBe(200);
        const file = join(from.user, 'Desktop', `old ${marker}.txt`);
        writeFileSync(file, 'keep me');
        expect((await d.call(`/api/files?path=${encodeURIComponent(file)}`, { method: 'DELETE' })).status).toBe(200);
      } finally {
        await d.stop();
      }

      const archive = join(from.data, '..', 'backup.tar.gz');
      const made = await cli(from, ['backup', '--out', archive]);
      expect(made.text).toMatch(
        /wrote .*backup\.tar\.gz\n {2}\d+ memories, \d+ entities, \d+ relations, \d+ rows in \d+ tables, \d+ files in the trash/,
      );
      expect(made.code).toBe(0);
      // The secrets stay out: the key appears nowhere in the archive; its settings carry the mask.
      expect(gunzipSync(readFileSync(archive)).includes(KEY)).toBe(false);
      const entries = await readTarGz(archive);
      const settings = JSON.parse(String(entries.find((x) => x.name === 'settings.json')?.data)) as { model: Json };
      expect(settings.model.api_key).toBe('********');
      expect(entries.map((x) => x.name)).toEqual(
        expect.arrayContaining(['manifest.json', 'memory.jsonl', 'sql/conversations.jsonl', 'sql/messages.jsonl']),
      );

      // Wipe: a new machine — an empty data dir, fresh services — with its own key.
      const to = place();
      writeSettings(to, await e.fresh());
      await e.wipeShared(marker);
      const back = await cli(to, ['restore', archive]);
      expect(back.text).toContain('restored ');
      expect(back.code).toBe(0);
      const restoredSettings = JSON.parse(readFileSync(join(to.data, 'settings.json'), 'utf8')) as {
        model: Json;
        log_level: string;
      };
      expect(restoredSettings.model.api_key).toBe(KEY);
      expect(restoredSettings.log_level).toBe('warn');

      // A second restore finds the data and refuses without --force.
      const again = await cli(to, ['restore', archive]);
      expect(again.code).toBe(1);
      expect(again.text).toMatch(
        /the target already holds data \(.*in conversations.*\): restore into an empty data dir, or add --force/,
      );

      // --force replaces it (not on the shared Neo4j, where it would empty every suite's graph namespace).
      if (e.canForce) {
        const forced = await cli(to, ['restore', archive, '--force']);
        expect(forced.text).toContain('restored ');
        expect(forced.code).toBe(0);
      }

      const d2 = await serve(to);
      try {
        const list = (await (await d2.call('/api/chat/conversations')).json()) as { items: Json[] };
        expect(list.items.map((c) => c.id)).toContain(conversation);
        const msgs = (await (await d2.call(`/api/chat/conversations/${conversation}/messages`)).json()) as {
          items: Json[];
        };
        expect(msgs.items.map((m) => [m.role, m.content])).toEqual([
          ['user', `Where is ${marker}?`],
          ['assistant', `The ${marker} answer is in the archive.`],
        ]);
        const hits = (await (await d2.call(`/api/memory/query?q=${marker}%20canary`)).json()) as { hits: Json[] };
        expect(hits.hits.map((h) => (h.memory as Json).text)).toContain(`The ${marker} canary lives in Lisbon`);
        const around = (await (
          await d2.call('/api/memory/graph', { method: 'POST', json: { around: `Canary ${marker}` } })
        ).json()) as { subgraph: { nodes: Json[]; edges: Json[] } };
        const lisbon = around.subgraph.nodes.find((n) => n.name === `Lisbon ${marker}`);
        expect(lisbon).toBeDefined();
        expect(around.subgraph.edges).toContainEqual(
          expect.objectContaining({ kind: 'RELATES', type: 'lives_in', to: lisbon?.id }),
        );
        const trash = (await (await d2.call('/api/files/trash')).json()) as { items: Json[] };
        expect(trash.items.map((i) => i.name)).toContain(`old ${marker}.txt`);
      } finally {
        await d2.stop();
        await e.cleanup();
      }
    }, 240_000);
  });
}

suite('embedded engines', () => ({
  canForce: true,
  fresh: async () => ({}),
  wipeShared: async () => {},
  cleanup: async () => {},
}));

suite('Postgres, Neo4j and Redis', () => {
  const made: Awaited<ReturnType<typeof serverEngines>>[] = [];
  return {
    canForce: false,
    async fresh() {
      const s = await serverEngines(11);
      made.push(s);
      return s.settings;
    },
    async wipeShared(marker) {
      // Only this test's nodes: the graph namespace is shared with the other suites.
      const { neo4j } = (made[0]?.settings.services ?? {}) as {
        neo4j: { url: string; user: string; password: string };
      };
      const driver = createNeo4j(neo4j);
      await driver.executeQuery(
        'MATCH (n:Entity) WHERE n.name ENDS WITH $m DETACH DELETE n',
        { m: marker },
        { database: 'neo4j' },
      );
      await driver.close();
    },
    async cleanup() {
      for (const s of made) await s.cleanup('/nonexistent');
    },
  };
});

describe('restore refuses', () => {
  it('a file that is not a backup, and a missing file', async () => {
    const p = place();
    writeSettings(p, {});
    const junk = join(p.data, 'junk.tar.gz');
    writeFileSync(junk, 'not gzip');
    const r = await cli(p, ['restore', junk]);
    expect(r.code).toBe(1);
    expect(r.text).toMatch(/is not a gzip archive/);
    expect((await cli(p, ['restore', join(p.data, 'none.tar.gz')])).text).toMatch(/does not exist/);
    expect((await cli(p, ['restore'])).code).toBe(2);
    expect(readdirSync(p.data).sort()).toEqual(['junk.tar.gz', 'settings.json']);
  });
});
