// POST /mcp: Titan's MCP server over Streamable HTTP, stateless — a fresh SDK server and transport per request, answers
// as JSON. Behind the login token (`auth`) and the app-wide Host/Origin guard, like every route but health and login.
import { WebStandardStreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js';
import type { Hono, MiddlewareHandler } from 'hono';
import * as v from 'valibot';
import { ApiError } from '../../http/errors.ts';
import type { ApiRoutes } from '../../http/routes.ts';
import { createMcpServer, type McpServerDeps, mcpWho } from './server.ts';

/** Set by `titan mcp` when it relays a stdio client to the daemon, so the audit trail names that client. */
export const CLIENT_HEADER = 'x-titan-mcp-client';

const NO_STREAM =
  'Titan serves MCP statelessly: POST each JSON-RPC message to /mcp; there is no session or server-sent stream to open';

export function mcpHttpRoute(api: ApiRoutes, app: Hono, auth: MiddlewareHandler, deps: McpServerDeps): void {
  api.document({
    method: 'post',
    path: '/mcp',
    summary: 'MCP (Streamable HTTP, stateless): Titan’s file and memory tools for MCP clients',
    description:
      'Send MCP JSON-RPC messages (initialize, tools/list, tools/call) with "Authorization: Bearer <token>" and ' +
      '"Accept: application/json, text/event-stream"; each answer comes back as JSON. No Mcp-Session-Id is issued. ' +
      'Tools whose approval is "ask" run only while mcp.allow_writes is on.',
    tag: 'mcp',
    query: v.object({}),
    errors: [403, 404, 405, 406, 413, 415],
  });

  app.post('/mcp', auth, async function mcpPost(c) {
    const settings = deps.settings.get();
    if (!settings.mcp.server_enabled) {
      throw new ApiError(404, 'mcp_off', 'Titan’s MCP server is off: turn on mcp.server_enabled in Settings → MCP');
    }
    const who = mcpWho(c.req.header(CLIENT_HEADER) ?? 'http');
    const server = createMcpServer(deps, () => who);
    // Stateless: nothing about a client outlives its request, and every request carries its own token check.
    const transport = new WebStandardStreamableHTTPServerTransport({
      sessionIdGenerator: undefined,
      enableJsonResponse: true,
      maxRequestBodySize: settings.limits.body_kb * 1024,
    });
    await server.connect(transport);
    try {
      return await transport.handleRequest(c.req.raw);
    } finally {
      await server.close();
    }
  });
  // A stateless server offers no standalone stream (GET) and no session to end (DELETE); 405 tells clients so.
  const noStream: MiddlewareHandler = async function mcpNoStream(c) {
    return c.json({ jsonrpc: '2.0', error: { code: -32000, message: NO_STREAM }, id: null }, 405, { allow: 'POST' });
  };
  app.get('/mcp', auth, noStream);
  app.delete('/mcp', auth, noStream);
}
