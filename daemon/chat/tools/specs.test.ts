// The tools' contracts without services: the JSON schemas the model is sent, and arguments the schemas refuse.
import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { CHAT_TOOLS } from '../../config/schema.ts';
import type { ChatTool, ToolContext } from '../types.ts';
import { chatTools, isToolError, parametersOf, toolSpecs } from './index.ts';

const tools = chatTools();
const byName = (name: string) => tools.find((t) => t.name === name) as ChatTool;

/** A JSON-schema node the function-calling API accepts: a type (or enum/anyOf), and objects closed. */
function checkNode(node: Record<string, unknown>, where: string): void {
  expect(node.type ?? node.enum ?? node.anyOf, `${where} has a type`).toBeDefined();
  if (node.type === 'object') {
    expect(node.additionalProperties, `${where} is closed`).toBe(false);
    const props = node.properties as Record<string, Record<string, unknown>>;
    for (const key of (node.required as string[] | undefined) ?? []) expect(props, where).toHaveProperty(key);
    for (const [key, child] of Object.entries(props)) checkNode(child, `${where}.${key}`);
  }
  if (node.type === 'array') checkNode(node.items as Record<string, unknown>, `${where}[]`);
}

describe('toolSpecs', () => {
  it('offers every configured tool once, each with a description for the model', () => {
    expect(tools.map((t) => t.name).sort()).toEqual([...CHAT_TOOLS].sort());
    for (const t of tools) expect(t.description.length).toBeGreaterThan(60);
    expect(tools.filter((t) => t.risk === 'write').map((t) => t.name)).toEqual([
      'write_file',
      'memory_save',
      'memory_forget',
    ]);
  });

  it('produces closed object schemas with described fields, as OpenAI function calling wants', () => {
    const specs = toolSpecs(tools);
    expect(specs).toHaveLength(tools.length);
    for (const spec of specs) {
      expect(spec.type).toBe('function');
      const p = spec.function.parameters;
      expect(p.type).toBe('object');
      expect(p.additionalProperties).toBe(false);
      expect(p).not.toHaveProperty('$schema');
      checkNode(p, spec.function.name);
      for (const [key, field] of Object.entries(p.properties as Record<string, Record<string, unknown>>)) {
        expect(field.description, `${spec.function.name}.${key}`).toEqual(expect.any(String));
      }
      // What goes over the wire survives JSON as it is.
      expect(JSON.parse(JSON.stringify(spec))).toEqual(spec);
    }
  });

  it('marks required arguments and shows defaults', () => {
    const params = (name: string) => parametersOf(byName(name));
    expect(params('read_file')).toMatchObject({
      required: ['path'],
      properties: { max_chars: { type: 'integer', default: 16_000, maximum: 18_000 }, offset: { default: 0 } },
    });
    expect(params('write_file')).toMatchObject({
      required: ['path', 'content'],
      properties: { overwrite: { type: 'boolean', default: false } },
    });
    expect(params('list_files').required ?? []).toEqual([]);
    expect(params('memory_search')).toMatchObject({
      required: ['query'],
      properties: { kinds: { type: 'array', items: { enum: expect.arrayContaining(['fact', 'document_chunk']) } } },
    });
    expect(params('memory_forget')).toMatchObject({ properties: { id: {}, query: {} } });
    expect(params('graph_query')).toMatchObject({ required: ['entity'], properties: { depth: { maximum: 3 } } });
  });
});

describe('argument validation', () => {
  const refused: [string, unknown][] = [
    ['list_files', { path: '' }],
    ['list_files', { folder: 'Desktop' }],
    ['read_file', {}],
    ['read_file', { path: 5 }],
    ['read_file', { path: 'a.txt', max_chars: 50 }],
    ['read_file', { path: 'a.txt', max_chars: 1.5 }],
    ['read_file', { path: 'a.txt', offset: -1 }],
    ['write_file', { path: 'a.txt' }],
    ['write_file', { path: 'a.txt', content: 'x', overwrite: 'yes' }],
    ['write_file', { path: 'a.txt', content: 'x', mode: '0777' }],
    ['search_files', { query: '   ' }],
    ['search_files', { query: 'lease', k: 50 }],
    ['ingest_file', { paths: ['a.txt'] }],
    ['memory_search', { query: 'x', kinds: ['secret'] }],
    ['memory_search', { query: 'x', kinds: [] }],
    ['memory_save', { text: '' }],
    ['memory_save', { text: 'x', kind: 'summary' }],
    ['memory_save', { text: 'x', importance: 2 }],
    ['memory_forget', {}],
    ['memory_forget', { id: '01J', query: 'coffee' }],
    ['graph_query', { entity: 'Sarah', depth: 4 }],
    ['graph_query', { entity: '' }],
    ['graph_query', 'Sarah'],
  ];

  it.each(refused)('%s refuses %j', (name, args) => {
    expect(v.safeParse(byName(name).schema, args).success).toBe(false);
  });

  it('accepts well-formed arguments and fills in the defaults', () => {
    expect(v.parse(byName('read_file').schema, { path: 'Desktop/a.pdf' })).toEqual({
      path: 'Desktop/a.pdf',
      max_chars: 16_000,
      offset: 0,
    });
    expect(v.parse(byName('write_file').schema, { path: 'a.txt', content: '' })).toEqual({
      path: 'a.txt',
      content: '',
      overwrite: false,
    });
    expect(v.parse(byName('memory_save').schema, { text: '  Likes tea  ' })).toEqual({
      text: 'Likes tea',
      kind: 'fact',
      importance: 0.7,
    });
    expect(v.parse(byName('memory_forget').schema, { query: 'tea' })).toEqual({ query: 'tea' });
  });

  it('returns the refusal as a result the model can read, running nothing', async () => {
    const ctx = { signal: new AbortController().signal } as ToolContext; // no services: nothing may be touched
    const result = await byName('read_file').run({ path: 'a.txt', max_chars: 'all' }, ctx);
    expect(isToolError(result)).toBe(true);
    expect(result).toEqual({
      error: { code: 'invalid_arguments', message: expect.stringContaining('max_chars: expected a number') },
    });
    const both = await byName('memory_forget').run({ id: 'x', query: 'y' }, ctx);
    expect(both).toMatchObject({ error: { code: 'invalid_arguments', message: expect.stringContaining('either id') } });
  });

  it('rejects when the turn was stopped before the call', async () => {
    const controller = new AbortController();
    controller.abort(new Error('stopped'));
    const ctx = { signal: controller.signal } as ToolContext;
    await expect(byName('list_files').run({}, ctx)).rejects.toThrow('stopped');
  });
});
