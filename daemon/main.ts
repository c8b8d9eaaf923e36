#!/usr/bin/env node
// The titan executable: `titan` starts the daemon; `titan <command>` runs one of daemon/cli/'s commands.
import { runCli } from './cli/index.ts';
import { processIo } from './cli/io.ts';

runCli(process.argv.slice(2), processIo()).then(
  (code) => {
    // A long-lived command (the daemon, the MCP server) owns the process from here and exits on its signals.
    if (code === 'running') return;
    process.exitCode = code;
    // A client library that keeps a socket open must not keep a finished command alive.
    setTimeout(() => process.exit(code), 2000).unref();
  },
  (err: unknown) => {
    process.stderr.write(`titan: ${(err as Error)?.message ?? String(err)}\n`);
    process.exit(1);
  },
);
