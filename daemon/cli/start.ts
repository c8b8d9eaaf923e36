// `titan` (or `titan start`): starts the daemon, prints its URL, and stops cleanly on SIGINT/SIGTERM.
import { createTitan, type Titan } from '../app.ts';
import { listen } from '../http/server.ts';
import { checkForUpdate } from '../update/check.ts';
import { clearMark, writeMark } from './daemonMark.ts';
import type { Command } from './io.ts';

/** Only when the user turned `update.auto` on: one background check, its answer logged (never a start failure). */
function autoCheck(titan: Titan, version: string, print: (t: string) => void): void {
  const s = titan.settings.get().update;
  if (!s.check || !s.auto) return;
  void checkForUpdate({ settings: s, version, dataDir: titan.settings.dir }).then((answer) => {
    titan.logs.app.info({ update: answer }, 'update check');
    if (answer.status === 'available') print(`  update: Titan ${answer.latest} is available (${answer.url})\n`);
  });
}

export const start: Command = {
  async run(_argv, io) {
    const titan = await createTitan({ console: true, env: io.env });
    let listening: Awaited<ReturnType<typeof listen>>;
    try {
      listening = await listen(titan);
    } catch (err) {
      await titan.close();
      throw err;
    }
    writeMark(titan.settings.dir, listening.url);
    const health = await titan.engines.health();
    io.out(`Titan is running at ${listening.url}\n`);
    io.out(`  data: ${titan.settings.dir}\n`);
    io.out(
      `  engines: ${Object.entries(health)
        .map(([k, s]) => `${k}=${s.engine}`)
        .join(' ')}\n`,
    );
    const folders = titan.files.roots().map((r) => (r.problem ? `${r.path} (${r.problem})` : r.path));
    io.out(`  folders: ${folders.join(', ')}\n`);
    io.out(`  API docs: ${listening.url}/docs\n`);
    const { VERSION } = await import('./version.ts');
    autoCheck(titan, VERSION, io.out);

    const shutdown = (signal: string) => {
      titan.logs.app.info({ signal }, 'shutting down');
      clearMark(titan.settings.dir);
      listening.stop().then(
        () => process.exit(0),
        () => process.exit(1),
      );
    };
    // SIGHUP re-reads settings.json: rate limits, weights and the log level change without a restart.
    process.on('SIGHUP', () => {
      try {
        titan.settings.reload();
        titan.logs.app.info('settings reloaded (SIGHUP)');
      } catch (err) {
        titan.logs.app.error(
          { err: (err as Error).message },
          'settings not reloaded: the file is invalid; the old settings stay',
        );
      }
    });
    process.once('SIGINT', () => shutdown('SIGINT'));
    process.once('SIGTERM', () => shutdown('SIGTERM'));
    return 'running';
  },
};
