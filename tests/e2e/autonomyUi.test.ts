// The autonomy screens in Chromium against a real daemon and the scripted model: a notification raised by a trigger
// (a file written into Downloads) shows in the bell live and opens its conversation; a goal created (the daemon's cron
// message by the schedule field), run with three tool calls and its steps shown, a slow run cancelled; a built-in job
// run from the scheduler and listed in its history, its cron refused then changed; a plugin listed with its docs, turned off and
// on, an invalid one with its reason; and every new screen in Russian without an English string, narrow and dark.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeModelServer, start } from '../fake-model/server.ts';
import { launchBrowser, signedInPage } from '../helpers/browser.ts';
import { startDaemon, type TestDaemon } from '../helpers/daemon.ts';

const SHOTS = join(import.meta.dirname, 'screenshots');
const I18N = join(import.meta.dirname, '..', '..', 'web', 'src', 'i18n');
let model: FakeModelServer;
let daemon: TestDaemon;
let browser: Browser;
let page: Page;
let token: string;
let pluginDir: string;
const errors: string[] = [];

/** A plugin folder of our own: one well-formed plugin with a tool, one whose manifest is wrong. */
function writePlugins(): string {
  const dir = mkdtempSync(join(tmpdir(), 'titan-e2e-plugins-'));
  mkdirSync(join(dir, 'notes-e2e'));
  writeFileSync(
    join(dir, 'notes-e2e', 'plugin.json'),
    JSON.stringify({
      name: 'notes-e2e',
      version: '1.2.3',
      description: 'Counts the words of a text, for the e2e test.',
      permissions: { topics: ['system.v1'] },
      tools: [
        {
          name: 'count_words',
          description: 'Counts the words of a text.',
          risk: 'read',
          parameters: { type: 'object', properties: { text: { type: 'string' } } },
        },
      ],
    }),
  );
  writeFileSync(
    join(dir, 'notes-e2e', 'index.mjs'),
    'export default { tools: { count_words: ({ text }) => String(text ?? "").split(/\\s+/).filter(Boolean).length } };\n',
  );
  mkdirSync(join(dir, 'bad-e2e'));
  writeFileSync(join(dir, 'bad-e2e', 'plugin.json'), JSON.stringify({ name: 'bad-e2e', version: 'one' }));
  return dir;
}

beforeAll(async () => {
  model = await start({ structured: () => ({ text: 'not json' }) });
  pluginDir = writePlugins();
  daemon = await startDaemon({
    model: { provider: 'openai-compatible', base_url: model.url, api_key: 'k', model: 'fake-chat' },
    folders: { watch: true },
    // No scheduled job may take a scripted model turn while the test runs (self-reflection asks the model).
    scheduler: {
      jobs: [
        { id: 'memory-gc', cron: '0 4 * * *', enabled: true },
        { id: 'self-reflection', cron: '0 22 * * *', enabled: false },
      ],
    },
    triggers: {
      rules: [
        {
          id: 'e2e-notes',
          enabled: true,
          topic: 'fs.v1',
          event_type: 'file.created',
          path_glob: 'Downloads/**/*.md',
          action: { type: 'notify' },
        },
      ],
    },
    plugins: { dirs: [pluginDir], watch: false },
  });
  token = await daemon.login();
  browser = await launchBrowser();
  page = await signedInPage(browser, daemon.url, token, errors, '[data-bell]');
  page.setDefaultTimeout(20_000);
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await daemon?.stop();
  await model?.stop();
  if (pluginDir) rmSync(pluginDir, { recursive: true, force: true });
});

const open = async (hash: string, ready: string) => {
  await page.goto(`${daemon.url}/${hash}`);
  await page.waitForSelector(ready);
};
const api = async <T>(path: string, init: RequestInit & { json?: unknown } = {}) => {
  const res = await daemon.request(path, { ...init, token });
  expect(res.ok, `${path}: ${res.status}`).toBe(true);
  return (await res.json()) as T;
};

describe('notifications', () => {
  it('shows a trigger’s notification in the bell as it arrives and opens its conversation', async () => {
    model.script({ reply: { text: 'A new note, **groceries.md**, arrived in Downloads. Ask me what is on it.' } });
    await open('#/goals', '[data-screen="goals"]');
    expect(await page.$('[data-bell] [data-unread]')).toBeNull();
    writeFileSync(join(daemon.userHome, 'Downloads', 'groceries.md'), '# Groceries\n\nMilk, bread, apples.\n');

    await page.waitForSelector('[data-bell] [data-unread]:has-text("1")', { timeout: 60_000 });
    await page.click('[data-bell]');
    const item = page.locator('[data-notification-panel] [data-notification]').first();
    await item.waitFor();
    expect(await item.textContent()).toContain('groceries.md');
    expect(await item.getAttribute('data-unread-item')).toBe('');
    await page.screenshot({ path: join(SHOTS, 'notifications.png') });

    const { items } = await api<{ items: { id: string; conversation_id: string | null }[] }>('/api/notifications');
    const conversation = items[0]?.conversation_id;
    expect(conversation).toBeTruthy();
    await item.click();
    await page.waitForSelector(`[data-conversation-view="${conversation}"]`);
    expect(page.url()).toContain(`#/chat?c=${conversation}`);
    await page.waitForSelector('[data-bell] [data-unread]', { state: 'detached' });
    const after = await api<{ unread: number; items: { read_at: string | null }[] }>('/api/notifications');
    expect(after.unread).toBe(0);
    expect(after.items[0]?.read_at).not.toBeNull();
  });
});

describe('goals', () => {
  it('creates a goal, showing the daemon’s cron message by the schedule field until it is fixed', async () => {
    await open('#/goals', '[data-screen="goals"]');
    await page.click('[data-goal-new]');
    await page.fill('[data-goal-form] input[name="title"]', 'Tidy the Desktop');
    await page.fill(
      '[data-goal-form] textarea[name="instructions"]',
      'Look at the Desktop, recall what I keep there, and tell me what to tidy.',
    );
    await page.fill('[data-goal-form] input[name="schedule"]', 'every morning');
    await page.fill('[data-goal-form] input[name="max_steps"]', '5');
    await page.waitForSelector('[data-goal-form] [data-tools] input[name="tool:write_file"]');
    // The plugin's tool is offered too, and granted.
    await page.check('[data-goal-form] [data-tools] input[name="tool:notes-e2e_count_words"]');
    await page.click('[data-goal-save]');
    const problem = await page.waitForSelector('[data-goal-form] [data-error="schedule"]');
    expect(await problem.textContent()).toMatch(/schedule/i);
    expect((await api<{ items: unknown[] }>('/api/goals')).items).toHaveLength(0);

    await page.fill('[data-goal-form] input[name="schedule"]', '0 9 * * 1-5');
    await page.click('[data-goal-save]');
    await page.waitForSelector('[data-goal] [data-goal-run]');
    const goals = await api<{ items: { id: string; schedule: string; budget: { max_steps: number } }[] }>('/api/goals');
    expect(goals.items).toHaveLength(1);
    expect(goals.items[0]).toMatchObject({
      schedule: '0 9 * * 1-5',
      budget: { max_steps: 5 },
      allowed_tools: ['notes-e2e_count_words'],
    });
    expect(await page.textContent('[data-goal]')).toContain('notes-e2e_count_words');
    expect(await page.textContent(`[data-goal-item="${goals.items[0]?.id}"]`)).toContain('0 9 * * 1-5');
  });

  it('runs the goal with three tool calls and shows every step, then the answer', async () => {
    const desktop = join(daemon.userHome, 'Desktop');
    model.script(
      {
        reply: {
          text: 'First I look at the Desktop.',
          toolCalls: [{ name: 'list_files', arguments: { path: desktop } }],
        },
      },
      { reply: { toolCalls: [{ name: 'memory_search', arguments: { query: 'desktop habits' } }] } },
      { reply: { toolCalls: [{ name: 'search_files', arguments: { query: 'screenshots' } }] } },
      { reply: { text: 'The Desktop is **empty**: nothing to tidy.' } },
    );
    await page.click('[data-goal] [data-goal-run]');
    await page.waitForSelector('[data-run][data-run-status="done"]', { timeout: 30_000 });
    const kinds = await page.$$eval('[data-run] [data-step]', (els) => els.map((e) => e.getAttribute('data-step')));
    expect(kinds.filter((k) => k === 'tool_call')).toHaveLength(3);
    expect(kinds.filter((k) => k === 'observation')).toHaveLength(3);
    expect(kinds).toContain('thought');
    expect(kinds.at(-1)).toBe('answer');
    const tools = await page.$$eval('[data-run] [data-step="tool_call"] [data-step-tool]', (els) =>
      els.map((e) => e.textContent),
    );
    expect(tools).toEqual(['list_files', 'memory_search', 'search_files']);
    expect(await page.textContent('[data-run] [data-step="answer"] [data-markdown] strong')).toBe('empty');
    expect(await page.textContent('[data-run] [data-run-usage]')).toContain('3');
    await page.waitForSelector('[data-goal-runs] [data-status="done"]');
    await page.waitForSelector('[data-goal-list] [data-status="done"]');
    await page.screenshot({ path: join(SHOTS, 'goals.png'), fullPage: true });
  });

  it('cancels a running run from its timeline', async () => {
    const goal = await api<{ id: string }>('/api/goals', {
      method: 'POST',
      json: { title: 'Slow goal', instructions: 'Think for a long time.' },
    });
    // The model takes its time answering, so the run is still working when Cancel is pressed.
    model.script({ delay: { ms: 60_000 } });
    await open(`#/goals?g=${goal.id}`, '[data-goal] [data-goal-run]');
    await page.click('[data-goal] [data-goal-run]');
    await page.waitForSelector('[data-run][data-run-status="running"] [data-run-cancel]');
    await page.click('[data-run] [data-run-cancel]');
    await page.waitForSelector('[data-run][data-run-status="cancelled"]');
    expect(await page.$('[data-run] [data-run-cancel]')).toBeNull();
    const runs = await api<{ items: { status: string }[] }>(`/api/goals/${goal.id}/runs`);
    expect(runs.items[0]?.status).toBe('cancelled');
    expect((await daemon.request(`/api/goals/${goal.id}`, { method: 'DELETE', token })).status).toBe(204);
  });
});

describe('scheduler', () => {
  it('runs a built-in job now and lists the run in its history', async () => {
    await open('#/scheduler', '[data-job="memory-gc"]');
    expect(await page.getAttribute('[data-job="memory-gc"]', 'data-job-kind')).toBe('builtin');
    await page.click('[data-job="memory-gc"] [data-job-run]');
    const run = await page.waitForSelector('[data-job-history="memory-gc"] [data-job-run][data-run-status="ok"]');
    expect(await run.$('[data-run-summary]')).not.toBeNull();
    expect(await run.$('[data-run-duration]')).not.toBeNull();
    await page.waitForSelector('[data-job="memory-gc"] [data-job-last] [data-status="ok"]');
    const { runs } = await api<{ runs: { status: string; trigger: string }[] }>('/api/scheduler/jobs/memory-gc/runs');
    expect(runs[0]).toMatchObject({ status: 'ok', trigger: 'manual' });
    await page.screenshot({ path: join(SHOTS, 'scheduler.png'), fullPage: true });
  });

  it('refuses a cron it cannot read with the daemon’s message by the field, then saves a good one', async () => {
    await page.click('[data-job="memory-gc"] [data-cron-edit]');
    await page.fill('[data-job="memory-gc"] input[name="cron"]', '61 * * * *');
    await page.click('[data-job="memory-gc"] [data-cron-save]');
    await page.waitForSelector('[data-job="memory-gc"] [data-error="cron"]');
    await page.fill('[data-job="memory-gc"] input[name="cron"]', '0 5 * * *');
    await page.click('[data-job="memory-gc"] [data-cron-save]');
    await page.waitForSelector('[data-job="memory-gc"] [data-job-cron]:has-text("0 5 * * *")');
    const { job } = await api<{ job: { cron: string } }>('/api/scheduler/jobs/memory-gc');
    expect(job.cron).toBe('0 5 * * *');
  });
});

describe('plugins', () => {
  it('lists a running plugin with its tools and docs, an invalid one with its reason, and turns one off and on', async () => {
    await open('#/plugins', '[data-plugin="notes-e2e"]');
    await page.waitForSelector('[data-plugin="notes-e2e"][data-plugin-status="running"]').catch(async () => {
      await page.click('[data-plugins-refresh]');
      await page.waitForSelector('[data-plugin="notes-e2e"][data-plugin-status="running"]');
    });
    expect(await page.textContent('[data-plugin="notes-e2e"] [data-plugin-tools]')).toContain('notes-e2e_count_words');
    expect(await page.textContent('[data-plugin="bad-e2e"] [data-plugin-reason]')).toContain('version');
    await page.click('[data-plugin="notes-e2e"] [data-plugin-docs]');
    const doc = await page.waitForSelector('[data-plugin="notes-e2e"] [data-plugin-doc] [data-markdown]');
    expect(await doc.textContent()).toContain('Counts the words of a text.');
    expect(await doc.$('script, iframe')).toBeNull();
    await page.screenshot({ path: join(SHOTS, 'plugins.png'), fullPage: true });

    await page.click('[data-plugin="notes-e2e"] [data-plugin-toggle]');
    await page.waitForSelector('[data-plugin="notes-e2e"][data-plugin-status="disabled"]');
    await page.click('[data-plugin="notes-e2e"] [data-plugin-toggle]');
    await page.waitForSelector(
      '[data-plugin="notes-e2e"]:is([data-plugin-status="running"], [data-plugin-status="starting"])',
    );
  });
});

/** English strings of the new screens' files that differ in Russian, cut at their placeholders. */
function englishOnly(): string[] {
  const read = (lang: string, f: string) =>
    JSON.parse(readFileSync(join(I18N, lang, f), 'utf8')) as Record<string, string>;
  const out: string[] = [];
  for (const f of ['goals.json', 'scheduler.json', 'plugins.json', 'notifications.json', 'system.json']) {
    const en = read('en', f);
    const ru = read('ru', f);
    for (const [k, text] of Object.entries(en)) {
      if (text === ru[k]) continue;
      const longest =
        text
          .split(/\{\w+\}/)
          .sort((a, b) => b.length - a.length)[0]
          ?.trim() ?? '';
      if (/\p{L}{3}/u.test(longest) && longest.length >= 4) out.push(longest);
    }
  }
  return out;
}

describe('in Russian, narrow and dark', () => {
  it('shows no English string on the new screens', async () => {
    const english = englishOnly();
    expect(english.length).toBeGreaterThan(50);
    await page.evaluate(() => localStorage.setItem('titan.lang', 'ru'));
    await page.setViewportSize({ width: 390, height: 800 });
    const goalId = (await api<{ items: { id: string }[] }>('/api/goals')).items[0]?.id as string;
    const runId = (await api<{ items: { id: string }[] }>(`/api/goals/${goalId}/runs`)).items[0]?.id as string;
    const screens: [string, string, string][] = [
      ['goals', `#/goals?g=${goalId}&r=${runId}`, '[data-run][data-run-status="done"] [data-step="answer"]'],
      ['goals-form', '#/goals?edit=new', '[data-goal-form] [data-tools] input'],
      ['scheduler', '#/scheduler?job=memory-gc', '[data-job-history="memory-gc"] [data-job-run]'],
      ['plugins', '#/plugins', '[data-plugin="notes-e2e"]'],
    ];
    for (const [name, hash, ready] of screens) {
      await page.goto(`${daemon.url}/${hash}`);
      await page.reload();
      await page.waitForSelector(ready);
      if (name === 'scheduler') {
        expect(await page.textContent('[data-job="memory-gc"] [data-job-description]')).toContain('Сборка мусора');
      }
      if (name === 'plugins') {
        await page.click('[data-plugin="notes-e2e"] [data-plugin-docs]');
        await page.waitForSelector('[data-plugin-doc] [data-markdown]');
      }
      await page.click('[data-bell]');
      await page.waitForSelector('[data-notification-panel] [data-notification]');
      // What the daemon wrote (plugin docs, job descriptions in code, model text) is content, not the UI's strings.
      const text = await page.evaluate(() => {
        const content = [...document.querySelectorAll<HTMLElement>('[data-markdown], code, [data-plugin-reason]')];
        for (const el of content) el.style.display = 'none';
        // biome-ignore lint/performance/useDomNodeTextContent: only the text a reader sees counts
        const shown = document.body.innerText;
        for (const el of content) el.style.display = '';
        return shown;
      });
      expect(
        english.filter((s) => text.includes(s)),
        name,
      ).toEqual([]);
      expect(text).toContain('Уведомления');
      await page.click('[data-bell]');
      if (name === 'goals') {
        await page.click('nav button[title]');
        expect(await page.evaluate(() => document.documentElement.classList.contains('dark'))).toBe(true);
      }
      await page.screenshot({ path: join(SHOTS, `${name}-ru-narrow-dark.png`), fullPage: true });
    }
    await page.click('nav button[title]');
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.evaluate(() => localStorage.setItem('titan.lang', 'en'));
    expect(errors).toEqual([]);
  });
});
