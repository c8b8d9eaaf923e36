// GET /api/tools: every tool the assistant can call right now — built-in, from plugins and from MCP servers — with its
// risk, its approval policy and who provides it (the goals and scheduler forms grant tools from this list).
import * as v from 'valibot';
import type { Approvals } from '../chat/approvals.ts';
import type { ToolRegistry } from '../chat/toolRegistry.ts';
import { parametersOf } from '../chat/tools/index.ts';
import type { ApiRoutes } from './routes.ts';

const ToolView = v.object({
  name: v.string(),
  description: v.string(),
  risk: v.picklist(['read', 'write']),
  approval: v.picklist(['auto', 'ask', 'never']),
  /** "built-in", "plugin:<name>" or "mcp:<server>". */
  source: v.string(),
  parameters: v.record(v.string(), v.unknown()),
});

export function toolsRoutes(api: ApiRoutes, deps: { tools: ToolRegistry; approvals: Approvals }): void {
  api.add(
    {
      method: 'get',
      path: '/api/tools',
      summary: 'Every tool the assistant can call now (built-in, plugins, MCP servers), with risk, approval and source',
      tag: 'chat',
      response: v.object({ tools: v.array(ToolView) }),
    },
    (c) =>
      c.json({
        tools: deps.tools.list().map((tool) => ({
          name: tool.name,
          description: tool.description,
          risk: tool.risk,
          approval: deps.approvals.policyOf(tool),
          source: deps.tools.ownerOf(tool.name) ?? 'built-in',
          parameters: parametersOf(tool),
        })),
      }),
  );
}
