// The MCP feature: Titan's tools served to MCP clients at POST /mcp (and by `titan mcp` over stdio, see stdio.ts), and
// the tools of the MCP servers in settings offered in chat, with their connection status at GET /api/mcp/servers.
import * as v from 'valibot';
import type { AutonomyDeps, Feature } from '../types.ts';
import { McpClients } from './clients.ts';
import { mcpHttpRoute } from './httpRoute.ts';

const ServerStatusSchema = v.object({
  name: v.string(),
  transport: v.picklist(['stdio', 'http']),
  status: v.picklist(['off', 'connecting', 'connected', 'error']),
  tools: v.array(v.string()),
  error: v.nullable(v.string()),
  retry_at: v.nullable(v.string()),
});

export async function openMcp(deps: AutonomyDeps): Promise<Feature> {
  const clients = new McpClients({ tools: deps.tools, logs: deps.logs, bus: deps.bus, version: deps.version });
  let unsubscribe: (() => void) | null = null;
  const onError = (err: unknown) => deps.logs.app.error({ err: (err as Error).message }, 'mcp servers not updated');

  return {
    name: 'mcp',
    routes(api, app, auth) {
      mcpHttpRoute(api, app, auth, deps);
      api.add(
        {
          method: 'get',
          path: '/api/mcp/servers',
          summary: 'The MCP servers Titan uses as a client: connection status, their tools, the last error',
          tag: 'mcp',
          response: v.object({ servers: v.array(ServerStatusSchema) }),
        },
        (c) => c.json({ servers: clients.status() }),
      );
    },
    async start() {
      unsubscribe = deps.settings.onChange((next, prev) => {
        if (JSON.stringify(next.mcp.servers) !== JSON.stringify(prev.mcp.servers)) {
          clients.sync(next.mcp.servers).catch(onError);
        }
      });
      // Connecting happens in the background: a slow or broken server never holds up the daemon's start.
      await clients.sync(deps.settings.get().mcp.servers);
    },
    async close() {
      unsubscribe?.();
      await clients.close();
    },
  };
}
