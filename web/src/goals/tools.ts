// The tools a goal may be granted, as the daemon has them: the built-in tools (the keys of settings `chat.tools`, with
// their approval policy), the plugins' tools (GET /api/plugins, with their risk) and the tools of connected MCP servers
// (GET /api/mcp/servers). There is no other tool listing.
import { ApiFailure, api } from '../lib/api.ts';
import { pluginsApi } from '../plugins/api.ts';

export interface ToolChoice {
  name: string;
  /** Built-in tools: the chat's approval policy (auto, ask, never). */
  policy?: string;
  /** Plugin tools: read or write. */
  risk?: 'read' | 'write';
  /** Which plugin offers it. */
  plugin?: string;
  /** Which MCP server offers it. */
  mcp?: string;
}

/** A feature this daemon does not have (404) lists nothing. */
const absent =
  <T>(empty: T) =>
  (err: unknown): T => {
    if (err instanceof ApiFailure && err.status === 404) return empty;
    throw err;
  };

export async function toolChoices(): Promise<ToolChoice[]> {
  const [settings, plugins, servers] = await Promise.all([
    api<{ chat?: { tools?: Record<string, string> } }>('/api/settings'),
    pluginsApi.list().catch(absent({ dirs: [], plugins: [] })),
    pluginsApi.mcpServers(),
  ]);
  const builtIn = Object.entries(settings.chat?.tools ?? {}).map(([name, policy]) => ({ name, policy }));
  const fromPlugins = plugins.plugins.flatMap((p) =>
    p.tools.map((t) => ({ name: t.name, risk: t.risk, plugin: p.name })),
  );
  const fromMcp = (servers ?? []).flatMap((m) => m.tools.map((name) => ({ name, mcp: m.name })));
  return [...builtIn, ...fromPlugins, ...fromMcp];
}
