// Titan as an MCP client: one connection per server in settings `mcp.servers`, kept in step with the settings — a
// server added, changed or removed is connected, reconnected or closed (and its tools withdrawn) at once.
import type { Settings } from '../../config/schema.ts';
import { type ConnectionDeps, McpConnection, type McpServerStatus } from './connection.ts';

export class McpClients {
  private readonly deps: ConnectionDeps;
  private readonly connections = new Map<string, McpConnection>();
  private closed = false;

  constructor(deps: ConnectionDeps) {
    this.deps = deps;
  }

  /** Makes the open connections match `servers`: unchanged ones are left alone, others closed and opened anew. */
  async sync(servers: Settings['mcp']['servers']): Promise<void> {
    if (this.closed) return;
    const wanted = new Map(servers.map((s) => [s.name, s]));
    const stale: McpConnection[] = [];
    for (const [name, conn] of this.connections) {
      const next = wanted.get(name);
      if (!next || JSON.stringify(next) !== JSON.stringify(conn.config)) {
        stale.push(conn);
        this.connections.delete(name);
      }
    }
    await Promise.all(stale.map((c) => c.close()));
    for (const config of servers) {
      if (this.connections.has(config.name)) continue;
      const conn = new McpConnection(config, this.deps);
      this.connections.set(config.name, conn);
      conn.start();
    }
  }

  status(): McpServerStatus[] {
    return [...this.connections.values()].map((c) => c.status());
  }

  async close(): Promise<void> {
    this.closed = true;
    const all = [...this.connections.values()];
    this.connections.clear();
    await Promise.all(all.map((c) => c.close()));
  }
}
