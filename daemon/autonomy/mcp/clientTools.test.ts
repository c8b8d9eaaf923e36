// The MCP server tools as chat tools: names that fit the model's function names, risk from the server's hints, the
// schema passed through, results the model can read, and failures as tool errors instead of thrown calls.
import type { CallToolResult, Tool } from '@modelcontextprotocol/sdk/types.js';
import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import type { ToolContext } from '../../chat/types.ts';
import { chatToolOf, chatToolsOf, mcpToolName, readableResult } from './clientTools.ts';

const ctx = () => ({ signal: new AbortController().signal }) as ToolContext;
const tool = (over: Partial<Tool> = {}): Tool => ({
  name: 'search',
  inputSchema: { type: 'object', properties: { q: { type: 'string' } }, required: ['q'] },
  ...over,
});

describe('mcpToolName', () => {
  it('prefixes the server and makes anything outside [A-Za-z0-9_-] an underscore', () => {
    expect(mcpToolName('github', 'search_issues')).toBe('mcp_github_search_issues');
    expect(mcpToolName('my.server', 'files/read v2')).toBe('mcp_my_server_files_read_v2');
  });

  it('keeps long names within 64 characters, distinct by a hash of the whole', () => {
    const a = mcpToolName('server', `${'x'.repeat(80)}a`);
    const b = mcpToolName('server', `${'x'.repeat(80)}b`);
    expect(a).toHaveLength(64);
    expect(b).toHaveLength(64);
    expect(a).not.toBe(b);
    expect(a).toMatch(/^[A-Za-z0-9_-]+$/);
  });
});

describe('chatToolOf', () => {
  it('is read-only only when the server says readOnlyHint, and hands the model the server’s schema', () => {
    const call = async () => ({ content: [] });
    expect(chatToolOf('s', tool({ annotations: { readOnlyHint: true } }), call).risk).toBe('read');
    expect(chatToolOf('s', tool({ annotations: { destructiveHint: false } }), call).risk).toBe('write');
    expect(chatToolOf('s', tool(), call).risk).toBe('write');
    const made = chatToolOf('s', tool({ description: 'Finds things.' }), call);
    expect(made.parameters).toMatchObject({ type: 'object', required: ['q'] });
    expect(made.description).toContain('Finds things.');
    expect(made.description).toContain('"s"');
    expect(v.safeParse(made.schema, { q: 'x' }).success).toBe(true);
    expect(v.safeParse(made.schema, 'x').success).toBe(false);
  });

  it('calls the server with the original tool name and returns what it said', async () => {
    const seen: unknown[] = [];
    const made = chatToolOf('s', tool({ name: 'do.it' }), async (name, args) => {
      seen.push(name, args);
      return { content: [{ type: 'text', text: 'done' }] };
    });
    expect(made.name).toBe('mcp_s_do_it');
    expect(await made.run({ q: 'x' }, ctx())).toEqual({ text: 'done' });
    expect(seen).toEqual(['do.it', { q: 'x' }]);
  });

  it('answers a gone or timed-out server as a tool error the model can read', async () => {
    const made = chatToolOf('s', tool(), async () => {
      throw new Error('Request timed out');
    });
    expect(await made.run({ q: 'x' }, ctx())).toEqual({
      error: { code: 'mcp_call_failed', message: 'the MCP server "s" did not run search: Request timed out' },
    });
  });

  it('keeps the first of two tools whose names sanitise alike', () => {
    const call = async () => ({ content: [] });
    const tools = chatToolsOf('s', [tool({ name: 'a.b' }), tool({ name: 'a_b' })], call);
    expect(tools.map((t) => t.name)).toEqual(['mcp_s_a_b']);
  });
});

describe('readableResult', () => {
  it('joins text, names binary parts, keeps structured content, and turns isError into a tool error', () => {
    const mixed: CallToolResult = {
      content: [
        { type: 'text', text: 'one' },
        { type: 'image', data: 'AAAA', mimeType: 'image/png' },
        { type: 'resource_link', uri: 'file:///a.txt', name: 'a' },
      ],
    };
    expect(readableResult(mixed)).toEqual({ text: 'one\n[image omitted]\n[resource file:///a.txt]' });
    expect(readableResult({ content: [{ type: 'text', text: '5' }], structuredContent: { sum: 5 } })).toEqual({
      result: { sum: 5 },
      text: '5',
    });
    expect(readableResult({ content: [{ type: 'text', text: 'no such repo' }], isError: true })).toEqual({
      error: { code: 'mcp_tool_error', message: 'no such repo' },
    });
  });
});
