import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { pluginDocs } from './docs.ts';
import { exposedToolName, loadManifest } from './manifest.ts';

const dirs: string[] = [];
function pluginDir(manifest: unknown, files: Record<string, string> = { 'index.mjs': 'export default {};' }) {
  const dir = mkdtempSync(join(tmpdir(), 'titan-plugin-'));
  dirs.push(dir);
  if (manifest !== undefined) {
    writeFileSync(join(dir, 'plugin.json'), typeof manifest === 'string' ? manifest : JSON.stringify(manifest));
  }
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('loadManifest', () => {
  it('fills the defaults: main index.mjs, no permissions, no tools, write risk, an empty object schema', async () => {
    const dir = pluginDir({
      name: 'tiny',
      version: '0.1.0',
      description: 'x',
      tools: [{ name: 't', description: 'does t' }],
    });
    const loaded = await loadManifest(dir, 'tiny');
    expect(loaded.ok).toBe(true);
    if (!loaded.ok) return;
    expect(loaded.main).toBe(join(dir, 'index.mjs'));
    expect(loaded.manifest.permissions).toEqual({ fs: { read: [], write: [] }, network: [], topics: [] });
    expect(loaded.manifest.tools[0]).toMatchObject({ risk: 'write', parameters: { type: 'object', properties: {} } });
  });

  it('names every wrong field in one reason', async () => {
    const dir = pluginDir({
      name: 'Bad Name',
      version: 'one',
      description: 'x',
      permissions: { topics: ['errors.dlq'], network: ['http://x'] },
      tools: [{ name: 'ok', description: '', parameters: { type: 'string' } }],
      extra: true,
    });
    const loaded = await loadManifest(dir, 'folder');
    expect(loaded).toMatchObject({ ok: false, name: 'folder' });
    if (loaded.ok) return;
    for (const field of [
      'name:',
      'version:',
      'permissions.topics.0:',
      'permissions.network.0:',
      'tools.0.description:',
    ]) {
      expect(loaded.reason).toContain(field);
    }
    expect(loaded.reason).toContain('tools.0.parameters: parameters must describe an object');
    expect(loaded.reason).toContain('extra');
  });

  it('refuses a missing or unreadable manifest, a main outside the folder, a missing main and a tool twice', async () => {
    expect(await loadManifest(pluginDir(undefined), 'none')).toMatchObject({
      ok: false,
      reason: 'no plugin.json in the plugin folder',
    });
    const notJson = await loadManifest(pluginDir('{ nope'), 'x');
    expect(notJson.ok || notJson.reason).toContain('plugin.json cannot be read');
    const base = { name: 'p', version: '1.0.0', description: '' };
    expect(await loadManifest(pluginDir({ ...base, main: '../evil.mjs' }), 'p')).toMatchObject({
      reason: 'main "../evil.mjs" is outside the plugin folder',
    });
    expect(await loadManifest(pluginDir({ ...base, main: 'gone.mjs' }), 'p')).toMatchObject({
      reason: 'main file "gone.mjs" does not exist',
    });
    const twice = {
      ...base,
      tools: [
        { name: 'a', description: 'a' },
        { name: 'a', description: 'b' },
      ],
    };
    expect(await loadManifest(pluginDir(twice), 'p')).toMatchObject({ reason: 'tool "a" is declared twice' });
  });
});

describe('exposedToolName', () => {
  it('joins plugin and tool into a model function name of at most 64 characters', () => {
    expect(exposedToolName('downloads-notifier', 'recent')).toBe('downloads-notifier_recent');
    expect(exposedToolName('p', 'x'.repeat(80))).toHaveLength(64);
    expect(exposedToolName('p', 'a.b')).toBe('p_a_b');
  });
});

describe('pluginDocs', () => {
  it('renders what the plugin may touch and each tool with its schema', async () => {
    const dir = pluginDir({
      name: 'doc',
      version: '2.0.0',
      description: 'Documented.',
      permissions: { fs: { read: ['Downloads'] }, network: ['api.example.com'], topics: ['fs.v1'] },
      tools: [{ name: 'look', description: 'Looks.', risk: 'read', parameters: { type: 'object', required: ['q'] } }],
    });
    const loaded = await loadManifest(dir, 'doc');
    if (!loaded.ok) throw new Error(loaded.reason);
    const md = pluginDocs(loaded.manifest);
    expect(md).toContain('# doc 2.0.0');
    expect(md).toContain('- Reads files in: `Downloads`');
    expect(md).toContain('- Network hosts: `api.example.com`');
    expect(md).toContain('- Listens to: `plugin.v1`, `fs.v1`');
    expect(md).toContain('### `doc_look`');
    expect(md).toContain('read-only');
    expect(md).toContain('"required": [\n    "q"\n  ]');
  });
});
