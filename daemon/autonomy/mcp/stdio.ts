// `titan mcp`: Titan's MCP server on stdin/stdout for Claude Desktop, IDEs and other MCP clients — relayed to the
// running daemon when there is one, else served from the data dir in this process. Only JSON-RPC goes to stdout.
import type { Readable, Writable } from 'node:stream';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { createTitan, VERSION } from '../../app.ts';
import { TokenIssuer } from '../../auth/tokens.ts';
import { Approvals } from '../../chat/approvals.ts';
import { SettingsStore } from '../../config/settingsStore.ts';
import { createMcpServer, describeTool, exposedTools, type McpServerDeps, mcpWho } from './server.ts';
import { ended, findDaemon, relayStdio } from './stdioBridge.ts';

export interface McpStdioOptions {
  env: NodeJS.ProcessEnv;
  stdin: Readable;
  stdout: Writable;
  /** Where notes for a person go (which mode, why it stopped). Default: process.stderr. */
  stderr?: Writable;
}

export class McpOffError extends Error {
  readonly code = 'mcp_off';
}

export async function runMcpStdio(opts: McpStdioOptions): Promise<void> {
  const err = opts.stderr ?? process.stderr;
  const log = (line: string) => err.write(`titan mcp: ${line}\n`);
  const settings = new SettingsStore(opts.env);
  if (!settings.get().mcp.server_enabled) {
    throw new McpOffError('Titan’s MCP server is off: turn on mcp.server_enabled in Settings → MCP');
  }
  const tokens = new TokenIssuer(settings.dir, () => settings.get().auth.token_ttl_h);
  const base = await findDaemon(settings.dir, settings.get().server, tokens);
  if (base) return relayStdio({ base, tokens, stdin: opts.stdin, stdout: opts.stdout, log });
  log(`no daemon is running: serving ${settings.dir} from this process`);
  return serveInProcess(opts, log);
}

async function serveInProcess(opts: McpStdioOptions, log: (line: string) => void): Promise<void> {
  // A library that prints would corrupt the JSON-RPC stream: console output goes to stderr while we serve.
  const restore = opts.stdout === process.stdout ? quietConsole() : () => {};
  const titan = await createTitan({ env: opts.env, console: false }).catch((e: unknown) => {
    restore();
    throw e;
  });
  const deps: McpServerDeps = {
    tools: titan.tools,
    approvals: new Approvals({ policies: () => titan.settings.get().chat.tools }),
    settings: titan.settings,
    files: titan.files,
    memory: titan.memory,
    logs: titan.logs,
    version: VERSION,
  };
  const server = createMcpServer(deps, (s) => mcpWho(s.getClientVersion()?.name));
  // Tell the client when what it sees changes (a tool set to "never", writes allowed), not on every settings save.
  const listing = () => {
    const allow = deps.settings.get().mcp.allow_writes;
    return JSON.stringify(exposedTools(deps).map((t) => describeTool(t, deps.approvals.policyOf(t), allow)));
  };
  let shown = listing();
  const maybeChanged = () => {
    const now = listing();
    if (now === shown) return;
    shown = now;
    server.sendToolListChanged().catch((e: Error) => log(`tools/list_changed: ${e.message}`));
  };
  const offTools = titan.tools.onChange(maybeChanged);
  const offSettings = titan.settings.onChange(maybeChanged);
  try {
    await server.connect(new StdioServerTransport(opts.stdin, opts.stdout));
    await ended(opts.stdin);
  } finally {
    offTools();
    offSettings();
    await server.close().catch(() => {});
    await titan.close();
    restore();
  }
}

function quietConsole(): () => void {
  const saved = { log: console.log, info: console.info, debug: console.debug };
  console.log = console.info = console.debug = console.error;
  return () => Object.assign(console, saved);
}
