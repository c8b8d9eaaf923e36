// Titan as an MCP server: the built-in file and memory tools, listed with their JSON schemas and run through the same
// policy, guard and audit trail as chat (runToolCall), on behalf of `who` ("mcp:<client>") — for stdio and /mcp alike.
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import {
  CallToolRequestSchema,
  type CallToolResult,
  ListToolsRequestSchema,
  type Tool,
} from '@modelcontextprotocol/sdk/types.js';
import type { MemoryService } from '../../../memory/service.ts';
import { runToolCall, type ToolAuditRecord } from '../../chat/agentTools.ts';
import { type ApprovalPolicy, Approvals } from '../../chat/approvals.ts';
import type { ToolRegistry } from '../../chat/toolRegistry.ts';
import { parametersOf } from '../../chat/tools/index.ts';
import type { ChatTool } from '../../chat/types.ts';
import type { SettingsStore } from '../../config/settingsStore.ts';
import type { FilesService } from '../../files/service.ts';
import type { Logs } from '../../logs/logs.ts';

export interface McpServerDeps {
  tools: ToolRegistry;
  /** The per-tool policies of Settings → Chat (auto, ask, never). */
  approvals: Approvals;
  settings: SettingsStore;
  files: FilesService;
  memory: MemoryService;
  logs: Logs;
  version: string;
}

/** Why a call was not run: nobody can approve inside MCP, so "ask" tools need the user's standing permission. */
export const WRITES_OFF =
  'refused: this tool changes files or memory and needs approval, which an MCP client cannot give; ' +
  'the user can allow it in Titan under Settings → MCP → allow_writes';

/**
 * The tools MCP clients see: Titan's own (tools contributed by plugins and other MCP servers stay in Titan's chat —
 * re-exporting them would let two Titans call each other in a loop), minus those the user set to "never".
 */
export function exposedTools(deps: Pick<McpServerDeps, 'tools' | 'approvals'>): ChatTool[] {
  return deps.tools
    .list()
    .filter((t) => deps.tools.ownerOf(t.name) === 'built-in' && deps.approvals.policyOf(t) !== 'never');
}

/** A tool as MCP describes it; annotations tell the client what it may want to confirm itself. */
export function describeTool(tool: ChatTool, policy: ApprovalPolicy, allowWrites: boolean): Tool {
  const gated = policy === 'ask';
  return {
    name: tool.name,
    description:
      gated && !allowWrites
        ? `${tool.description} (Titan refuses this tool over MCP: ${WRITES_OFF})`
        : tool.description,
    inputSchema: parametersOf(tool) as Tool['inputSchema'],
    annotations: {
      readOnlyHint: tool.risk === 'read',
      destructiveHint: tool.risk === 'write' && gated,
      openWorldHint: false,
    },
  };
}

function resultOf(ok: boolean, content: string): CallToolResult {
  return { content: [{ type: 'text', text: content }], ...(ok ? {} : { isError: true }) };
}

/** Runs one MCP tool call like a chat tool call: policy first, then validation, the guard and the audit line. */
export async function callExposedTool(
  deps: McpServerDeps,
  who: string,
  name: string,
  args: unknown,
  signal: AbortSignal,
): Promise<CallToolResult> {
  const exposed = new Map(exposedTools(deps).map((t) => [t.name, t]));
  const tool = exposed.get(name);
  const policy = tool ? deps.approvals.policyOf(tool) : 'never';
  const allowWrites = deps.settings.get().mcp.allow_writes;
  const audit = (record: ToolAuditRecord) =>
    deps.logs.audit[record.outcome === 'ok' ? 'info' : 'warn'](
      { ...record, event: 'mcp.tool', ...(policy === 'ask' ? { allowed_by: 'mcp.allow_writes' } : {}) },
      'mcp tool call',
    );
  const call = { id: `mcp-${Date.now().toString(36)}`, name, arguments: JSON.stringify(args ?? {}) };
  if (tool && policy === 'ask' && !allowWrites) {
    const record: ToolAuditRecord = {
      event: 'chat.tool',
      who,
      conversation_id: who,
      call_id: call.id,
      tool: name,
      args: args ?? {},
      approval: policy,
      outcome: 'refused',
      code: 'approval_unavailable',
      message: WRITES_OFF,
      ms: 0,
    };
    deps.logs.audit.warn({ ...record, event: 'mcp.tool' }, 'mcp tool call');
    return resultOf(false, JSON.stringify({ error: { code: 'approval_unavailable', message: WRITES_OFF } }));
  }
  const result = await runToolCall(call, {
    tools: exposed,
    // An "ask" tool gets here only when the user allowed writes over MCP: the MCP client confirms it instead.
    approvals: policy === 'ask' ? new Approvals({ policies: () => ({ [name]: 'auto' }) }) : deps.approvals,
    toolContext: { files: deps.files, memory: deps.memory, who, conversationId: who, signal },
    conversationId: who,
    signal,
    emit: () => {},
    audit,
  });
  return resultOf(result.ok, result.content);
}

/**
 * A low-level SDK Server (it takes JSON schemas as they are) with tools/list and tools/call. `who` is read per call:
 * over stdio it names the client once it has introduced itself.
 */
export function createMcpServer(deps: McpServerDeps, who: (server: Server) => string): Server {
  const server = new Server(
    { name: 'titan', version: deps.version },
    {
      capabilities: { tools: { listChanged: true } },
      instructions:
        "Titan is the user's local assistant: these tools read and write files in the folders the user allowed and " +
        'search or update what Titan remembers. Paths are absolute or relative to the home folder (e.g. "Desktop/a.pdf").',
    },
  );
  server.setRequestHandler(ListToolsRequestSchema, () => {
    const allowWrites = deps.settings.get().mcp.allow_writes;
    return { tools: exposedTools(deps).map((t) => describeTool(t, deps.approvals.policyOf(t), allowWrites)) };
  });
  server.setRequestHandler(CallToolRequestSchema, (request, extra) =>
    callExposedTool(deps, who(server), request.params.name, request.params.arguments, extra.signal),
  );
  return server;
}

/** "mcp:<name>" from a client's self-reported name, cut to what an audit line needs. */
export function mcpWho(clientName: string | undefined | null): string {
  const name = (clientName ?? '')
    .replace(/[^A-Za-z0-9 ._-]/g, '')
    .trim()
    .slice(0, 64);
  return `mcp:${name || 'unknown'}`;
}
