// The Plugins screen's calls: /api/plugins (status, permissions, tools; docs in Markdown; enable, disable, reload) and
// /api/mcp/servers. The types are the web app's copies of the daemon's response schemas.
import { ApiFailure, api, request } from '../lib/api.ts';

export type PluginStatus = 'starting' | 'running' | 'backoff' | 'disabled' | 'invalid';
export interface PluginTool {
  name: string;
  tool: string;
  description: string;
  risk: 'read' | 'write';
  parameters: unknown;
}
export interface Plugin {
  name: string;
  version: string | null;
  description: string;
  dir: string;
  status: PluginStatus;
  reason: string | null;
  restarts: number;
  pid: number | null;
  permissions: {
    fs: { read: string[]; write: string[] };
    network: string[];
    topics: string[];
  } | null;
  tools: PluginTool[];
}
export interface PluginList {
  dirs: string[];
  plugins: Plugin[];
}
export interface McpServer {
  name: string;
  transport: 'stdio' | 'http';
  status: 'off' | 'connecting' | 'connected' | 'error';
  tools: string[];
  error: string | null;
  retry_at: string | null;
}

const plugin = (name: string) => `/api/plugins/${encodeURIComponent(name)}`;

export const pluginsApi = {
  list: () => api<PluginList>('/api/plugins'),
  reload: () => api<PluginList>('/api/plugins/reload', { method: 'POST' }),
  setEnabled: (name: string, on: boolean) =>
    api<Plugin>(`${plugin(name)}/${on ? 'enable' : 'disable'}`, { method: 'POST' }),
  /** The manifest's documentation as Markdown (the route answers text, not JSON). */
  docs: async (name: string) => {
    const res = await request(`${plugin(name)}/docs`);
    if (res.ok) return res.text();
    const err = ((await res.json().catch(() => ({}))) as { error?: { code?: string; message?: string } }).error;
    throw new ApiFailure(res.status, err?.code ?? 'http_error', err?.message ?? res.statusText);
  },
  /** Null when this daemon has no MCP client feature. */
  mcpServers: () =>
    api<{ servers: McpServer[] }>('/api/mcp/servers').then(
      (r) => r.servers,
      (err) => {
        if (err instanceof ApiFailure && err.status === 404) return null;
        throw err;
      },
    ),
};
