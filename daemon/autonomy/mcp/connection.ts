// One configured MCP server as Titan's client: connect (a program over stdio, or Streamable HTTP), list its tools into
// the registry as `mcp:<name>`, and when it goes away withdraw them and reconnect with a doubling backoff.
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { getDefaultEnvironment, StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { type CallToolResult, type Tool, ToolListChangedNotificationSchema } from '@modelcontextprotocol/sdk/types.js';
import type { Bus } from '../../../bus/bus.ts';
import type { ToolRegistry } from '../../chat/toolRegistry.ts';
import type { Settings } from '../../config/schema.ts';
import type { Logs } from '../../logs/logs.ts';
import { chatToolsOf } from './clientTools.ts';

export type McpServerConfig = Settings['mcp']['servers'][number];

export interface McpServerStatus {
  name: string;
  transport: 'stdio' | 'http';
  status: 'off' | 'connecting' | 'connected' | 'error';
  /** The chat names of its tools while connected. */
  tools: string[];
  /** Why it is not connected (the last line the program wrote to stderr, when it wrote one). */
  error: string | null;
  /** When the next attempt is due, while in error. */
  retry_at: string | null;
}

export interface ConnectionDeps {
  tools: ToolRegistry;
  logs: Logs;
  bus: Bus;
  version: string;
  /** The first wait before reconnecting, doubled per failure up to `backoffMaxMs`. Defaults 1 000 and 60 000 ms. */
  backoffMs?: number;
  backoffMaxMs?: number;
}

const STDERR_KEEP = 4096;

export class McpConnection {
  readonly config: McpServerConfig;
  private readonly deps: ConnectionDeps;
  private client: Client | null = null;
  /** Bumped whenever an attempt ends, so late callbacks of an old client change nothing. */
  private generation = 0;
  private failures = 0;
  private timer: NodeJS.Timeout | null = null;
  private closed = false;
  private stderr = '';
  private state: Omit<McpServerStatus, 'name' | 'transport'>;

  constructor(config: McpServerConfig, deps: ConnectionDeps) {
    this.config = config;
    this.deps = deps;
    this.state = { status: config.enabled ? 'connecting' : 'off', tools: [], error: null, retry_at: null };
  }

  get source(): string {
    return `mcp:${this.config.name}`;
  }

  status(): McpServerStatus {
    return { name: this.config.name, transport: this.config.command ? 'stdio' : 'http', ...this.state };
  }

  start(): void {
    if (this.config.enabled) void this.connect();
  }

  async close(): Promise<void> {
    this.closed = true;
    this.generation += 1;
    if (this.timer) clearTimeout(this.timer);
    this.deps.tools.delete(this.source);
    const client = this.client;
    this.client = null;
    await client?.close().catch(() => {});
  }

  private transport(): Transport {
    const c = this.config;
    if (c.command) {
      const stdio = new StdioClientTransport({
        command: c.command,
        args: c.args,
        env: { ...getDefaultEnvironment(), ...c.env },
        stderr: 'pipe',
      });
      this.stderr = '';
      stdio.stderr?.on('data', (chunk: Buffer) => {
        this.stderr = (this.stderr + chunk.toString('utf8')).slice(-STDERR_KEEP);
      });
      return stdio;
    }
    return new StreamableHTTPClientTransport(new URL(c.url as string), { requestInit: { headers: c.headers } });
  }

  private async connect(): Promise<void> {
    const gen = ++this.generation;
    this.state = { ...this.state, status: 'connecting', retry_at: null };
    const client = new Client({ name: 'titan', version: this.deps.version });
    client.onclose = () => this.lost(gen, 'the server closed the connection');
    client.onerror = (err) => this.deps.logs.app.debug({ server: this.config.name, err: err.message }, 'mcp client');
    try {
      await client.connect(this.transport(), { timeout: this.config.timeout_ms });
      if (gen !== this.generation) throw new Error('superseded');
      this.client = client;
      client.setNotificationHandler(ToolListChangedNotificationSchema, () =>
        this.listTools(gen, client).catch((err: Error) => this.lost(gen, `listing its tools failed: ${err.message}`)),
      );
      await this.listTools(gen, client);
      this.failures = 0;
      this.deps.logs.app.info({ server: this.config.name, tools: this.state.tools.length }, 'mcp server connected');
      this.publish('mcp.server.connected', { tools: this.state.tools });
    } catch (err) {
      this.lost(gen, (err as Error).message);
      await client.close().catch(() => {});
    }
  }

  private async listTools(gen: number, client: Client): Promise<void> {
    const tools: Tool[] = [];
    let cursor: string | undefined;
    do {
      const page = await client.listTools(cursor ? { cursor } : undefined, { timeout: this.config.timeout_ms });
      tools.push(...page.tools);
      cursor = page.nextCursor;
    } while (cursor);
    if (gen !== this.generation) return;
    const chat = chatToolsOf(this.config.name, tools, (name, args, signal) => this.call(name, args, signal));
    // The status first: whoever the registry tells of the change may ask for it at once.
    this.state = { ...this.state, status: 'connected', error: null, tools: chat.map((t) => t.name) };
    this.deps.tools.set(this.source, chat);
  }

  private async call(tool: string, args: Record<string, unknown>, signal: AbortSignal): Promise<CallToolResult> {
    const client = this.client;
    if (!client || this.state.status !== 'connected') {
      throw new Error(`the MCP server "${this.config.name}" is not connected: ${this.state.error ?? 'it is starting'}`);
    }
    const timeout = this.config.timeout_ms;
    return (await client.callTool({ name: tool, arguments: args }, undefined, { timeout, signal })) as CallToolResult;
  }

  /** The attempt `gen` ended: its tools go, the reason is kept, and (unless closed) the next attempt is timed. */
  private lost(gen: number, why: string): void {
    if (gen !== this.generation || this.closed) return;
    this.generation += 1;
    this.client = null;
    const said = this.stderr.trim().split('\n').at(-1)?.trim();
    const error = said ? `${why} (it said: ${said.slice(0, 300)})` : why;
    const base = this.deps.backoffMs ?? 1000;
    const wait = Math.min(base * 2 ** this.failures, this.deps.backoffMaxMs ?? 60_000);
    this.failures += 1;
    this.state = { status: 'error', tools: [], error, retry_at: new Date(Date.now() + wait).toISOString() };
    this.deps.tools.delete(this.source);
    this.deps.logs.app.warn({ server: this.config.name, error, retry_in_ms: wait }, 'mcp server unavailable');
    this.publish('mcp.server.lost', { error, retry_in_ms: wait });
    this.timer = setTimeout(() => {
      this.timer = null;
      if (!this.closed) void this.connect();
    }, wait);
    this.timer.unref();
  }

  private publish(type: string, payload: Record<string, unknown>): void {
    this.deps.bus
      .publish('system.v1', type, { server: this.config.name, ...payload }, { source: 'mcp' })
      .catch((err: Error) => this.deps.logs.app.warn({ err: err.message }, `publishing ${type} failed`));
  }
}
