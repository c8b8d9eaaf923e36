// `titan mcp`: Titan as an MCP server over stdin/stdout, for MCP clients that start their servers as processes.
import type { Readable, Writable } from 'node:stream';
import { CliError, type Command } from './io.ts';

type RunMcpStdio = (opts: { env: NodeJS.ProcessEnv; stdin: Readable; stdout: Writable }) => Promise<unknown>;

/** The server lives in the MCP feature (daemon/autonomy/mcp/stdio.ts); a build without it says so instead of a stack. */
async function loadServer(): Promise<RunMcpStdio> {
  try {
    // A literal specifier, so the single-executable bundler sees it; typed loosely while the module is optional.
    // biome-ignore lint/suspicious/noTsIgnore: the module may be absent from this build; @ts-expect-error would fail once it exists
    // @ts-ignore
    const mod = (await import('../autonomy/mcp/stdio.ts')) as { runMcpStdio?: RunMcpStdio };
    if (typeof mod.runMcpStdio === 'function') return mod.runMcpStdio;
  } catch (err) {
    // Only the module itself being absent; a missing import inside it is a real error.
    const e = err as NodeJS.ErrnoException;
    if (e.code !== 'ERR_MODULE_NOT_FOUND' || !/mcp[/\\]stdio\.ts/.test(e.message)) throw err;
  }
  throw new CliError('mcp_unavailable', 'this build of Titan has no MCP stdio server (daemon/autonomy/mcp/stdio.ts)');
}

export const mcp: Command = {
  async run(_argv, io) {
    const runMcpStdio = await loadServer();
    // stdout carries the protocol: nothing else may be written there, so the server's own messages go to stderr.
    await runMcpStdio({ env: io.env, stdin: io.stdin, stdout: io.stdout });
    return 'running';
  },
};
