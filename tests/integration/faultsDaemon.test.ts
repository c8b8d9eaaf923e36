// Faults of the daemon's own machine: a full disk under an upload (a real 2 MB tmpfs as the allowed folder), and the
// daemon SIGKILLed during ingestion and during a streamed chat reply, then started again on the same data dir
// (embedded engines: PGlite must recover) — ingestion resumes and the chat history stays usable.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type FakeModelServer, start } from '../fake-model/server.ts';
import { startDaemon, TEST_PASSWORD } from '../helpers/daemon.ts';
import { waitFor } from '../helpers/redisServer.ts';
import { readSse } from '../helpers/sse.ts';
import { homeEnv, runTitan, type TitanProcess, tempHome } from '../helpers/titanProcess.ts';

type Body = Record<string, unknown>;
const MAIN = join(import.meta.dirname, '..', '..', 'daemon', 'main.ts');
const cleanups: (() => unknown)[] = [];
afterAll(async () => {
  for (const f of cleanups.reverse()) await f();
});

/** Every file below `dir`, relative, hidden ones too (a temp file left behind must show). */
function allFiles(dir: string, prefix = ''): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? allFiles(join(dir, e.name), `${prefix}${e.name}/`) : [`${prefix}${e.name}`],
  );
}

/** A 2 MB tmpfs, or the reason none can be mounted here. */
function smallTmpfs(): { dir: string } | { reason: string } {
  if (process.getuid?.() !== 0) return { reason: 'not root: cannot mount a tmpfs' };
  const dir = mkdtempSync(join(tmpdir(), 'titan-faults-full-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=2m', 'tmpfs', dir]);
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    return { reason: `mount -t tmpfs failed: ${(err as Error).message}` };
  }
  cleanups.push(() => {
    execFileSync('umount', [dir]);
    rmSync(dir, { recursive: true, force: true });
  });
  return { dir };
}

describe('faults: disk full on upload', () => {
  const fs = smallTmpfs();
  if ('reason' in fs) console.warn(`[faults] SKIPPED disk-full upload: ${fs.reason}`);
  it.skipIf('reason' in fs)('a clear 507 with a message, and no partial or temp file left in the folder', async () => {
    const dir = (fs as { dir: string }).dir;
    const d = await startDaemon({ folders: { allowed: [dir] } });
    cleanups.push(() => d.stop());
    const token = await d.login();
    const form = new FormData();
    form.append('file', new Blob([new Uint8Array(3 * 1024 * 1024).fill(65)]), 'big.bin');
    const res = await d.request(`/api/files/upload?path=${encodeURIComponent(dir)}`, {
      method: 'POST',
      token,
      body: form,
    });
    const body = (await res.json()) as { error: { code: string; message: string } };
    expect(res.status, JSON.stringify(body)).toBe(507);
    expect(body.error.code).toBe('disk_full');
    expect(body.error.message).toMatch(/space/);
    expect(allFiles(dir)).toEqual([]);
    // The folder still works once there is room: a small file goes in.
    const small = new FormData();
    small.append('file', new Blob(['fits']), 'small.txt');
    const ok = await d.request(`/api/files/upload?path=${encodeURIComponent(dir)}`, {
      method: 'POST',
      token,
      body: small,
    });
    expect(ok.status).toBe(201);
    expect(allFiles(dir)).toEqual(['small.txt']);
  });
});

/** `node daemon/main.ts` on a home of its own; restartable on the same data dir. */
function daemonProcess(home: string) {
  let proc: TitanProcess | null = null;
  cleanups.push(() => proc?.child.kill('SIGKILL'));
  return {
    start(): Promise<string> {
      proc = runTitan([process.execPath, '--disable-warning=ExperimentalWarning', MAIN], homeEnv(home));
      return proc.url;
    },
    async kill() {
      const p = proc;
      if (!p) return;
      p.child.kill('SIGKILL');
      await p.exited;
      proc = null;
    },
  };
}

async function session(url: string) {
  const host = new URL(url).host;
  const setup = await fetch(`${url}/api/auth/setup`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', host },
    body: JSON.stringify({ password: TEST_PASSWORD }),
  });
  const res =
    setup.status === 409
      ? await fetch(`${url}/api/auth/login`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ password: TEST_PASSWORD }),
        })
      : setup;
  const { token } = (await res.json()) as { token: string };
  const request = (path: string, init: RequestInit & { json?: unknown } = {}) =>
    fetch(`${url}${path}`, {
      ...init,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: init.json === undefined ? init.body : JSON.stringify(init.json),
    });
  const call = async (path: string, init: RequestInit & { json?: unknown } = {}) => {
    const r = await request(path, init);
    return { status: r.status, body: (await r.json()) as Body };
  };
  return { request, call };
}

function killHome(): string {
  const home = tempHome('titan-faults-kill-');
  cleanups.push(() => rmSync(home, { recursive: true, force: true }));
  return home;
}

describe('faults: the daemon SIGKILLed and started again', () => {
  it('during ingestion: after the restart every file ends up indexed', async () => {
    const home = killHome();
    const FILES = 150;
    for (let i = 0; i < FILES; i++) {
      const text = Array.from({ length: 60 }, (_, j) => `Note ${i} line ${j}: the quokka${i} ledger entry.`).join('\n');
      writeFileSync(join(home, 'Downloads', `note-${i}.txt`), text);
    }
    const daemon = daemonProcess(home);
    let s = await session(await daemon.start());
    const documents = async () => {
      const stats = await s.call('/api/memory/stats');
      return Object.values((stats.body.by_kind ?? {}) as Record<string, number>).reduce((a, b) => a + b, 0);
    };
    await waitFor('ingestion under way', async () => (await documents()) > 0, 60_000, 50);
    const before = await documents();
    await daemon.kill();

    s = await session(await daemon.start());
    const searchHits = async (word: string) => {
      const r = await s.call(`/api/files/search?q=${encodeURIComponent(word)}`);
      return JSON.stringify(r.body).includes(`note-${word.slice(6)}.txt`);
    };
    await waitFor(
      'the last file indexed after the restart',
      async () => (await searchHits(`quokka${FILES - 1}`)) && (await searchHits('quokka0')),
      90_000,
      250,
    );
    console.log(`[faults] ingestion: ${before} memories before the kill, ${await documents()} after the restart`);
  }, 180_000);

  it('during a streamed chat reply: the history stays consistent and the next turn works', async () => {
    const model: FakeModelServer = await start({ structured: () => ({ text: '{"memories":[]}' }) });
    cleanups.push(() => model.stop());
    const home = killHome();
    mkdirSync(join(home, 'titan'));
    writeFileSync(
      join(home, 'titan', 'settings.json'),
      JSON.stringify({
        model: { provider: 'openai-compatible', base_url: model.url, api_key: 'k', model: 'fake-chat' },
      }),
    );
    const daemon = daemonProcess(home);
    let s = await session(await daemon.start());
    const id = String((await s.call('/api/chat/conversations', { method: 'POST', json: {} })).body.id);
    model.script({ reply: { text: 'one two three four five six seven eight nine ten eleven', chunkDelayMs: 300 } });
    const res = await s.request(`/api/chat/conversations/${id}/messages`, {
      method: 'POST',
      json: { text: 'count slowly for me' },
    });
    expect(res.status).toBe(200);
    let tokens = 0;
    await readSse(res, async (e) => {
      if (e.event === 'token' && ++tokens === 2) await daemon.kill();
    }).catch(() => {}); // the stream breaks off with the process
    expect(tokens).toBeGreaterThanOrEqual(2);

    s = await session(await daemon.start());
    const history = await s.call(`/api/chat/conversations/${id}/messages`);
    expect(history.status).toBe(200);
    const messages = (history.body.messages ?? history.body.items) as {
      role: string;
      content: string;
      status?: string;
    }[];
    expect(messages.find((m) => m.role === 'user')?.content).toBe('count slowly for me');
    for (const m of messages.filter((x) => x.role !== 'user')) {
      // An interrupted answer is either absent or marked as such; a tool sequence never half-written.
      expect(m.role).toBe('assistant');
    }
    console.log(`[faults] chat history after the kill: ${JSON.stringify(messages.map((m) => [m.role, m.status]))}`);

    model.script({ reply: { text: 'here I am again' } });
    const next = await s.request(`/api/chat/conversations/${id}/messages`, {
      method: 'POST',
      json: { text: 'are you there?' },
    });
    expect(next.status).toBe(200);
    const events = await readSse(next);
    const text = events
      .filter((e) => e.event === 'token')
      .map((e) => (e.data as { text?: string }).text ?? '')
      .join('');
    expect(text).toContain('here I am again');
  }, 120_000);
});
