// An MCP server's tools as chat tools: `mcp_<server>_<tool>` names that fit OpenAI's function names, the server's JSON
// schema handed to the model as is, read-only only when the server says so, and results the model can read.
import { createHash } from 'node:crypto';
import type { CallToolResult, Tool } from '@modelcontextprotocol/sdk/types.js';
import * as v from 'valibot';
import { toolError } from '../../chat/tools/define.ts';
import type { ChatTool } from '../../chat/types.ts';

const MAX_NAME = 64;

/** `mcp_<server>_<tool>` with anything but letters, digits, `_` and `-` made `_`; a long one keeps a hash of the whole. */
export function mcpToolName(server: string, tool: string): string {
  const full = `mcp_${server}_${tool}`.replace(/[^A-Za-z0-9_-]/g, '_');
  if (full.length <= MAX_NAME) return full;
  const hash = createHash('sha256').update(`${server}\0${tool}`).digest('hex').slice(0, 8);
  return `${full.slice(0, MAX_NAME - hash.length - 1)}_${hash}`;
}

/** Calls a tool of a connected server; rejects when the server is gone or the call times out. */
export type McpCaller = (tool: string, args: Record<string, unknown>, signal: AbortSignal) => Promise<CallToolResult>;

/** The model reads text; images and other binary parts are named, not inlined. */
export function readableResult(result: CallToolResult): unknown {
  const parts = (result.content ?? []).map((part) => {
    if (part.type === 'text') return part.text;
    if (part.type === 'resource_link') return `[resource ${part.uri}]`;
    if (part.type === 'resource')
      return 'text' in part.resource ? part.resource.text : `[resource ${part.resource.uri}]`;
    return `[${part.type} omitted]`;
  });
  const text = parts.join('\n');
  if (result.isError) return toolError('mcp_tool_error', text || 'the MCP tool reported an error without a message');
  return result.structuredContent !== undefined ? { result: result.structuredContent, text } : { text };
}

const ArgsObject = v.record(v.string(), v.unknown(), 'expected the arguments as one JSON object');

export function chatToolOf(server: string, tool: Tool, call: McpCaller): ChatTool {
  const readOnly = tool.annotations?.readOnlyHint === true;
  const about = tool.description ?? tool.annotations?.title ?? tool.title ?? tool.name;
  return {
    name: mcpToolName(server, tool.name),
    description: `${about} (from the MCP server "${server}")`,
    schema: ArgsObject,
    // The server validates its own arguments; the model gets its schema as written.
    parameters: { ...tool.inputSchema, type: 'object' },
    risk: readOnly ? 'read' : 'write',
    async run(args, ctx) {
      try {
        return readableResult(await call(tool.name, args as Record<string, unknown>, ctx.signal));
      } catch (err) {
        if (ctx.signal.aborted) throw err;
        // Gone, timed out or refused by the server: the model reads why and may try another way.
        const why = err instanceof Error ? err.message : String(err);
        return toolError('mcp_call_failed', `the MCP server "${server}" did not run ${tool.name}: ${why}`);
      }
    },
  };
}

/** Distinct chat tools for a server's list (two names that sanitise alike keep the first). */
export function chatToolsOf(server: string, tools: Tool[], call: McpCaller): ChatTool[] {
  const out = new Map<string, ChatTool>();
  for (const tool of tools) {
    const chat = chatToolOf(server, tool, call);
    if (!out.has(chat.name)) out.set(chat.name, chat);
  }
  return [...out.values()];
}
