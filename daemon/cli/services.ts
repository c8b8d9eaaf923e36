// `titan services up|down|status [--migrate]`: Run Local from the command line, with the progress printed.
import { SettingsStore } from '../config/settingsStore.ts';
import { RunLocalError } from '../runlocal/runLocalError.ts';
import { down, status, up } from '../runlocal/stack.ts';
import { openEngines } from '../storage/engines.ts';
import { runningDaemon } from './daemonMark.ts';
import { CliError, type Command, parseArgs } from './io.ts';

export const services: Command = {
  async run(argv, io) {
    const { flags, rest } = parseArgs(argv);
    const action = rest[0];
    if (
      rest.length !== 1 ||
      !['up', 'down', 'status'].includes(action as string) ||
      [...flags.keys()].some((k) => k !== 'migrate')
    ) {
      throw new CliError('usage', 'usage: titan services up|down|status [--migrate]', 2);
    }
    const settings = new SettingsStore(io.env);
    const progress = (line: string) => io.out(`  ${line}\n`);
    try {
      if (action === 'status') {
        const s = await status({ env: io.env, settings });
        io.out(`${s.message}\n`);
        for (const svc of s.services) io.out(`  ${svc.service}: ${svc.state}${svc.health ? ` (${svc.health})` : ''}\n`);
        if (s.in_use) io.out('  Titan’s settings use these services\n');
        return s.docker.available ? 0 : 1;
      }
      if (action === 'down') {
        await down({ env: io.env, settings, progress });
        return 0;
      }
      const migrate = flags.has('migrate');
      // The embedded database belongs to one process: copying it while a daemon has it open is left to that daemon.
      const running = runningDaemon(settings.dir);
      if (migrate && running) {
        throw new CliError(
          'daemon_running',
          `a Titan is running on ${settings.dir} (${running.url}): use Settings → Run Local there, or stop it first`,
        );
      }
      let opened: Awaited<ReturnType<typeof openEngines>> | null = null;
      try {
        const result = await up(
          {
            env: io.env,
            settings,
            progress,
            source: async () => {
              opened = await openEngines(settings.get(), settings.dir);
              return { sql: opened.sql, neo4j: opened.neo4j, settings: settings.get() };
            },
          },
          { migrate: migrate && settings.get().services.postgres === null },
        );
        io.out(result.restart_required ? 'Done: restart Titan to use the services.\n' : 'Done.\n');
        return 0;
      } finally {
        await (opened as Awaited<ReturnType<typeof openEngines>> | null)?.close();
      }
    } catch (err) {
      if (err instanceof RunLocalError) throw new CliError(err.code, err.message);
      throw err;
    }
  },
};
