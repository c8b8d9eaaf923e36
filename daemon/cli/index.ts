// The command table of the titan executable: each command in its own module, loaded only when it runs.
import { PLUGIN_HOST_COMMAND, pluginHost } from '../autonomy/plugins/hostCommand.ts';
import { SettingsError } from '../config/errors.ts';
import { CliError, type CliIo, type Command, type ExitCode } from './io.ts';

interface Entry {
  usage: string;
  summary: string;
  load: () => Promise<Command>;
}

// Summaries here, not in the modules: `titan help` must not load the daemon to print them.
const COMMANDS: Record<string, Entry> = {
  start: { usage: '', summary: 'start the daemon (the default)', load: async () => (await import('./start.ts')).start },
  doctor: {
    usage: '',
    summary: 'check settings, port, folders, services and the model key',
    load: async () => (await import('./doctor.ts')).doctor,
  },
  'install-service': {
    usage: '[--dry-run]',
    summary: 'start Titan at logon (systemd user unit, launchd agent, Scheduled Task)',
    load: async () => (await import('./serviceInstall.ts')).installService,
  },
  'uninstall-service': {
    usage: '[--dry-run]',
    summary: 'remove what install-service added',
    load: async () => (await import('./serviceInstall.ts')).uninstallService,
  },
  mcp: {
    usage: '',
    summary: 'serve Titan as an MCP server on stdin/stdout',
    load: async () => (await import('./mcp.ts')).mcp,
  },
  backup: {
    usage: '[--out <file>]',
    summary: 'write settings, data, graph and trash into one archive',
    load: async () => (await import('./backup.ts')).backup,
  },
  restore: {
    usage: '<file> [--force]',
    summary: 'bring a backup back into an empty data dir',
    load: async () => (await import('./restore.ts')).restore,
  },
  services: {
    usage: 'up|down|status [--migrate]',
    summary: 'Run Local: Redis, Postgres and Neo4j with docker compose',
    load: async () => (await import('./services.ts')).services,
  },
  version: { usage: '', summary: 'print the version', load: async () => (await import('./version.ts')).version },
};

const ALIASES: Record<string, string> = { '--version': 'version', '-v': 'version', '-V': 'version' };

function usage(): string {
  const lines = ['usage: titan [command] [options]', '', 'commands:'];
  for (const [name, e] of Object.entries(COMMANDS)) {
    lines.push(`  ${`${name}${e.usage ? ` ${e.usage}` : ''}`.padEnd(30)} ${e.summary}`);
  }
  lines.push(`  ${'help'.padEnd(30)} print this help`, '', 'With no command, titan starts the daemon.', '');
  return lines.join('\n');
}

/** Runs `titan <argv>`; the exit code, or 'running' while a long-lived command (start, mcp) keeps the process. */
export async function runCli(argv: string[], io: CliIo): Promise<ExitCode> {
  const [first, ...rest] = argv;
  if (first === 'help' || first === '--help' || first === '-h') {
    io.out(usage());
    return 0;
  }
  // Hidden: a plugin process of the single executable.
  if (first === PLUGIN_HOST_COMMAND) return pluginHost.run(rest, io);
  const name = first === undefined ? 'start' : (ALIASES[first] ?? first);
  const entry = COMMANDS[name];
  if (!entry) {
    io.err(`titan: unknown command "${first}"\n\n${usage()}`);
    return 2;
  }
  try {
    return await (await entry.load()).run(rest, io);
  } catch (err) {
    if (err instanceof CliError) {
      io.err(`titan: ${err.message}\n`);
      return err.exitCode;
    }
    // A settings error lists each bad key on its own line; other failures are one actionable sentence.
    io.err(`titan: ${err instanceof SettingsError || err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  }
}
