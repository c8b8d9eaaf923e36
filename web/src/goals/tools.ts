// The tools a goal may be granted, as the daemon has them now (GET /api/tools): built-in, from plugins and from
// connected MCP servers, each with its approval policy and risk.
import { api } from '../lib/api.ts';

export interface ToolChoice {
  name: string;
  /** The approval policy chat applies (auto, ask, never). */
  policy?: string;
  /** read or write. */
  risk?: 'read' | 'write';
  /** Which plugin offers it. */
  plugin?: string;
  /** Which MCP server offers it. */
  mcp?: string;
}

interface ToolView {
  name: string;
  risk: 'read' | 'write';
  approval: string;
  source: string;
}

export async function toolChoices(): Promise<ToolChoice[]> {
  const { tools } = await api<{ tools: ToolView[] }>('/api/tools');
  return tools.map((t) => ({
    name: t.name,
    policy: t.approval,
    risk: t.risk,
    ...(t.source.startsWith('plugin:') ? { plugin: t.source.slice('plugin:'.length) } : {}),
    ...(t.source.startsWith('mcp:') ? { mcp: t.source.slice('mcp:'.length) } : {}),
  }));
}
